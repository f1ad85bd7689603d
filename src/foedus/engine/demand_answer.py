"""On-demand answers: the rows of a fluent computed on demand (:mod:`foedus.engine.demand`),
for any bound keys, from the per-scenario rows of the fluents its rules read.

:func:`answer_query` compiles the on-demand fluent's rules (and those of the on-demand fluents
they read), restricted to the keys asked, into one read-only query over the kept inputs
(:meth:`foedus.engine.demand.Demand.inputs`) and fact relations: the same rows, certainty and
provenance that the full program computes for those keys.
"""

from __future__ import annotations

from itertools import product

from sqlglot import exp

from foedus.engine.compile import _Compiler, fluent_table, output_rows
from foedus.engine.compile_event import fact_table
from foedus.engine.compile_sql import (
    END,
    INIT_BY,
    MASK,
    RULE,
    SCN,
    START,
    TERM_BY,
    VALUE,
    alias,
    col,
    has_bit,
    key_cols,
    lit,
    scenario_mask,
    select,
    sub,
    table,
    unfolded,
    union_all,
)
from foedus.engine.demand import (
    Demand,
    _bound_positions,
    _head_bound,
    _readers_first,
    _terms,
    analyse,
    demand_name,
    demand_queries,
    demand_rows,
    transform,
)
from foedus.rules.ast import FactCond, Program, StaticRule, Var
from foedus.rules.check import set_refs, strata


def _reachable(program: Program, fluent: str, on_demand: dict[str, tuple[int, ...]]) -> list[str]:
    """``fluent`` and the on-demand fluents its static rules read, transitively."""
    out, todo = [fluent], [fluent]
    while todo:
        for rule in program.rules_for(todo.pop()):
            if isinstance(rule, StaticRule):
                for ref, _neg in set_refs(rule.body):
                    n = ref.atom.name
                    if n in on_demand and n not in out:
                        out.append(n)
                        todo.append(n)
    return out


def answer_query(
    program: Program,
    fluent: str,
    bound: dict[int, list[str]] | None,
    inputs: dict[str, exp.Query],
    facts: dict[str, exp.Query],
    scenarios: int,
    per_scenario: bool = False,
    keys: tuple[tuple[int, ...], exp.Query] | None = None,
    points: bool = False,
) -> exp.Query:
    """One read-only query whose rows are on-demand ``fluent``'s rows for the given keys.

    ``bound`` maps positions of ``fluent`` (arguments, then the value of a multi-valued one)
    to the values asked for (every combination is asked; None or empty: every key). The query
    reads ``inputs[f]`` (the per-scenario rows of each fluent of :meth:`Demand.inputs`, in the
    fluent-table shape ``scn, k0 .., value, start, end``) and ``facts[rel]`` (rows ``c0 ..``
    of each fact relation the rules read). Its rows are those of the ``intervals`` output of
    the full program for ``fluent`` (``fluent, args, value, start, end, certainty, rule,
    initiated_by, terminated_by``), or with ``per_scenario`` the fluent table
    (``scn, k0 .., value, start, end, rule, ..``) of each scenario.

    ``keys`` gives the keys instead, as ``(positions, query)``: a query of the values
    ``x0 ..`` at those positions, asked in every scenario; with ``points``, of ``scn, x0 ..,
    t``, each asked in its scenario at its time point only (:func:`foedus.engine.demand.
    demand_rows`: the rows are then cut to ``[t, t + 1)``).
    """
    demand = analyse(program)
    names = _reachable(program, fluent, demand.fluents)
    sub_rules = [r for r in program.rules if r.head.atom.name in names]
    part = Program(
        dict(program.fluents), dict(program.facts), sub_rules, list(program.ground_facts)
    )
    readers: dict[str, list] = {f: [] for f in program.fluents}
    for rule in sub_rules:
        assert isinstance(rule, StaticRule)
        for ref, _neg in set_refs(rule.body):
            if ref.atom.name in readers:
                readers[ref.atom.name].append(rule)
    adorn: dict[str, tuple[int, ...]] = {}
    if keys is not None:
        adorn[fluent] = tuple(keys[0])
    elif bound:
        adorn[fluent] = tuple(sorted(bound))
    for f in _readers_first(part, set(names), readers):
        if f == fluent:
            continue
        b: set[int] | None = None
        for r in readers[f]:
            h = r.head.atom.name
            hb = _head_bound(part, r, adorn[h]) if h in adorn else set()
            for ref, _neg in set_refs(r.body):
                if ref.atom.name == f:
                    p = _bound_positions(_terms(part, ref), hb)
                    b = p if b is None else b & p
        if b:
            adorn[f] = tuple(sorted(b))
    order = [f for f in _readers_first(part, set(names), readers) if f in adorn]
    dem = Demand({f: adorn[f] for f in order}, order)
    comp = _Compiler(transform(part, dem), scenarios, 1)
    ctes: list[tuple[str, exp.Query]] = []
    for f in _inputs_of(part, names):
        comp.ctx.tables[f] = fluent_table(f)
        ctes.append((fluent_table(f), _masked(inputs[f], len(program.fluents[f].arg_types))))
    for rel in _facts_of(part):
        ctes.append((fact_table(rel), _with_ground(program, rel, facts[rel])))
    tables = {f: f"_foedus_dm_{f}" for f in order}
    for f, t in tables.items():
        comp.ctx.tables[demand_name(f)] = t
    every = 3 if scenarios == 2 else 1  # the mask of a key asked in every scenario
    for t, q in demand_queries(comp.ctx, dem, tables):
        if t == tables.get(fluent) and keys is not None and points:
            xs = [f"x{i}" for i in range(len(keys[0]))]
            at_points = select(
                alias(scenario_mask(col(SCN)), MASK),
                *[col(x) for x in xs],
                col("t"),
            ).from_(sub(keys[1], "k"), copy=False)
            q = demand_rows([at_points], len(keys[0]), points=True)
        elif t == tables.get(fluent) and keys is not None:
            xs = [f"x{i}" for i in range(len(keys[0]))]
            q = demand_rows(
                [
                    select(alias(lit(every), MASK), *[col(x, "k") for x in xs]).from_(
                        sub(keys[1], "k"), copy=False
                    )
                ],
                len(xs),
            )
        elif t == tables.get(fluent) and bound:
            ad = adorn[fluent]
            rows = [(every, *combo) for combo in product(*(sorted(set(bound[i])) for i in ad))]
            cols = [MASK, *[f"x{i}" for i in range(len(ad))]]
            q = demand_rows(
                [select(*[col(c) for c in cols]).from_(exp.values(rows, alias="v", columns=cols))]
                if rows
                else [],
                len(ad),
            )
        ctes.append((t, q))
    # each input read only for the keys asked: its rows whose argument, at a position where a
    # rule reading it has a head variable the demand binds, is one of the demanded values
    asked: dict[str, list[list[str]]] = {}
    if bound and keys is None:  # the asked fluent's demand: these values, known here
        asked[fluent] = [sorted(set(bound[i])) for i in adorn[fluent]]
        if any(not v for v in asked[fluent]):  # no combination: no key asked
            asked[fluent] = [[] for _ in adorn[fluent]]
    narrowed: set[str] = set()
    for f, alts in _pushdown(part, _inputs_of(part, names), readers, adorn).items():
        name = f"_foedus_in_{f}"
        narrowed.add(name)
        comp.ctx.tables[f] = name
        ctes.append((name, _narrowed(fluent_table(f), alts, tables, asked)))
    ordered = [n for names_ in strata(part) for n in sorted(names_) if n in names]
    for f in ordered:
        comp.ctx.tables[f] = fluent_table(f)
    for f in ordered:
        for m in comp.fluent_steps(f, fluent_table(f)):
            ctes.append((m.table, m.query))
    arity = len(program.fluents[fluent].arg_types)
    if per_scenario:  # the masked rows unfolded: one per scenario they hold in
        rest = [*key_cols(arity), VALUE, START, END, RULE, INIT_BY, TERM_BY]
        final: exp.Query = (
            select(col(SCN, "sb"), *[col(c, "f") for c in rest])
            .from_(table(fluent_table(fluent), "f"), copy=False)
            .join(
                unfolded(scenarios, "sb"),
                on=has_bit(col(MASK, "f"), col("bit", "sb")),
                copy=False,
            )
        )
    else:
        final = output_rows(fluent, arity, sub(comp.certainty(fluent), "o"))
    out = final
    for name, q in ctes:
        # an input narrowed to the demanded keys is made first (MATERIALIZED): inlined,
        # DuckDB kept its filter for after the rule's joins, a semi-join of their output
        # (the 10^6 world's binds for the forbidden acts: 790,771 rows semi-joined, 0.39-0.42
        # s for the statement against 0.27-0.31 s so; docs/performance.md, "Session 31")
        out = out.with_(name, as_=q, copy=False, materialized=name in narrowed or None)
    return out


def _masked(rows: exp.Query, arity: int) -> exp.Query:
    """Per-scenario rows (``scn, k0 .., value, start, end, rule, ..``) as the plan's masked
    rows: each row of its own scenario's mask (``scn + 1``)."""
    rest = [*key_cols(arity), VALUE, START, END, RULE, INIT_BY, TERM_BY]
    return select(alias(scenario_mask(col(SCN)), MASK), *[col(c) for c in rest]).from_(
        sub(rows, "sr"), copy=False
    )


def _pushdown(
    program: Program,
    inputs: list[str],
    readers: dict[str, list],
    adorn: dict[str, tuple[int, ...]],
) -> dict[str, list[tuple[int, str, int]]]:
    """For each input fluent whose every reference, in every rule that reads it, has a head
    variable bound by the demand at some position: ``(position, demanded fluent, column of
    its demand table)`` per reference. Its rows outside those values cannot join any
    demanded key (magic-set rewriting pushed into the inputs); an input some reference reads
    unbound is left whole."""
    out: dict[str, list[tuple[int, str, int]]] = {}
    for f in inputs:
        alts: list[tuple[int, str, int]] = []
        whole = not readers.get(f)
        for rule in readers.get(f, []):
            h = rule.head.atom.name
            if h not in adorn:
                whole = True
                break
            head = _terms(program, rule.head)
            column: dict[str, int] = {}
            for j, i in enumerate(adorn[h]):
                term = head[i]
                if isinstance(term, Var) and not term.anonymous:
                    column[term.name] = j
            for ref, _neg in set_refs(rule.body):
                if ref.atom.name != f:
                    continue
                at = [
                    (p, column[t.name])
                    for p, t in enumerate(_terms(program, ref))
                    if isinstance(t, Var) and t.name in column
                ]
                if not at:
                    whole = True
                    break
                alts.append((at[0][0], h, at[0][1]))
            if whole:
                break
        if not whole and alts:
            out[f] = alts
    return out


def _narrowed(
    source: str,
    alts: list[tuple[int, str, int]],
    tables: dict[str, str],
    asked: dict[str, list[list[str]]] | None = None,
) -> exp.Query:
    """The rows of the fluent table ``source`` whose key at a position of ``alts`` is in the
    matching column of that demand table. The column of a demand whose values are known
    (``asked``: the asked fluent's values, per column of its demand table) is written as
    those values, ``k IN ('a', 'b')``: DuckDB then filters the input as it scans it, where a
    subquery made it join every row of the input (GGO's 153,400 memberships) to the demand."""
    known = asked or {}
    values: dict[int, list[str]] = {}
    keep: list[exp.Expression] = []
    for p, h, j in dict.fromkeys(alts):
        if h in known:
            values.setdefault(p, [])
            values[p] += [v for v in known[h][j] if v not in values[p]]
        else:
            query = select(col(f"k{j}")).from_(table(tables[h]), copy=False)
            keep.append(col(f"k{p}").isin(query=query))
    for p, vs in values.items():
        keep.append(col(f"k{p}").isin(*map(exp.Literal.string, vs)) if vs else exp.false())
    cond: exp.Expression = keep[0]
    for k in keep[1:]:
        cond = exp.or_(cond, k)
    return select(exp.Star()).from_(table(source), copy=False).where(cond, copy=False)


def _inputs_of(program: Program, names: list[str]) -> list[str]:
    """The fluents outside ``names`` that the static rules of ``names`` read."""
    out: list[str] = []
    for rule in program.rules:
        if rule.head.atom.name in names and isinstance(rule, StaticRule):
            for ref, _neg in set_refs(rule.body):
                n = ref.atom.name
                if n not in names and n not in out:
                    out.append(n)
    return out


def _facts_of(program: Program) -> list[str]:
    """The fact relations that the rules of ``program`` read."""
    out: list[str] = []
    for rule in program.rules:
        conds = rule.where if isinstance(rule, StaticRule) else rule.conditions
        for c in conds:
            if isinstance(c, FactCond) and c.atom.name not in out:
                out.append(c.atom.name)
    return out


def _with_ground(program: Program, rel: str, q: exp.Query) -> exp.Query:
    """The rows of ``q`` and the program's own ground facts of ``rel``."""
    rows = sorted(
        {tuple(str(a) for a in g.atom.args) for g in program.ground_facts if g.atom.name == rel}
    )
    if not rows:
        return q
    cs = [f"c{i}" for i in range(len(program.facts[rel].arg_types))]
    return union_all(
        [
            q,
            select(*[col(c) for c in cs]).from_(
                exp.values(rows, alias="g", columns=cs), copy=False
            ),
        ]
    )
