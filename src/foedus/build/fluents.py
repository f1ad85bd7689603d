"""Build step: every perspective's derived fluents, with their provenance.

A perspective is a named set of rule files (``perspectives.yaml``). For each perspective this
step loads its rule program (:func:`foedus.rules.programs.program_for`), evaluates it with a
backend on the corpus tables (:mod:`foedus.engine.from_tables`), and stores every interval,
with its provenance, in the table ``fluents`` (:data:`foedus.build.schema.DERIVED`):

    fluents(perspective, fluent, args VARCHAR[], value, start BIGINT, "end" BIGINT NULL,
            certainty, rule, initiated_by, terminated_by)

and the per-scenario rows of ``binds`` and ``part_of`` in ``scenario_fluents``, from which the
breaches are computed in the same build (:mod:`foedus.build.breaches`). A second step stores
the rules themselves as written (:func:`store_rules`, table ``rules``), so that no query parses
rules.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from contextvars import ContextVar
from dataclasses import replace
from typing import Any

import pyarrow as pa
from sqlglot import exp

from foedus.backends.duckdb import SMALL_ROWS, DuckDBBackend, input_rows, small_run
from foedus.backends.side import scratch_catalog
from foedus.build import binding, plans
from foedus.build.incremental.state import keep_state, state_tables, unfold
from foedus.build.schema import SCENARIO_FLUENTS, STORED_EVENTS, create
from foedus.corpus.perspectives import perspective_ids
from foedus.duck import duckdb, insert_arrow
from foedus.engine import demand, from_corpus, from_tables, reference
from foedus.engine.compile import fluent_table
from foedus.engine.compile_event import event_forms
from foedus.engine.compile_sql import union_all
from foedus.engine.dependencies import shared_fluents
from foedus.engine.narrative import Interval
from foedus.model.vocabulary import CORPUS_FACTS
from foedus.rules.ast import Program
from foedus.rules.programs import program_for, rule_rows

_INPUT_TABLES = (
    exp.select("table_name")
    .from_("information_schema.tables")
    .where(
        exp.column("table_schema").eq(exp.Literal.string("main")),
        exp.or_(
            exp.column("table_name").eq(exp.Literal.string("happenings")),
            exp.func("starts_with", exp.column("table_name"), exp.Literal.string("facts_")),
        ),
    )
    .order_by("table_name")
)


def evaluate(
    corpus: Any, perspective: str, engine: str = "duckdb", scenario: str | None = None
) -> list[Interval]:
    """Every interval of every fluent under ``perspective``.

    With ``scenario`` "early" or "late", every event is placed at that end of its date range
    (one of the two worlds whose agreement makes an interval certain; docs/decisions/0002).
    """
    program = program_for(corpus, perspective)
    narrative = from_corpus.happenings(corpus)
    if scenario == "early":
        narrative = [replace(h, late=h.early) for h in narrative]
    elif scenario == "late":
        narrative = [replace(h, early=h.late) for h in narrative]
    facts = from_corpus.facts(corpus)
    if engine == "reference":
        return reference.evaluate(program, narrative, facts)
    return DuckDBBackend().evaluate(program, narrative, facts)


_PARSED: list[tuple[Any, dict[str, Program]]] = []
"""The rule programs the last :func:`store_fluents_sql` parsed, with their corpus, taken once
by :func:`store_rules` of the same build (parsing the rules again is a tenth of a second per
perspective)."""

FLUENTS_DDL = create("fluents")
SCENARIO_DDL = create("scenario_fluents")

SIDE_BY_SIDE = 2
"""How many connections run a large build's plan (:mod:`foedus.backends.side`): the 10^6
world's fluents step about 0.4 s shorter on two cores (docs/performance.md, "Session 37")."""

#: What to call once every row of ``fluents`` is in and committed, before the rest of the
#: step (the per-scenario rows, the plan's inputs dropped): a build starts the query index's
#: mentions then, beside the rest (:func:`foedus.build.builder._run_steps`). Not called in a
#: small run, whose one transaction commits at the step's end, nor off DuckDB and Spark.
WRITTEN: ContextVar[Callable[[], None] | None] = ContextVar("foedus_fluents_written", default=None)


def store_fluents(con: duckdb.DuckDBPyConnection, corpus: Any, engine: str = "duckdb") -> None:
    """Build step: compute every perspective's fluents into the table ``fluents``."""
    if engine in ("duckdb", "spark"):
        store_fluents_sql(con, corpus, engine)
        return
    con.execute(FLUENTS_DDL)
    con.execute(SCENARIO_DDL)
    for pid in perspective_ids(corpus):
        for scenario in ("early", "late"):
            kept = [
                iv
                for iv in evaluate(corpus, pid, engine, scenario)
                if iv.fluent in SCENARIO_FLUENTS
            ]
            insert_arrow(
                con,
                "scenario_fluents",
                pa.table(
                    {
                        "perspective": pa.array([pid] * len(kept), pa.string()),
                        "scenario": pa.array([scenario] * len(kept), pa.string()),
                        "fluent": pa.array([iv.fluent for iv in kept], pa.string()),
                        "args": pa.array([list(iv.args) for iv in kept], pa.list_(pa.string())),
                        "value": pa.array([iv.value for iv in kept], pa.string()),
                        "start": pa.array([iv.start for iv in kept], pa.int64()),
                        "end": pa.array([iv.end for iv in kept], pa.int64()),
                    }
                ),
            )
        ivs = evaluate(corpus, pid, engine)
        if not ivs:
            continue
        table = pa.table(
            {
                "perspective": pa.array([pid] * len(ivs), pa.string()),
                "fluent": pa.array([iv.fluent for iv in ivs], pa.string()),
                "args": pa.array([list(iv.args) for iv in ivs], pa.list_(pa.string())),
                "value": pa.array([iv.value for iv in ivs], pa.string()),
                "start": pa.array([iv.start for iv in ivs], pa.int64()),
                "end": pa.array([iv.end for iv in ivs], pa.int64()),
                "certainty": pa.array([iv.certainty for iv in ivs], pa.string()),
                "rule": pa.array([iv.rule for iv in ivs], pa.string()),
                "initiated_by": pa.array([iv.initiated_by for iv in ivs], pa.string()),
                "terminated_by": pa.array([iv.terminated_by for iv in ivs], pa.string()),
            }
        )
        insert_arrow(con, "fluents", table)


def store_fluents_sql(con: duckdb.DuckDBPyConnection, corpus: Any, engine: str = "duckdb") -> None:
    """The fast path of :func:`store_fluents`: no per-record Python.

    The narrative and the facts are made in SQL from the corpus tables already in ``con``
    (:mod:`foedus.engine.from_tables`), each perspective's plan runs once (both scenarios of
    docs/decisions/0002 at once: scenario 0 of the plan is the "early" world, scenario 1 the
    "late" one), on ``con`` itself (``engine="duckdb"``) or on Spark (``engine="spark"``,
    :mod:`foedus.backends.spark`), and the rows are copied into ``fluents`` and
    ``scenario_fluents`` in SQL.
    """
    con.execute(FLUENTS_DDL)
    con.execute(SCENARIO_DDL)
    programs = {pid: program_for(corpus, pid) for pid in perspective_ids(corpus)}
    _PARSED[:] = [(corpus, programs)]  # for store_rules, the next step that reads them
    if not programs:
        return
    arity = max(
        [2, *(len(r.event.args) for p in programs.values() for r in p.rules if hasattr(r, "event"))]
    )
    encode = engine == "duckdb"  # the names as an ENUM inside the plan (not sent to Spark)
    forms = event_forms(r for p in programs.values() for r in p.rules)
    from_tables.store_engine_inputs(con, corpus, STORED_EVENTS, arity, encode=encode, forms=forms)
    backend = _backend(con, engine)
    lazy = _on_demand(con, programs)
    inputs = [name for (name,) in con.execute(_INPUT_TABLES.sql("duckdb")).fetchall()]
    rows = input_rows(con, inputs) if engine == "duckdb" else SMALL_ROWS + 1
    with small_run(con, rows) as small:  # a small corpus: one transaction, one thread
        if isinstance(backend, DuckDBBackend):
            backend.output_in_one_transaction = not small
            backend.workers = 1 if small else SIDE_BY_SIDE
        beside = isinstance(backend, DuckDBBackend) and backend.side_by_side
        with scratch_catalog(con) if beside else nullcontext():
            _run_perspectives(con, backend, programs, lazy, None if small else WRITTEN.get())
    backend.close_inputs()
    # the fact tables stay when some fluent is on demand: its rules read them at query time
    for t in (
        ("happenings",)
        if any(f for f, _ in lazy.values())
        else ("happenings", *(f"facts_{rel}" for rel in CORPUS_FACTS))
    ):
        kind = "VIEW" if t == from_tables.FORBIDS_VIEW else "TABLE"
        con.execute(exp.Drop(this=exp.to_table(t), kind=kind, exists=True).sql("duckdb"))
    if encode:
        from_tables.drop_names(con)  # the database keeps no type of its build


def _run_perspectives(
    con: duckdb.DuckDBPyConnection,
    backend: Any,
    programs: dict[str, Program],
    lazy: dict[str, tuple[list[str], list[str]]],
    written: Callable[[], None] | None = None,
) -> None:
    """Each perspective's plan, its rows copied into ``fluents`` and ``scenario_fluents``;
    ``written`` called once the last perspective's rows of ``fluents`` are in (:data:`WRITTEN`).

    On DuckDB, with every fluent computed at build time, a fluent that an earlier perspective
    computes by the same rules from the same inputs (its whole dependency cone the same:
    :func:`foedus.engine.dependencies.shared_fluents`) is copied from that perspective's
    table instead of computed again (the three perspectives of the bundled corpus share five
    of their twelve fluents, among them the through-time cycle ``joined``)."""
    shared: dict[str, dict[str, str]] = {pid: {} for pid in programs}
    if isinstance(backend, DuckDBBackend) and not any(f for f, _ in lazy.values()):
        shared = shared_fluents(programs)
    lent = {
        pid: sorted({f for s in shared.values() for f, src in s.items() if src == pid})
        for pid in programs
    }  # fluents a later perspective takes from each
    last = list(programs)[-1]
    for pid, program in programs.items():
        lazy_fluents, inputs = lazy[pid]
        kept = [f for f in SCENARIO_FLUENTS if f in program.fluents and f not in lazy_fluents]
        kept += [f for f in inputs if f not in kept]  # what the on-demand fluents read
        state = [] if any(f for f, _ in lazy.values()) else state_tables(program)
        keep = [fluent_table(f) for f in (*kept, *lent[pid])] + state
        given = {f: _shared_table(src, f) for f, src in shared[pid].items()}
        ready = plans.compiled(backend, program, given, keep, demand=bool(lazy_fluents))
        plan = ready.plan
        for rel, n in plan.fact_arities.items():  # as run_tables: missing ones are empty
            if not backend.has_table(f"facts_{rel}"):
                backend.load_facts(rel, n, [])
        direct = isinstance(backend, DuckDBBackend)  # the rows go straight into fluents
        with backend.output_into("fluents", "perspective", pid) if direct else nullcontext():
            ready.run(backend, keep)
        for f in lent[pid]:
            backend.execute(
                exp.Create(
                    this=exp.to_table(_shared_table(pid, f)),
                    kind="TABLE",
                    replace=True,
                    expression=exp.select(exp.Star()).from_(fluent_table(f)),
                    properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
                ).sql("duckdb")
            )
        if plan.on_demand:
            con.executemany(
                exp.insert(
                    exp.values([(exp.Placeholder(), exp.Placeholder(), exp.Placeholder())]),
                    "on_demand",
                ).sql("duckdb"),
                [(pid, f, plan.scenarios) for f in plan.on_demand],
            )
        if state:  # else no incremental state: an update of this database is a full build
            keep_state(con, backend, pid, program, plan)
        cols = ("fluent", "args", "value", "start", "end", "certainty", "rule")
        if not direct:
            rows = exp.select(
                exp.alias_(exp.Placeholder(), "perspective"),
                *(exp.column(c, quoted=True) for c in (*cols, "initiated_by", "terminated_by")),
            ).from_("intervals")
            backend.copy_out(rows.sql("duckdb"), "fluents", [pid])
        for f, src in shared[pid].items():  # a shared fluent's intervals: its lender's
            again = (
                exp.select(
                    exp.alias_(exp.Placeholder(), "perspective"),
                    *(exp.column(c, quoted=True) for c in (*cols, "initiated_by", "terminated_by")),
                )
                .from_("fluents")
                .where(
                    exp.column("perspective").eq(exp.Placeholder()),
                    exp.column("fluent").eq(exp.Placeholder()),
                )
            )
            backend.copy_out(again.sql("duckdb"), "fluents", [pid, src, f])
        if written is not None and pid == last:
            written()  # every row of fluents is in: the rest of the step runs beside what reads it
        # every kept fluent's per-scenario rows in one append (DuckDB writes it on both
        # threads; one append per fluent is written on one: 0.14 s for the 10^6 world's five)
        copies: list[exp.Query] = []
        params: list[str] = []
        for f in kept:
            n = len(program.fluents[f].arg_types)
            args = exp.cast(
                exp.Array(expressions=[exp.column(f"k{i}", "f") for i in range(n)]), "VARCHAR[]"
            )
            late = 1 if plan.scenarios == 2 else 0

            def scenario_rows(
                scenario: exp.Expression, args: exp.Expression = args, f: str = f
            ) -> exp.Select:
                return unfold(
                    exp.select(
                        exp.alias_(exp.Placeholder(), "perspective"),
                        exp.alias_(scenario, "scenario"),
                        exp.alias_(exp.Placeholder(), "fluent"),
                        exp.alias_(args.copy(), "args"),
                        *(exp.column(c, "f", quoted=True) for c in ("value", "start", "end")),
                    ),
                    fluent_table(f),
                )

            if late:  # a masked row once per scenario it holds in
                which = (
                    exp.Case()
                    .when(
                        exp.EQ(this=exp.column("scn", "sb"), expression=exp.Literal.number(0)),
                        exp.Literal.string("early"),
                    )
                    .else_(exp.Literal.string("late"))
                )
                query: exp.Query = scenario_rows(which)
            else:
                query = exp.union(
                    scenario_rows(exp.Literal.string("early")),
                    scenario_rows(exp.Literal.string("late")),
                    distinct=False,
                )
            copies.append(query)
            params += [pid, f] if late else [pid, f, pid, f]
        if copies:
            backend.copy_out(union_all(copies).sql("duckdb"), "scenario_fluents", params)
        for f in kept:
            backend.discard(fluent_table(f))
        for f in lent[pid]:
            backend.discard(fluent_table(f))
        backend.discard("intervals")
    for pid in programs:
        for f in lent[pid]:
            backend.discard(_shared_table(pid, f))


def _shared_table(pid: str, fluent: str) -> str:
    """The temporary table that keeps perspective ``pid``'s rows of ``fluent`` for the
    perspectives after it that share it."""
    return "_foedus_shared_" + "".join(c if c.isalnum() else "_" for c in f"{pid}__{fluent}")


def _on_demand(
    con: duckdb.DuckDBPyConnection, programs: dict[str, Program]
) -> dict[str, tuple[list[str], list[str]]]:
    """Per perspective, the fluents a build computes on demand and the fluents their rules
    read (:mod:`foedus.build.binding`); both empty when the build computes every fluent."""
    out: dict[str, tuple[list[str], list[str]]] = {pid: ([], []) for pid in programs}
    if not binding.use_demand(con):
        return out
    con.execute(create("on_demand"))
    for pid, program in programs.items():
        d = demand.analyse(program)
        out[pid] = (list(d.fluents), d.inputs(program))
    return out


def _backend(con: duckdb.DuckDBPyConnection, engine: str) -> Any:
    """The backend that runs the plans of a build on ``con``'s tables: ``con`` itself, or
    the process's Spark session (:func:`foedus.backends.spark.session`), given the inputs
    (``happenings`` and the ``facts_*`` tables) as Parquet."""
    if engine == "spark":
        from foedus.backends.spark import SparkBackend  # imported for a Spark build only

        inputs = [name for (name,) in con.execute(_INPUT_TABLES.sql("duckdb")).fetchall()]
        backend = SparkBackend()
        backend.attach(con, inputs)
        return backend
    return DuckDBBackend(con)


def store_rules(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """Build step: every rule of every perspective, as written, into the table ``rules``
    (:func:`foedus.rules.programs.rule_rows`). Running it again remakes the table."""
    con.execute(exp.Drop(this=exp.to_table("rules"), kind="TABLE", exists=True).sql("duckdb"))
    con.execute(create("rules"))
    parsed = _PARSED.pop() if _PARSED else None
    programs = parsed[1] if parsed is not None and parsed[0] is corpus else {}
    rows = [
        (pid, *row, position)
        for pid in perspective_ids(corpus)
        for position, row in enumerate(rule_rows(programs.get(pid) or program_for(corpus, pid)))
    ]
    columns = ("perspective", "label", "kind", "fluent", "event", "text")
    table = pa.table(
        {
            **{c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)},
            "position": pa.array([r[-1] for r in rows], pa.int32()),
        }
    )
    insert_arrow(con, "rules", table)


def _rules_unchanged(con: duckdb.DuckDBPyConnection, corpus: Any, changes: Any) -> None:
    """An incremental update keeps the rules (it checks that they are the same)."""


store_rules.incremental = _rules_unchanged  # type: ignore[attr-defined]
