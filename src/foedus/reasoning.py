"""From a corpus to its derived fluents, per perspective: the build step of the engine.

A perspective is a named set of rule files (``perspectives.yaml``). For each perspective this
module loads its rule program, turns the corpus into a narrative (foedus.engine.from_corpus),
evaluates it with a backend, and stores every interval, with its provenance, in the table
``fluents`` of the corpus database:

    fluents(perspective, fluent, args VARCHAR[], value, start BIGINT, "end" BIGINT NULL,
            certainty, rule, initiated_by, terminated_by)

Breaches (foedus.norms) are computed from this table in the same build.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from foedus import incremental
from foedus.engine import from_corpus
from foedus.engine.narrative import Interval
from foedus.errors import Problem, RuleError, UnknownName
from foedus.rules import load_rules
from foedus.rules.ast import Program

DEFAULT_PERSPECTIVE = "de-facto"


def perspective_ids(corpus: Any) -> list[str]:
    return [p.id for p in corpus.perspectives]


def check_perspective(corpus: Any, name: str) -> str:
    """The id of perspective ``name`` (case-insensitive, by id or name), else UnknownName."""
    import difflib

    for p in corpus.perspectives:
        if name.lower() in (p.id.lower(), p.name.lower()):
            return str(p.id)
    ids = perspective_ids(corpus)
    if not ids and name == DEFAULT_PERSPECTIVE:
        return DEFAULT_PERSPECTIVE  # a corpus without rules: nothing is derived
    raise UnknownName("perspective", name, difflib.get_close_matches(name, ids, n=2, cutoff=0.5))


def program_for(corpus: Any, perspective: str) -> Program:
    """The rule program of one perspective: its rule files, parsed and checked as one."""
    persp = next(p for p in corpus.perspectives if p.id == perspective)
    root = Path(corpus.path)
    program = load_rules([root / r for r in persp.rules])
    if persp.replaces:
        dropped = set(persp.replaces)
        unknown = sorted(dropped - {r.label for r in program.rules})
        if unknown:
            file, line, col = corpus.where("perspective", persp.id, "replaces")
            raise RuleError(
                [
                    Problem(
                        file, line, col, f"perspective {persp.id!r} replaces unknown rule {u!r}"
                    )
                    for u in unknown
                ]
            )
        program.rules = [r for r in program.rules if r.label not in dropped]
    return program


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
        from foedus.engine.reference import evaluate as ref_evaluate

        return ref_evaluate(program, narrative, facts)
    from foedus.backends.duckdb import DuckDBBackend

    return DuckDBBackend().evaluate(program, narrative, facts)


#: Fluents whose per-scenario intervals breach detection needs (docs/decisions/0002).
SCENARIO_FLUENTS = ("binds", "part_of")
SCENARIO_DDL = (
    "CREATE TABLE scenario_fluents (perspective VARCHAR, scenario VARCHAR, fluent VARCHAR, "
    'args VARCHAR[], value VARCHAR, start BIGINT, "end" BIGINT)'
)

FLUENTS_DDL = (
    "CREATE TABLE fluents (perspective VARCHAR, fluent VARCHAR, args VARCHAR[], value VARCHAR, "
    'start BIGINT, "end" BIGINT, certainty VARCHAR, rule VARCHAR, initiated_by VARCHAR, '
    "terminated_by VARCHAR)"
)


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
    from foedus.engine import from_tables
    from foedus.engine.compile import fluent_table

    con.execute(FLUENTS_DDL)
    con.execute(SCENARIO_DDL)
    programs = {pid: program_for(corpus, pid) for pid in perspective_ids(corpus)}
    if not programs:
        return
    arity = max(
        [2, *(len(r.event.args) for p in programs.values() for r in p.rules if hasattr(r, "event"))]
    )
    from_tables.store_engine_inputs(con, corpus, arity)
    backend = _backend(con, engine)
    for pid, program in programs.items():
        kept = [f for f in SCENARIO_FLUENTS if f in program.fluents]
        plan = backend.run_tables(
            program, keep=[fluent_table(f) for f in kept] + incremental.state_tables(program)
        )
        incremental.keep_state(con, backend, pid, program, plan)
        backend.copy_out(
            'SELECT ? AS perspective, fluent, args, value, start, "end", certainty, rule, '
            "initiated_by, terminated_by FROM intervals",
            "fluents",
            [pid],
        )
        for f in kept:
            n = len(program.fluents[f].arg_types)
            args = "[" + ", ".join(f"k{i}" for i in range(n)) + "]"
            late = 1 if plan.scenarios == 2 else 0
            backend.copy_out(
                f"SELECT ? AS perspective, CASE WHEN scn = 0 THEN 'early' ELSE 'late' END "
                f"AS scenario, ? AS fluent, CAST({args} AS VARCHAR[]) AS args, value, start, "
                f'"end" FROM {fluent_table(f)}'
                + (
                    ""
                    if late
                    else " UNION ALL SELECT ?, 'late', ?, CAST(" + args + " AS VARCHAR[]), value, "
                    f'start, "end" FROM {fluent_table(f)}'
                ),
                "scenario_fluents",
                [pid, f] if late else [pid, f, pid, f],
            )
            backend.discard(fluent_table(f))
        backend.discard("intervals")
    backend.close_inputs()
    for t in ("happenings", "facts_state", "facts_forbids"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _backend(con: duckdb.DuckDBPyConnection, engine: str) -> Any:
    """The backend that runs the plans of a build on ``con``'s tables: ``con`` itself, or
    the process's Spark session (:func:`foedus.backends.spark.session`), given the inputs
    (``happenings`` and the ``facts_*`` tables) as Parquet."""
    if engine == "spark":
        from foedus.backends.spark import SparkBackend

        inputs = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND (table_name = 'happenings' OR starts_with(table_name, 'facts_')) "
                "ORDER BY table_name"
            ).fetchall()
        ]
        backend = SparkBackend()
        backend.attach(con, inputs)
        return backend
    from foedus.backends.duckdb import DuckDBBackend

    return DuckDBBackend(con)


def insert_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Append an Arrow table to table ``name`` in one scan."""
    view = f"_foedus_in_{name}"
    con.register(view, table)
    try:
        con.execute(exp.insert(exp.select("*").from_(view), name).sql("duckdb"))
    finally:
        con.unregister(view)


def rule_texts(corpus: Any, perspective: str, program: Program | None = None) -> dict[str, str]:
    """``{label: "label: <rule text> (file:line)"}`` for every rule of a perspective (of
    ``program`` when the caller has it parsed already)."""
    if program is None:
        program = program_for(corpus, perspective)
    out: dict[str, str] = {}
    cache: dict[str, list[str]] = {}
    for rule in program.rules:
        pos = rule.pos
        if pos.file not in cache:
            try:
                cache[pos.file] = Path(pos.file).read_text(encoding="utf-8").splitlines()
            except OSError:
                cache[pos.file] = []
        lines = cache[pos.file]
        text = lines[pos.line - 1].strip() if 0 < pos.line <= len(lines) else rule.label
        out[rule.label] = f"{text} ({Path(pos.file).name}:{pos.line})"
    return out
