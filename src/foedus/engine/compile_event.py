"""Event rules to SQL: the start and end points of simple fluents, and the inertia sweep.

Each ``initiated`` rule becomes a query over the scenario's happenings (``_foedus_ev``) joined
with its conditions, giving candidate start points ``T+1`` with their rule label and happening
id; each ``terminated`` rule gives end points (value NULL for ``= _``: every value). The sweep
(:func:`fluent_query`) then pairs them exactly as RTEC does:

* at a point of a key where some value is initiated, a pair ``(key, v)`` is *broken* unless
  ``v`` is the only value initiated there (MIN = MAX = v), and a broken or terminated point is
  an end point, whatever else happens there (termination wins ties);
* otherwise an initiation of ``v`` is a start point;
* after an end point the pair does not hold, after a start point it does, so the state after
  each point is ``is_start``; intervals run from each change to "holding" to the next change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from foedus.engine.compile_sql import (
    BIGINT,
    END,
    INIT_BY,
    RULE,
    SCN,
    START,
    TERM_BY,
    VALUE,
    VARCHAR,
    alias,
    and_,
    col,
    eq,
    exp_exists,
    holds_at,
    is_null,
    key_cols,
    lag,
    lead,
    lit,
    neq,
    not_null,
    null,
    or_,
    paren,
    select,
    sub,
    table,
    union_all,
    union_distinct,
    window,
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


def fact_table(rel: str) -> str:
    return f"_foedus_fact_{rel}"


@dataclass
class Context:
    """What a rule's SQL reads: the table that holds each fluent's intervals at this step."""

    program: Program
    tables: dict[str, str] = field(default_factory=dict)

    def fluent_table(self, name: str) -> str:
        return self.tables[name]


class _Body:
    """Joins a rule body one literal at a time, binding variables to column expressions."""

    def __init__(self, ctx: Context, time: exp.Expression, scn: exp.Expression) -> None:
        self.ctx = ctx
        self.time = time
        self.scn = scn
        self.env: dict[str, exp.Expression] = {}
        self.joins: list[tuple[exp.Table, exp.Expression]] = []
        self.where: list[exp.Expression] = []
        self.n = 0

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

    def fluent(self, ref: FluentRef, negated: bool) -> None:
        a = self.alias()
        name = ref.atom.name
        args = [
            (t, col(k, a)) for t, k in zip(ref.atom.args, key_cols(len(ref.atom.args)), strict=True)
        ]
        args.append((ref.value, col(VALUE, a)))
        conds = [eq(col(SCN, a), self.scn)]
        conds += self._pattern(a, args, bind=not negated)
        conds.append(holds_at(a, self.time))
        t = table(self.ctx.fluent_table(name), a)
        if negated:
            self.where.append(
                exp.Not(this=
                    exp_exists(select(lit(1)).from_(t, copy=False).where(and_(conds), copy=False))
                )
            )
        else:
            self.joins.append((t, and_(conds)))

    def fact(self, cond: FactCond) -> None:
        a = self.alias()
        args = [(t, col(f"c{i}", a)) for i, t in enumerate(cond.atom.args)]
        conds = self._pattern(a, args, bind=not cond.negated)
        t = table(fact_table(cond.atom.name), a)
        if cond.negated:
            self.where.append(
                exp.Not(this=
                    exp_exists(select(lit(1)).from_(t, copy=False).where(and_(conds), copy=False))
                )
            )
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
        for c in later:
            if isinstance(c, CompareCond):
                self.compare(c)
            elif isinstance(c, HoldsCond):
                self.fluent(c.ref, negated=True)
            elif isinstance(c, FactCond):
                self.fact(c)

    def query(self, base: exp.Select) -> exp.Select:
        q = base
        for t, on in self.joins:
            q = q.join(t, on=on, copy=False)
        return q.where(and_(self.where), copy=False) if self.where else q


def rule_query(ctx: Context, rule: EventRule) -> exp.Select:
    """The points of one event rule: ``scn, k.., value, p, rule, id`` (value NULL: any)."""
    body = _Body(ctx, time=col("t", "e"), scn=col(SCN, "e"))
    ev = rule.event
    body.where.append(eq(col("name", "e"), lit(ev.name)))
    body.where.append(eq(col("arity", "e"), lit(len(ev.args))))
    for i, term in enumerate(ev.args):
        c = body.match(term, col(f"a{i}", "e"), bind=True)
        if c is not None:
            body.where.append(c)
    body.conditions(rule.conditions)
    head = rule.head
    keys = [
        alias(body.term(t), k)
        for t, k in zip(head.atom.args, key_cols(len(head.atom.args)), strict=True)
    ]
    value = head.value
    if isinstance(value, Var) and value.anonymous:
        if rule.kind == "initiated":
            raise BackendError("sql compiler: an initiation needs a value, not '_'")
        v: exp.Expression = null(VARCHAR)
    else:
        v = body.term(value)
    decl = ctx.program.fluents[head.atom.name]
    if rule.kind == "initiated" and decl.domain and decl.values is not None:
        body.where.append(exp.In(this=v.copy(), expressions=[lit(x) for x in decl.values]))
    base = select(
        col(SCN, "e"),
        *keys,
        alias(v, VALUE),
        alias(exp.Add(this=col("t", "e"), expression=lit(1)), "p"),
        alias(lit(rule.label), RULE),
        alias(col("id", "e"), "id"),
    ).from_(table(EV, "e"), copy=False)
    return body.query(base)


def points_query(ctx: Context, rules: list[EventRule], arity: int) -> exp.Query:
    """All the rules' points of one kind, or an empty relation of the right shape."""
    if rules:
        return union_all([rule_query(ctx, r) for r in rules])
    return select(
        alias(null(exp.DataType.build("INT")), SCN),
        *[alias(null(VARCHAR), k) for k in key_cols(arity)],
        alias(null(VARCHAR), VALUE),
        alias(null(BIGINT), "p"),
        alias(null(VARCHAR), RULE),
        alias(null(VARCHAR), "id"),
    ).where(exp.false(), copy=False)


def _multi_points(init: str, term: str, arity: int) -> exp.Query:
    """Each pair's points ``is_end`` / ``only_v``, breaking included (multi-valued)."""
    ks = [SCN, *key_cols(arity)]
    on_key = lambda a, b: [eq(col(k, a), col(k, b)) for k in ks]  # noqa: E731
    kv = [*ks, VALUE]

    inits = (
        select(
            *[col(k) for k in ks],
            alias(exp.Min(this=col(VALUE)), "vmin"),
            alias(exp.Max(this=col(VALUE)), "vmax"),
            col("p"),
        )
        .from_(table(init), copy=False)
        .group_by(*[col(k) for k in ks], col("p"), copy=False)
    )
    pairs = select(*[col(k) for k in kv]).distinct(copy=False).from_(table(init), copy=False)
    key_points = union_distinct(
        [
            select(*[col(k) for k in ks], col("p")).from_(table(init), copy=False),
            select(*[col(k) for k in ks], col("p")).from_(table(term), copy=False),
        ]
    )
    term_v = (
        select(*[col(k) for k in kv], col("p"))
        .distinct(copy=False)
        .from_(table(term), copy=False)
        .where(not_null(col(VALUE)), copy=False)
    )
    term_any = (
        select(*[col(k) for k in ks], col("p"))
        .distinct(copy=False)
        .from_(table(term), copy=False)
        .where(is_null(col(VALUE)), copy=False)
    )

    only_v = and_([eq(col("vmin", "i"), col(VALUE, "pr")), eq(col("vmax", "i"), col(VALUE, "pr"))])
    is_end = or_(
        [
            paren(and_([not_null(col("p", "i")), exp.Not(this=paren(only_v))])),
            not_null(col("p", "tv")),
            not_null(col("p", "ta")),
        ]
    )
    pts = (
        select(
            *[col(k, "pr") for k in kv],
            col("p", "kp"),
            alias(paren(is_end), "is_end"),
            alias(paren(and_([not_null(col("p", "i")), only_v])), "only_v"),
        )
        .from_(sub(pairs, "pr"), copy=False)
        .join(sub(key_points, "kp"), on=and_(on_key("pr", "kp")), copy=False)
        .join(
            sub(inits, "i"),
            on=and_([*on_key("kp", "i"), eq(col("p", "kp"), col("p", "i"))]),
            join_type="left",
            copy=False,
        )
        .join(
            sub(term_v, "tv"),
            on=and_(
                [
                    *on_key("kp", "tv"),
                    eq(col("p", "kp"), col("p", "tv")),
                    eq(col(VALUE, "pr"), col(VALUE, "tv")),
                ]
            ),
            join_type="left",
            copy=False,
        )
        .join(
            sub(term_any, "ta"),
            on=and_([*on_key("kp", "ta"), eq(col("p", "kp"), col("p", "ta"))]),
            join_type="left",
            copy=False,
        )
    )
    return pts


def _bool_points(init: str, term: str, arity: int) -> exp.Query:
    """Each pair's points for a Boolean fluent: one value, nothing breaks."""
    ks = [SCN, *key_cols(arity)]
    parts = [
        select(*[col(k) for k in ks], col("p"), alias(lit(i), "i"), alias(lit(1 - i), "e")).from_(
            table(src), copy=False
        )
        for src, i in ((init, 1), (term, 0))
    ]
    return (
        select(
            *[col(k) for k in ks],
            alias(lit("true"), VALUE),
            col("p"),
            alias(exp.GT(this=exp.Max(this=col("e")), expression=lit(0)), "is_end"),
            alias(exp.GT(this=exp.Max(this=col("i")), expression=lit(0)), "only_v"),
        )
        .from_(sub(union_all(parts), "bp"), copy=False)
        .group_by(*[col(k) for k in ks], col("p"), copy=False)
    )


def fluent_query(init: str, term: str, arity: int, multivalued: bool = True) -> exp.Query:
    """The maximal intervals of a simple fluent from its point tables, with provenance."""
    ks = [SCN, *key_cols(arity)]
    on_key = lambda a, b: [eq(col(k, a), col(k, b)) for k in ks]  # noqa: E731
    kv = [*ks, VALUE]
    pts = (_multi_points if multivalued else _bool_points)(init, term, arity)
    # the state after each point: holding iff the point is a start (not an end)
    state = (
        select(
            *[col(k) for k in kv],
            col("p"),
            alias(and_([col("only_v"), exp.Not(this=col("is_end"))]), "s"),
        )
        .from_(sub(pts, "pt"), copy=False)
        .where(or_([col("is_end"), col("only_v")]), copy=False)
    )
    prev = select(
        *[col(k) for k in kv],
        col("p"),
        col("s"),
        alias(window(lag(col("s"), exp.false()), kv, "p"), "ps"),
    ).from_(sub(state, "st"), copy=False)
    changes = (
        select(
            *[col(k) for k in kv],
            col("p"),
            col("s"),
            alias(window(lead(col("p")), kv, "p"), "nxt"),
        )
        .from_(sub(prev, "pv"), copy=False)
        .where(neq(col("s"), col("ps")), copy=False)
    )
    ivs = (
        select(*[col(k) for k in kv], alias(col("p"), START), alias(col("nxt"), END))
        .from_(sub(changes, "ch"), copy=False)
        .where(col("s"), copy=False)
    )

    started = (
        select(
            *[col(k) for k in kv],
            col("p"),
            alias(exp.Min(this=col(RULE)), RULE),
            alias(exp.Min(this=col("id")), "id"),
        )
        .from_(table(init), copy=False)
        .group_by(*[col(k) for k in kv], col("p"), copy=False)
    )
    enders = union_all(
        [
            select(*[col(k) for k in kv], col("p"), col("id"), alias(lit(0), "kind")).from_(
                table(term), copy=False
            ),
            select(*[col(k) for k in kv], col("p"), col("id"), alias(lit(1), "kind")).from_(
                table(init), copy=False
            ),
        ]
    )
    ends_match = or_(
        [
            paren(
                and_(
                    [
                        eq(col("kind", "x"), lit(0)),
                        paren(
                            or_([is_null(col(VALUE, "x")), eq(col(VALUE, "x"), col(VALUE, "iv"))])
                        ),
                    ]
                )
            ),
            paren(and_([eq(col("kind", "x"), lit(1)), neq(col(VALUE, "x"), col(VALUE, "iv"))])),
        ]
    )
    ended = (
        select(
            *[col(k, "iv") for k in kv], col(START, "iv"), alias(exp.Min(this=col("id", "x")), "id")
        )
        .from_(sub(ivs, "iv"), copy=False)
        .join(
            sub(enders, "x"),
            on=and_([*on_key("iv", "x"), eq(col("p", "x"), col(END, "iv")), paren(ends_match)]),
            copy=False,
        )
        .group_by(*[col(k, "iv") for k in kv], col(START, "iv"), copy=False)
    )

    return (
        select(
            *[col(k, "iv") for k in kv],
            col(START, "iv"),
            col(END, "iv"),
            alias(col(RULE, "st"), RULE),
            alias(col("id", "st"), INIT_BY),
            alias(col("id", "en"), TERM_BY),
        )
        .from_(sub(ivs, "iv"), copy=False)
        .join(
            sub(started, "st"),
            on=and_(
                [
                    *[eq(col(k, "iv"), col(k, "st")) for k in kv],
                    eq(col(START, "iv"), col("p", "st")),
                ]
            ),
            join_type="left",
            copy=False,
        )
        .join(
            sub(ended, "en"),
            on=and_(
                [
                    *[eq(col(k, "iv"), col(k, "en")) for k in kv],
                    eq(col(START, "iv"), col(START, "en")),
                ]
            ),
            join_type="left",
            copy=False,
        )
    )
