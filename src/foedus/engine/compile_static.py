"""Statically determined fluents to SQL: union, intersection and complement of interval sets.

A set expression compiles to a relation ``scn, v_<Var>.., start, end`` of intervals per
grounding of the expression's variables. Fluent references read the fluent's table (already
maximal per pair); ``or`` merges overlapping and touching intervals with the sweep; ``and``
joins overlapping intervals (``GREATEST`` of the starts, ``LEAST`` of the ends, which skips NULL
= +infinity in every dialect we target), which stays maximal because each input is;
``except`` sweeps the base against the union of the others. Variables that are not in the head
are projected out: the union over them, again by the sweep.

The algebra is computed per scenario (column ``scn``): each fluent it reads is unfolded from
its masked rows (a row of mask 3 read once in each scenario), and the result folded back into
masked rows (an interval both scenarios have, with the same rule, one row of mask 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from foedus.engine.compile_event import Body, Context
from foedus.engine.compile_sql import (
    BIGINT,
    END,
    FOREVER,
    INIT_BY,
    MASK,
    RULE,
    SCN,
    START,
    TERM_BY,
    VALUE,
    VARCHAR,
    alias,
    and_,
    case,
    col,
    eq,
    exp_exists,
    has_bit,
    holds_at,
    is_null,
    key_cols,
    lag,
    lead,
    lit,
    not_null,
    null,
    or_,
    overlaps,
    paren,
    scenario_mask,
    select,
    sub,
    table,
    unfolded,
    union_all,
    union_merge,
    window,
)
from foedus.errors import BackendError
from foedus.rules.ast import (
    CompareCond,
    Complement,
    Const,
    FactCond,
    Intersect,
    SetExpr,
    SetRef,
    StaticRule,
    Union,
    Var,
)


def vcol(name: str) -> str:
    return f"v_{name}"


@dataclass(frozen=True)
class Rel:
    """Intervals per grounding of ``vars``; ``maximal`` when they are already merged."""

    query: exp.Query
    vars: tuple[str, ...]
    maximal: bool


class _Static:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.n = 0

    def name(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def cols(self, vars_: tuple[str, ...], t: str | None = None) -> list[exp.Expression]:
        return [col(vcol(v), t) for v in vars_]

    def merged(self, rel: Rel) -> Rel:
        if rel.maximal:
            return rel
        src = select(
            col(SCN), *self.cols(rel.vars), col(START), col(END), alias(lit(0), "cat")
        ).from_(sub(rel.query, self.name("m")), copy=False)
        keys = [SCN, *map(vcol, rel.vars)]
        out = union_merge(src, keys)
        return Rel(
            select(*[col(k) for k in keys], col(START), col(END)).from_(
                sub(out, self.name("s")), copy=False
            ),
            rel.vars,
            True,
        )

    def expr(self, e: SetExpr) -> Rel:
        if isinstance(e, SetRef):
            return self.ref(e)
        if isinstance(e, Intersect):
            return self.intersect([self.merged(self.expr(i)) for i in e.items])
        if isinstance(e, Union):
            return self.union([self.expr(i) for i in e.items])
        if isinstance(e, Complement):
            return self.complement(self.merged(self.expr(e.base)), [self.expr(m) for m in e.minus])
        raise BackendError(f"sql compiler: unknown set expression {e!r}")

    def ref(self, e: SetRef) -> Rel:
        a = self.name("r")
        atom = e.ref.atom
        terms = [*zip(atom.args, key_cols(len(atom.args)), strict=True), (e.ref.value, VALUE)]
        bound: dict[str, str] = {}
        conds: list[exp.Expression] = []
        maximal = True
        for term, k in terms:
            if isinstance(term, Const):
                conds.append(eq(col(k, a), lit(term.value)))
            elif term.anonymous:
                maximal = False
            elif term.name in bound:
                conds.append(eq(col(k, a), col(bound[term.name], a)))
            else:
                bound[term.name] = k
        vars_ = tuple(bound)
        q = select(
            alias(lit(0), SCN) if self.ctx.scenarios == 1 else col(SCN, "sb"),
            *[alias(col(bound[v], a), vcol(v)) for v in vars_],
            col(START, a),
            col(END, a),
        ).from_(table(self.ctx.fluent_table(atom.name), a), copy=False)
        if self.ctx.scenarios > 1:  # each row once per scenario it holds in
            q = q.join(
                unfolded(self.ctx.scenarios, "sb"),
                on=has_bit(col(MASK, a), col("bit", "sb")),
                copy=False,
            )
        if conds:
            q = q.where(and_(conds), copy=False)
        return Rel(q, vars_, maximal)

    def intersect(self, items: list[Rel]) -> Rel:
        acc = items[0]
        for nxt in items[1:]:
            a, b = self.name("a"), self.name("b")
            shared = [v for v in nxt.vars if v in acc.vars]
            vars_ = acc.vars + tuple(v for v in nxt.vars if v not in acc.vars)
            on = [
                eq(col(SCN, a), col(SCN, b)),
                *[eq(col(vcol(v), a), col(vcol(v), b)) for v in shared],
                overlaps(a, b),
            ]
            q = (
                select(
                    col(SCN, a),
                    *[col(vcol(v), a if v in acc.vars else b) for v in vars_],
                    alias(exp.Greatest(this=col(START, a), expressions=[col(START, b)]), START),
                    alias(exp.Least(this=col(END, a), expressions=[col(END, b)]), END),
                )
                .from_(sub(acc.query, a), copy=False)
                .join(sub(nxt.query, b), on=and_(on), copy=False)
            )
            acc = Rel(q, vars_, True)
        return acc

    def union(self, items: list[Rel]) -> Rel:
        """The union per grounding of the variables every item has (others projected out)."""
        common = tuple(v for v in items[0].vars if all(v in i.vars for i in items))
        parts = [
            select(col(SCN), *self.cols(common), col(START), col(END)).from_(
                sub(i.query, self.name("u")), copy=False
            )
            for i in items
        ]
        return self.merged(Rel(union_all(parts), common, False))

    def project(self, rel: Rel, vars_: tuple[str, ...]) -> Rel:
        """The union over the variables of ``rel`` not in ``vars_``."""
        if set(vars_) == set(rel.vars):
            return self.merged(rel)
        q = select(col(SCN), *self.cols(vars_), col(START), col(END)).from_(
            sub(rel.query, self.name("p")), copy=False
        )
        return self.merged(Rel(q, vars_, False))

    def complement(self, base: Rel, minus: list[Rel]) -> Rel:
        """``base`` minus each item in turn (a variable the base lacks is existential)."""
        for m in minus:
            base = self.cut(base, self.project(m, tuple(v for v in m.vars if v in base.vars)))
        return base

    def cut(self, base: Rel, m: Rel) -> Rel:
        """``base`` minus ``m`` (maximal, keyed by some of the base's variables).

        ``m``'s gaps per key (from minus infinity, a NULL start, to its first interval, and
        from each interval's end to the next one's start, or on without end) are found by one
        window over ``m`` (a two-row table picks "before the first" (0) or "after this" (1));
        the pieces of a base interval are its overlaps with the gaps of its key, and a base
        interval whose key ``m`` lacks is kept whole. ``m`` being maximal, its gaps are
        disjoint, so the pieces are maximal too.
        """
        keys = [SCN, *map(vcol, base.vars)]
        mkeys = [SCN, *map(vcol, m.vars)]
        bn, mn = self.name("cb"), self.name("cm")
        which = col("which")
        ordered = select(
            *[col(k) for k in mkeys],
            col(START),
            col(END),
            alias(window(lag(col(START)), mkeys, START), "ps"),
            alias(window(lead(col(START)), mkeys, START), "nx"),
        ).from_(table(mn), copy=False)
        two = exp.values([(0,), (1,)], alias="two", columns=["which"])
        gaps = (
            select(
                *[col(k) for k in mkeys],
                alias(case([(eq(which, lit(0)), null(BIGINT))], col(END)), "gs"),
                alias(case([(eq(which.copy(), lit(0)), col(START))], col("nx")), "ge"),
            )
            .from_(sub(ordered, self.name("w")), copy=False)
            .join(two, join_type="cross", copy=False)
            .where(
                or_(
                    [
                        paren(and_([eq(which.copy(), lit(0)), is_null(col("ps"))])),
                        paren(and_([eq(which.copy(), lit(1)), not_null(col(END))])),
                    ]
                ),
                copy=False,
            )
        )
        b, g, x = self.name("b"), self.name("g"), self.name("x")
        bs, be, gs, ge = col(START, b), col(END, b), col("gs", g), col("ge", g)
        forever = lambda e: exp.Coalesce(this=e, expressions=[lit(FOREVER)])  # noqa: E731
        open_ = forever(be.copy())
        later = or_([is_null(gs), exp.GT(this=bs, expression=gs.copy())])
        sooner = or_(
            [is_null(ge), paren(and_([not_null(be), exp.LT(this=be.copy(), expression=ge.copy())]))]
        )
        pieces = (
            select(
                *[col(k, b) for k in keys],
                alias(case([(later, bs.copy())], gs.copy()), START),
                alias(case([(sooner, be.copy())], ge.copy()), END),
            )
            .from_(table(bn, b), copy=False)
            .join(
                sub(gaps, g),
                on=and_(
                    [
                        *[eq(col(k, b), col(k, g)) for k in mkeys],
                        paren(or_([is_null(gs.copy()), exp.LT(this=gs.copy(), expression=open_)])),
                        exp.LT(this=bs.copy(), expression=forever(ge.copy())),
                    ]
                ),
                copy=False,
            )
        )
        absent = exp.Not(
            this=exp_exists(
                select(lit(1))
                .from_(table(mn, x), copy=False)
                .where(and_([eq(col(k, x), col(k, b)) for k in mkeys]), copy=False)
            )
        )
        whole = (
            select(*[col(k, b) for k in keys], col(START, b), col(END, b))
            .from_(table(bn, b), copy=False)
            .where(absent, copy=False)
        )
        q = (
            select(*[col(k) for k in keys], col(START), col(END))
            .from_(sub(union_all([pieces, whole]), self.name("c")), copy=False)
            .with_(bn, as_=base.query, copy=False)
            .with_(mn, as_=m.query, copy=False)
        )
        return Rel(q, base.vars, True)


def _rule_query(ctx: Context, rule: StaticRule) -> exp.Query:
    """One static rule's maximal intervals: ``scn, k.., value, start, end``."""
    st = _Static(ctx)
    rel = st.expr(rule.body)
    b = "b"
    body = Body(ctx, time=lit(0), mask=col(SCN, b))  # reads no fluent: no mask
    for v in rel.vars:
        body.env[v] = col(vcol(v), b)
    conds = tuple(c for c in rule.where if isinstance(c, (FactCond, CompareCond)))
    body.conditions(conds)
    head = rule.head
    head_vars = {t.name for t in (*head.atom.args, head.value) if isinstance(t, Var)}
    arity = len(head.atom.args)
    keys = [alias(body.term(t), k) for t, k in zip(head.atom.args, key_cols(arity), strict=True)]
    value = body.term(head.value)
    decl = ctx.program.fluents[head.atom.name]
    if decl.domain and decl.values is not None:
        body.where.append(exp.In(this=value.copy(), expressions=[lit(x) for x in decl.values]))
    q = body.query(
        select(col(SCN, b), *keys, alias(value, VALUE), col(START, b), col(END, b)).from_(
            sub(rel.query, b), copy=False
        )
    )
    out_keys = [SCN, *key_cols(arity), VALUE]
    if not rel.maximal or any(v not in head_vars for v in body.env):
        src = select(*[col(k) for k in out_keys], col(START), col(END), alias(lit(0), "cat")).from_(
            sub(q, "h"), copy=False
        )
        q = select(*[col(k) for k in out_keys], col(START), col(END)).from_(
            sub(union_merge(src, out_keys), "hm"), copy=False
        )
    return q


def static_query(ctx: Context, rules: list[StaticRule], arity: int) -> exp.Query:
    """A statically determined fluent from its rules (several rules unite), with provenance:
    the first label, alphabetically, of the rules whose own result holds at the start; as
    masked rows (the module's text)."""
    per_scn = _per_scenario(ctx, rules, arity)
    ks = [*key_cols(arity), VALUE, START, END, RULE]
    tail = [alias(null(VARCHAR), INIT_BY), alias(null(VARCHAR), TERM_BY)]
    if ctx.scenarios == 1:
        return select(alias(lit(1), MASK), *[col(k) for k in ks], *tail).from_(
            sub(per_scn, "ps"), copy=False
        )
    mask = exp.BitwiseOrAgg(this=scenario_mask(col(SCN)))
    return (
        select(alias(mask, MASK), *[col(k) for k in ks], *tail)
        .from_(sub(per_scn, "ps"), copy=False)
        .group_by(*[col(k) for k in ks], copy=False)
    )


def _per_scenario(ctx: Context, rules: list[StaticRule], arity: int) -> exp.Query:
    """The fluent's intervals per scenario: ``scn, k.., value, start, end, rule``."""
    out_keys = [SCN, *key_cols(arity), VALUE]
    per_rule = [
        select(*[col(k) for k in out_keys], col(START), col(END), alias(lit(r.label), RULE)).from_(
            sub(_rule_query(ctx, r), f"sr{i}"), copy=False
        )
        for i, r in enumerate(rules)
    ]
    if len(rules) == 1:
        return select(*[col(k) for k in out_keys], col(START), col(END), col(RULE)).from_(
            sub(per_rule[0], "sd"), copy=False
        )
    each = union_all(per_rule)
    src = select(*[col(k) for k in out_keys], col(START), col(END), alias(lit(0), "cat")).from_(
        sub(each.copy(), "h"), copy=False
    )
    merged = union_merge(src, out_keys)
    on = and_([*[eq(col(k, "m"), col(k, "r")) for k in out_keys], holds_at("r", col(START, "m"))])
    return (
        select(
            *[col(k, "m") for k in out_keys],
            col(START, "m"),
            col(END, "m"),
            alias(exp.Min(this=col(RULE, "r")), RULE),
        )
        .from_(sub(merged, "m"), copy=False)
        .join(sub(each, "r"), on=on, copy=False)
        .group_by(*[col(k, "m") for k in out_keys], col(START, "m"), col(END, "m"), copy=False)
    )
