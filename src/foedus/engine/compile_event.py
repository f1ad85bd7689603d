"""Event rules to SQL: the start and end points of simple fluents.

Each ``initiated`` rule becomes a query over the happenings (``_foedus_ev``) joined with its
conditions, giving candidate start points ``T+1`` with their rule label and happening id; each
``terminated`` rule gives end points (value NULL for ``= _``: every value; a wildcard argument
is expanded over the fluent's initiated keys, see :func:`rule_query`). Conditions are read at
``T``: a positive one joins the fluent's intervals that contain ``T`` (and may bind variables),
a negated one asks that none does. :mod:`foedus.engine.compile_inertia` turns the points into
intervals.

Every row carries the mask of the scenarios it holds in (:data:`~foedus.engine.compile_sql.
MASK`): a happening of an exact date is one row of mask 3, a point made from it one row where
both scenarios make it. A positive condition keeps the scenarios the row and the interval
share (``e.m & c.m``); a negated one takes away those in which some interval matches (the
``bit_or`` of their masks). With one scenario every mask is 1 and neither is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlglot import exp

from foedus.engine.compile_sql import (
    BIGINT,
    MASK,
    RULE,
    VALUE,
    VARCHAR,
    alias,
    and_,
    col,
    eq,
    exp_exists,
    has_bit,
    holds_at,
    key_cols,
    lit,
    mask_and,
    mask_less,
    neq,
    null,
    null_like,
    or_,
    select,
    sub,
    table,
    union_all,
)
from foedus.errors import BackendError
from foedus.rules.ast import (
    CompareCond,
    Const,
    EventRule,
    FactCond,
    FluentRef,
    HoldsCond,
    Program,
    Term,
    Var,
)

EV = "_foedus_ev"


def event_forms(rules: Iterable[object]) -> dict[int, list[str]]:
    """The forms of happening the event rules among ``rules`` read: for each number of
    arguments, the names (sorted). Every reader of the plan's event table asks for one of
    these, so a happening of another form is never read (:meth:`foedus.engine.compile`'s event
    table, :func:`foedus.engine.from_tables.happenings_sql`)."""
    forms: dict[int, set[str]] = {}
    for r in rules:
        if isinstance(r, EventRule):
            forms.setdefault(len(r.event.args), set()).add(r.event.name)
    return {n: sorted(names) for n, names in sorted(forms.items())}


def of_forms(forms: Mapping[int, Sequence[str]]) -> exp.Expression:
    """The condition that a happening (its columns ``name`` and ``arity``) is of one of
    ``forms`` (:func:`event_forms`); false when there are none."""
    return or_(
        [
            and_(
                [
                    eq(col("arity"), lit(n)),
                    exp.In(this=col("name"), expressions=[lit(x) for x in names]),
                ]
            )
            for n, names in sorted(forms.items())
            if names
        ]
    )


def fact_table(rel: str) -> str:
    return f"_foedus_fact_{rel}"


@dataclass
class Context:
    """What a rule's SQL reads: the table that holds each fluent's intervals at this step."""

    program: Program
    tables: dict[str, str] = field(default_factory=dict)
    #: 1: every mask is 1 and no condition reads one (a plan of exact times)
    scenarios: int = 2

    def fluent_table(self, name: str) -> str:
        return self.tables[name]


class Body:
    """Joins a rule body one literal at a time, binding variables to column expressions."""

    def __init__(self, ctx: Context, time: exp.Expression, mask: exp.Expression) -> None:
        self.ctx = ctx
        self.time = time
        #: the scenarios the joined row holds in (an expression of the joined masks)
        self.mask = mask
        #: the masks of the scenarios in which a negated condition fails: taken from it
        self.unless: list[exp.Expression] = []
        self.env: dict[str, exp.Expression] = {}
        self.joins: list[tuple[exp.Expression, exp.Expression]] = []
        self.where: list[exp.Expression] = []
        self.n = 0

    @property
    def masked(self) -> bool:
        return self.ctx.scenarios > 1

    def alias(self) -> str:
        self.n += 1
        return f"c{self.n}"

    def match(self, term: Term, column: exp.Expression, bind: bool) -> exp.Expression | None:
        """Constrain ``column`` by ``term``; bind a fresh variable when ``bind``."""
        if isinstance(term, Const):
            return eq(column, lit(term.value))
        if term.anonymous:
            return None
        if term.name in self.env:
            return eq(column, self.env[term.name].copy())
        if bind:
            self.env[term.name] = column
        return None

    def term(self, term: Term) -> exp.Expression:
        if isinstance(term, Const):
            return lit(term.value)
        if isinstance(term, Var) and term.name in self.env:
            return self.env[term.name].copy()
        raise BackendError(f"sql compiler: variable {term} is not bound")

    def _pattern(
        self, a: str, args: list[tuple[Term, exp.Expression]], bind: bool
    ) -> list[exp.Expression]:
        conds = []
        for term, column in args:
            c = self.match(term, column, bind)
            if c is not None:
                conds.append(c)
        return conds

    def fluent(self, ref: FluentRef, negated: bool, values: tuple[str, ...] = ()) -> None:
        """``ref`` holds at the time (or, ``negated``, does not); with ``values``, a negated
        reference to any of these values (``ref``'s own value is then not read)."""
        a = self.alias()
        name = ref.atom.name
        args: list[tuple[Term, exp.Expression]] = [
            (t, col(k, a)) for t, k in zip(ref.atom.args, key_cols(len(ref.atom.args)), strict=True)
        ]
        if not values:
            args.append((ref.value, col(VALUE, a)))
        conds = self._pattern(a, args, bind=not negated)
        if values:
            conds.append(exp.In(this=col(VALUE, a), expressions=[lit(v) for v in values]))
        conds.append(holds_at(a, self.time))
        t = table(self.ctx.fluent_table(name), a)
        if not self.masked:
            self._require(t, conds, negated)
        elif negated:
            # the scenarios in which some interval matches (NULL: none does)
            found = select(exp.BitwiseOrAgg(this=col(MASK, a))).from_(t, copy=False)
            self.unless.append(
                exp.Coalesce(
                    this=exp.Subquery(this=found.where(and_(conds), copy=False)),
                    expressions=[lit(0)],
                )
            )
        else:
            conds.append(has_bit(self.mask.copy(), col(MASK, a)))
            self.joins.append((t, and_(conds)))
            self.mask = mask_and(self.mask, col(MASK, a))

    def row_mask(self) -> exp.Expression:
        """The scenarios the row holds in, its negated conditions' taken away."""
        m = self.mask.copy()
        for u in self.unless:
            m = mask_less(m, u.copy())
        return m

    def fact(self, cond: FactCond) -> None:
        a = self.alias()
        args: list[tuple[Term, exp.Expression]] = [
            (t, col(f"c{i}", a)) for i, t in enumerate(cond.atom.args)
        ]
        conds = self._pattern(a, args, bind=not cond.negated)
        t: exp.Expression = table(fact_table(cond.atom.name), a)
        used = [
            f"c{i}"
            for i, t_ in enumerate(cond.atom.args)
            if not (isinstance(t_, Var) and t_.anonymous)
        ]
        if not cond.negated and len(used) < len(cond.atom.args):
            # ``_`` arguments only ask that some row exists: join the distinct rest, so that
            # rows differing only there (a treaty's several clauses) do not multiply the join
            t = sub(
                select(*[col(c) for c in used])
                .distinct(copy=False)
                .from_(table(fact_table(cond.atom.name)), copy=False),
                a,
            )
        self._require(t, conds, cond.negated)

    def _require(self, t: exp.Expression, conds: list[exp.Expression], negated: bool) -> None:
        """Join ``t`` on ``conds``, or, for a negated condition, keep only the rows for which
        no row of ``t`` meets them."""
        if negated:
            found = select(lit(1)).from_(t, copy=False).where(and_(conds), copy=False)
            self.where.append(exp.Not(this=exp_exists(found)))
        else:
            self.joins.append((t, and_(conds)))

    def compare(self, cond: CompareCond) -> None:
        """A test on bound variables (the checker makes sure they are bound)."""
        op = eq if cond.op == "=" else neq
        self.where.append(op(self.term(cond.left), self.term(cond.right)))

    def conditions(self, conds: tuple) -> None:
        """Positive literals first (in order, they bind), then comparisons and negations."""
        later = []
        for c in conds:
            if isinstance(c, HoldsCond) and not c.negated:
                self.fluent(c.ref, negated=False)
            elif isinstance(c, FactCond) and not c.negated:
                self.fact(c)
            else:
                later.append(c)
        # negations of one fluent reference with several constant values (``not f(X) = a,
        # not f(X) = b``) are one NOT EXISTS of ``value IN (a, b)``: one anti-join, not one each
        values: dict[tuple[str, tuple[Term, ...]], list[str]] = {}
        for c in later:
            if isinstance(c, HoldsCond) and isinstance(c.ref.value, Const):
                values.setdefault((c.ref.atom.name, c.ref.atom.args), []).append(c.ref.value.value)
        done: set[tuple[str, tuple[Term, ...]]] = set()
        for c in later:
            if isinstance(c, CompareCond):
                self.compare(c)
            elif isinstance(c, HoldsCond):
                key = (c.ref.atom.name, c.ref.atom.args)
                group = values.get(key, [])
                if len(group) < 2 or not isinstance(c.ref.value, Const):
                    self.fluent(c.ref, negated=True)
                elif key not in done:  # the group's first: the whole group
                    done.add(key)
                    self.fluent(c.ref, negated=True, values=tuple(dict.fromkeys(group)))
            elif isinstance(c, FactCond):
                self.fact(c)

    def query(self, base: exp.Select) -> exp.Select:
        """``base`` (whose mask column, if any, is :meth:`row_mask`) with the body's joins and
        conditions; a row whose every scenario a negated condition took away is dropped."""
        q = base
        for t, on in self.joins:
            q = q.join(t, on=on, copy=False)
        q = q.where(and_(self.where), copy=False) if self.where else q
        if self.unless:  # the same columns by name (a rule's label still a literal in them)
            names = [
                e.copy() if isinstance(e, exp.Alias) and e.this.is_string else col(e.alias_or_name)
                for e in base.expressions
            ]
            q = select(*names).from_(sub(q, "nm"), copy=False)
            q = q.where(neq(col(MASK), lit(0)), copy=False)
        return q


def rule_query(ctx: Context, rule: EventRule, keys: str | None = None) -> exp.Select:
    """The points of one event rule: ``m, k.., value, p, rule, id`` (value NULL: any).

    A termination with wildcard arguments (:meth:`EventRule.wildcards`) is joined with the
    distinct keys of ``keys`` (the fluent's initiation points: no other key can hold) that
    match its bound arguments, giving one point per such key.
    """
    body = Body(ctx, time=col("t", "e"), mask=col(MASK, "e"))
    ev = rule.event
    body.where.append(eq(col("name", "e"), lit(ev.name)))
    body.where.append(eq(col("arity", "e"), lit(len(ev.args))))
    for i, term in enumerate(ev.args):
        c = body.match(term, col(f"a{i}", "e"), bind=True)
        if c is not None:
            body.where.append(c)
    body.conditions(rule.conditions)
    head = rule.head
    n = len(head.atom.args)
    wild = rule.wildcards()
    ks = key_cols(n)
    if any(i < n for i in wild):
        if keys is None:
            raise BackendError("sql compiler: a wildcard termination needs the fluent's keys")
        # the keys initiated in either scenario: a termination of a key that the row's
        # scenario never initiates ends nothing there
        on = [
            eq(col(k, "wk"), body.term(t))
            for i, (t, k) in enumerate(zip(head.atom.args, ks, strict=True))
            if i not in wild
        ]
        distinct = select(*[col(k) for k in ks]).distinct(copy=False).from_(table(keys), copy=False)
        body.joins.append((sub(distinct, "wk"), and_(on)))
        key_exprs: list[exp.Expression] = [col(k, "wk") for k in ks]
    else:
        key_exprs = [body.term(t) for t in head.atom.args]
    key_sel = [alias(e, k) for e, k in zip(key_exprs, ks, strict=True)]
    if n in wild:
        if rule.kind == "initiated":
            raise BackendError("sql compiler: an initiation needs a value, not '_'")
        v: exp.Expression = null_like(col("a0", "e"))  # the type of the names
    else:
        v = body.term(head.value)
    decl = ctx.program.fluents[head.atom.name]
    if rule.kind == "initiated" and decl.domain and decl.values is not None:
        body.where.append(exp.In(this=v.copy(), expressions=[lit(x) for x in decl.values]))
    base = select(
        alias(body.row_mask(), MASK),
        *key_sel,
        alias(v, VALUE),
        alias(exp.Add(this=col("t", "e"), expression=lit(1)), "p"),
        alias(lit(rule.label), RULE),
        alias(col("id", "e"), "id"),
    ).from_(table(EV, "e"), copy=False)
    return body.query(base)


def points_query(
    ctx: Context, rules: list[EventRule], arity: int, keys: str | None = None
) -> exp.Query:
    """All the rules' points of one kind, or an empty relation of the right shape; ``keys``
    is the table of the fluent's initiation points (for wildcard terminations)."""
    if rules:
        return union_all([rule_query(ctx, r, keys) for r in rules])
    return select(
        alias(null(exp.DataType.build("INT")), MASK),
        *[alias(null(VARCHAR), k) for k in key_cols(arity)],
        alias(null(VARCHAR), VALUE),
        alias(null(BIGINT), "p"),
        alias(null(VARCHAR), RULE),
        alias(null(VARCHAR), "id"),
    ).where(exp.false(), copy=False)
