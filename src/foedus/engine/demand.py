"""Demand-driven evaluation: compute a fan-out fluent only for the keys something reads.

A static rule such as

    binds(T, X, Y) holds for party_to(X, T) and party_to(Y, T) and in_force(T) where X != Y.

has more groundings than any of its inputs: a 150-party instrument has 150 ``party_to`` rows and
22,350 ``binds`` pairs. Materialising such a fluent for every pair costs O(parties²) per
instrument, whether or not any event or question ever reads a pair. This module rewrites a
program (magic sets, Bancilhon et al. 1986, for interval relations) so that such fluents are
computed only for the argument tuples that are *demanded*:

1. **Analysis** (:func:`analyse`). A static fluent is *fan-out* when no single positive
   reference or ``where`` fact of some rule of it has every head variable. The candidates are
   the fan-out fluents and every static fluent keyed like a candidate it reads (a positive
   reference to it shares two or more variables with the head). Each candidate gets an
   *adornment*: the argument positions (the value is position ``arity`` of a multi-valued
   fluent) that all its readers bind:

   - an event rule's condition binds the positions whose term is a constant or a variable bound
     by the event pattern or by a positive fact condition of the rule;
   - a static rule of another candidate binds the positions whose term is a constant or one of
     that rule's head variables at a position of its own adornment.

   A candidate read by a fluent that is computed in full (a static rule of a non-candidate),
   or whose readers together bind no position, is computed in full; the analysis repeats until
   nothing changes. What is left (:attr:`Demand.fluents`) is computed *on demand*; a fluent
   that nothing reads gets an empty demand (it is not computed at all).

2. **Rewriting** (:func:`transform`). Each rule of an on-demand fluent ``F`` gets a reference
   to a *demand relation* ``demand__F`` over its adornment's head terms, put into every branch
   of its body (``and`` with the demand first, so the join starts from it). A demand relation
   holds over all time, so the intersection changes only which keys are computed, never their
   intervals: for every demanded key the rows are exactly those of the full program.

3. **Demand tables** (:func:`demand_steps`). ``demand__F`` holds the bound values of every
   happening that can reach a condition on ``F`` (at any time, in each scenario: a superset of
   what the conditions read) and, through the rules of the on-demand fluents that read ``F``,
   the demand of those. They are computed before any fluent, from the happenings and facts.

The compiler (:func:`foedus.engine.compile.compile_program` with ``demand=True``) computes the
on-demand fluents only for their demand and leaves them out of the ``intervals`` output.
Anything else may ask for their rows later: :func:`foedus.engine.demand_answer.answer_query`
compiles, for any bound arguments, the on-demand fluent's rules over the per-scenario rows of
their inputs (which the build keeps, :func:`Demand.inputs`) into one read-only query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from foedus.engine.compile_event import EV, Body, Context
from foedus.engine.compile_sql import (
    END,
    FOREVER,
    INIT_BY,
    MASK,
    RULE,
    START,
    TERM_BY,
    VALUE,
    VARCHAR,
    alias,
    and_,
    col,
    eq,
    key_cols,
    lit,
    null,
    select,
    sub,
    table,
    union_all,
)
from foedus.rules.ast import (
    Atom,
    Complement,
    Const,
    EventRule,
    FactCond,
    FluentRef,
    HoldsCond,
    Intersect,
    Program,
    SetExpr,
    SetRef,
    StaticRule,
    Term,
    Union,
    Var,
)
from foedus.rules.check import set_refs, strata

#: The name of ``F``'s demand relation in a rewritten program.
PREFIX = "demand__"


def demand_name(fluent: str) -> str:
    return f"{PREFIX}{fluent}"


@dataclass
class Demand:
    """The result of :func:`analyse`: which fluents are computed on demand, and how."""

    #: on-demand fluent -> its adornment (sorted positions; ``arity`` is the value)
    fluents: dict[str, tuple[int, ...]] = field(default_factory=dict)
    #: the order in which demand tables are computed (readers before what they read)
    order: list[str] = field(default_factory=list)

    def inputs(self, program: Program) -> list[str]:
        """The fluents that are not on demand but that rules of on-demand fluents read: their
        per-scenario rows are what :func:`foedus.engine.demand_answer.answer_query` computes an
        on-demand fluent from."""
        out: list[str] = []
        for f in self.fluents:
            for rule in program.rules_for(f):
                assert isinstance(rule, StaticRule)
                for ref, _neg in set_refs(rule.body):
                    n = ref.atom.name
                    if n not in self.fluents and n not in out and n in program.fluents:
                        out.append(n)
        return [f for f in program.fluents if f in out]


def _terms(program: Program, ref: FluentRef) -> list[Term]:
    """A reference's terms by position: the arguments, then the value of a multi-valued one."""
    out = list(ref.atom.args)
    if program.fluents[ref.atom.name].multivalued:
        out.append(ref.value)
    return out


def _vars(terms: list[Term]) -> set[str]:
    return {t.name for t in terms if isinstance(t, Var) and not t.anonymous}


def _positive_refs(e: SetExpr) -> list[FluentRef]:
    return [r for r, neg in set_refs(e) if not neg]


def fan_out(program: Program, rule: StaticRule) -> bool:
    """No positive reference or ``where`` fact of ``rule`` binds every head variable."""
    head = _vars(_terms(program, rule.head))
    if not head:
        return False
    covers = [_vars(_terms(program, r)) for r in _positive_refs(rule.body)]
    covers += [
        _vars(list(c.atom.args)) for c in rule.where if isinstance(c, FactCond) and not c.negated
    ]
    return not any(head <= c for c in covers)


def _pairwise_reader(program: Program, rule: StaticRule, fluent: str) -> bool:
    """A positive reference of ``rule`` to ``fluent`` shares two or more variables with its
    head: the head is keyed like the pairs of ``fluent`` (``protected(X, Y, E)`` reading
    ``binds(T, Y, X)``), not like one party (``isolated(X)`` reading ``binds(_, X, _)``,
    which is computed in full, and so needs ``fluent`` in full)."""
    head = _vars(_terms(program, rule.head))
    return any(
        len(_vars(_terms(program, ref)) & head) >= 2
        for ref in _positive_refs(rule.body)
        if ref.atom.name == fluent
    )


def _event_bound(rule: EventRule) -> set[str]:
    """The variables an event rule binds without reading a fluent."""
    bound = _vars(list(rule.event.args))
    for c in rule.conditions:
        if isinstance(c, FactCond) and not c.negated:
            bound |= _vars(list(c.atom.args))
    return bound


def _bound_positions(terms: list[Term], bound: set[str]) -> set[int]:
    return {
        i
        for i, t in enumerate(terms)
        if isinstance(t, Const) or (isinstance(t, Var) and not t.anonymous and t.name in bound)
    }


def _head_bound(program: Program, rule: StaticRule, adornment: tuple[int, ...]) -> set[str]:
    """The head variables of ``rule`` at the positions of ``adornment``."""
    terms = _terms(program, rule.head)
    return {t.name for i, t in enumerate(terms) if i in adornment and isinstance(t, Var)}


def analyse(program: Program) -> Demand:
    """Which static fluents of ``program`` to compute on demand (see the module docstring)."""
    statics = {r.head.atom.name for r in program.rules if isinstance(r, StaticRule)}
    fan = {
        r.head.atom.name for r in program.rules if isinstance(r, StaticRule) and fan_out(program, r)
    }
    readers: dict[str, list[StaticRule | tuple[EventRule, HoldsCond]]] = {
        f: [] for f in program.fluents
    }
    for rule in program.rules:
        if isinstance(rule, StaticRule):
            for ref, _neg in set_refs(rule.body):
                if ref.atom.name in readers:
                    readers[ref.atom.name].append(rule)
        else:
            for c in rule.conditions:
                if isinstance(c, HoldsCond) and c.ref.atom.name in readers:
                    readers[c.ref.atom.name].append((rule, c))
    # candidates: fan-out fluents and the static fluents that read them (upwards closure)
    cand = set(fan)
    grew = True
    while grew:
        grew = False
        for f in list(cand):
            for r in readers[f]:
                if isinstance(r, StaticRule) and _pairwise_reader(program, r, f):
                    h = r.head.atom.name
                    if h in statics and h not in cand:
                        cand.add(h)
                        grew = True
    while True:
        adorn: dict[str, tuple[int, ...]] = {}
        dropped: str | None = None
        order = _readers_first(program, cand, readers)
        for f in order:
            decl = program.fluents[f]
            arity = len(decl.arg_types) + (1 if decl.multivalued else 0)
            bound: set[int] | None = None
            for r in readers[f]:
                if isinstance(r, StaticRule):
                    h = r.head.atom.name
                    if h not in cand:
                        bound = set()
                        break
                    hb = _head_bound(program, r, adorn[h])
                    for ref, _neg in set_refs(r.body):
                        if ref.atom.name == f:
                            b = _bound_positions(_terms(program, ref), hb)
                            bound = b if bound is None else bound & b
                else:
                    rule, cond = r
                    b = _bound_positions(_terms(program, cond.ref), _event_bound(rule))
                    bound = b if bound is None else bound & b
            if bound is None:  # read by nothing: all positions, no demand
                bound = set(range(arity))
            if not bound:
                dropped = f
                break
            adorn[f] = tuple(sorted(bound))
        if dropped is None:
            return Demand(
                {f: adorn[f] for f in order if f in adorn}, [f for f in order if f in adorn]
            )
        cand.discard(dropped)


def _readers_first(program: Program, cand: set[str], readers: dict[str, list]) -> list[str]:
    """The candidates, each after every candidate whose static rules read it (static
    dependencies are acyclic: the checker rejects same-time cycles)."""
    seq = [f for names in reversed(strata(program)) for f in sorted(names) if f in cand]
    done: list[str] = []
    while len(done) < len(seq):
        for f in seq:
            if f in done:
                continue
            ups = {
                r.head.atom.name
                for r in readers[f]
                if isinstance(r, StaticRule) and r.head.atom.name in cand
            }
            if ups <= set(done):
                done.append(f)
                break
    return done


# --------------------------------------------------------------------------- the rewriting


def _push(e: SetExpr, d: SetRef) -> SetExpr:
    """``e`` with the demand ``d`` in every branch (first in each intersection)."""
    if isinstance(e, Union):
        return Union(tuple(_push(i, d) for i in e.items))
    if isinstance(e, Complement):
        return Complement(_push(e.base, d), e.minus)
    if isinstance(e, Intersect):
        return Intersect((d, *e.items))
    return Intersect((d, e))


def demand_ref(program: Program, rule: StaticRule, adornment: tuple[int, ...]) -> SetRef:
    """The reference to the demand relation of ``rule``'s head, over its adornment's terms."""
    terms = _terms(program, rule.head)
    args = tuple(terms[i] for i in adornment)
    return SetRef(FluentRef(Atom(demand_name(rule.head.atom.name), args, rule.pos)))


def transform(program: Program, demand: Demand, only: set[str] | None = None) -> Program:
    """``program`` with the demand relation put into every rule of each on-demand fluent (of
    those in ``only``, when given). The demand relations are not declared: the compiler reads
    them from the tables of :func:`demand_steps`."""
    rules = []
    for rule in program.rules:
        f = rule.head.atom.name
        if isinstance(rule, StaticRule) and f in demand.fluents and (only is None or f in only):
            d = demand_ref(program, rule, demand.fluents[f])
            rule = StaticRule(
                rule.label, rule.head, _push(rule.body, d), rule.where, rule.pos, rule.doc
            )
        rules.append(rule)
    return Program(dict(program.fluents), dict(program.facts), rules, list(program.ground_facts))


# --------------------------------------------------------------------------- demand tables


def _demand_table(name: str) -> str:
    return f"_foedus_dm_{name}"


def _shape(
    mask: exp.Expression, keys: list[exp.Expression], at: exp.Expression | None = None
) -> list[exp.Expression]:
    """The columns of a fluent table for a demand row, value ``true``: always holding, or at
    the time point ``at`` only (``[at, at + 1)``)."""
    start = exp.Neg(this=exp.Literal.number(FOREVER)) if at is None else at
    end = (
        null(exp.DataType.build("BIGINT"))
        if at is None
        else exp.Add(this=at.copy(), expression=exp.Literal.number(1))
    )
    return [
        alias(mask, MASK),
        *[alias(k, c) for k, c in zip(keys, key_cols(len(keys)), strict=True)],
        alias(lit("true"), VALUE),
        alias(start, START),
        alias(end, END),
        alias(null(VARCHAR), RULE),
        alias(null(VARCHAR), INIT_BY),
        alias(null(VARCHAR), TERM_BY),
    ]


def _empty(n: int) -> exp.Select:
    return select(
        *_shape(null(exp.DataType.build("INT")), [null(VARCHAR) for _ in range(n)])
    ).where(exp.false(), copy=False)


def _event_seed(
    ctx: Context, rule: EventRule, cond: HoldsCond, adornment: tuple[int, ...]
) -> exp.Select:
    """The demand that the condition ``cond`` of event rule ``rule`` makes: the bound values of
    every happening that matches the event pattern (and the positive fact conditions)."""
    body = Body(ctx, time=col("t", "e"), mask=col(MASK, "e"))
    ev = rule.event
    body.where.append(eq(col("name", "e"), lit(ev.name)))
    body.where.append(eq(col("arity", "e"), lit(len(ev.args))))
    for i, term in enumerate(ev.args):
        c = body.match(term, col(f"a{i}", "e"), bind=True)
        if c is not None:
            body.where.append(c)
    for fc in rule.conditions:
        if isinstance(fc, FactCond) and not fc.negated:
            body.fact(fc)
    terms = _terms(ctx.program, cond.ref)
    keys = [alias(body.term(terms[i]), f"x{j}") for j, i in enumerate(adornment)]
    return body.query(select(alias(col(MASK, "e"), MASK), *keys).from_(table(EV, "e"), copy=False))


def _static_seed(
    program: Program, reader: StaticRule, fluent: str, demand: Demand, source: str
) -> list[exp.Select]:
    """The demand that reader ``reader`` (a rule of an on-demand fluent) passes on to
    ``fluent``: per reference, its adornment's terms from the reader's own demand rows."""
    h_ad = demand.fluents[reader.head.atom.name]
    h_terms = _terms(program, reader.head)
    where: list[exp.Expression] = []
    env: dict[str, exp.Expression] = {}
    for j, i in enumerate(h_ad):
        t = h_terms[i]
        c = col(f"k{j}", "d")
        if isinstance(t, Const):
            where.append(eq(c, lit(t.value)))
        elif t.name in env:
            where.append(eq(c, env[t.name].copy()))
        else:
            env[t.name] = c
    out = []
    for ref, _neg in set_refs(reader.body):
        if ref.atom.name != fluent:
            continue
        terms = _terms(program, ref)
        keys = [
            alias(lit(t.value) if isinstance(t, Const) else env[t.name].copy(), f"x{j}")
            for j, t in enumerate(terms[i] for i in demand.fluents[fluent])
        ]
        q = select(alias(col(MASK, "d"), MASK), *keys).from_(table(source, "d"), copy=False)
        if where:
            q = q.where(and_([w.copy() for w in where]), copy=False)
        out.append(q)
    return out


def demand_queries(
    ctx: Context, demand: Demand, tables: dict[str, str]
) -> list[tuple[str, exp.Query]]:
    """``(table, query)`` for each demand table, readers first; ``tables`` maps an on-demand
    fluent to the name of its demand table."""
    program = ctx.program
    out = []
    for f in demand.order:
        ad = demand.fluents[f]
        parts: list[exp.Query] = []
        for rule in program.rules:
            if isinstance(rule, EventRule):
                for c in rule.conditions:
                    if isinstance(c, HoldsCond) and c.ref.atom.name == f:
                        parts.append(_event_seed(ctx, rule, c, ad))
            elif rule.head.atom.name in demand.fluents and any(
                r.atom.name == f for r, _n in set_refs(rule.body)
            ):
                parts += _static_seed(program, rule, f, demand, tables[rule.head.atom.name])
        out.append((tables[f], demand_rows(parts, len(ad))))
    return out


def demand_rows(parts: list[exp.Query], n: int, points: bool = False) -> exp.Query:
    """A demand table (fluent-table shape) of the distinct rows of ``parts`` (``m, x0 ..``: the
    mask of the scenarios that ask), each key asked at every time; with ``points``, of ``m,
    x0 .., t``, each key asked at its
    time point ``t`` only, the interval ``[t, t + 1)``. Every rule of an on-demand fluent
    intersects its body with its demand (:func:`transform`; a complement's base, each branch
    of a union), so its rows are then its intervals cut to the points asked: what holds at a
    point, where that is all a reader asks (an event's condition at its time, as breach
    detection's ``binds``)."""
    if not parts:
        return _empty(n)
    xs = [f"x{i}" for i in range(n)]
    at = ["t"] if points else []
    # one row per key (and point): the scenarios that ask it, so that no scenario asks twice
    rows = select(
        alias(exp.BitwiseOrAgg(this=col(MASK)), MASK), *[col(x) for x in [*xs, *at]]
    ).from_(sub(union_all(parts), "u"), copy=False)
    if xs or at:
        rows = rows.group_by(*[col(x) for x in [*xs, *at]], copy=False)
    shape = _shape(col(MASK, "r"), [col(x, "r") for x in xs], col("t", "r") if points else None)
    return select(*shape).from_(sub(rows, "r"), copy=False)
