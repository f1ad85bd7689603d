"""Where the build's time goes: every statement of the compiled plan, timed, on one world.

    python benchmarks/profile_plan.py WORLD [--min 0.05] [--explain TABLE]
    python benchmarks/profile_plan.py --run RULES NARRATIVE [--repeat 8] [--min 0.002]
    python benchmarks/profile_plan.py --build WORLD [--min 0.05]

Loads the corpus tables into an in-memory DuckDB, makes the engine's inputs (SQL fast path),
then runs the de-facto plan statement by statement and prints those that took at least
``--min`` seconds; ``--explain TABLE`` prints DuckDB's EXPLAIN ANALYZE of the statement that
creates TABLE instead. The breach query is timed last, and the floor (one sort of the
happenings into a table) for comparison.

``--run`` times ``foedus run``'s DuckDB path instead (src/foedus/backends/run.py, one
thread): reading the narrative, each statement of the cached plan and writing the CSV, in
CPU seconds (the least of ``--repeat`` runs, each on a new connection: on a loaded machine
the least is the figure the other jobs inflate least).

``--build`` times the build itself (``foedus build``'s steps, with the on-demand fluents and
the query index, into a database in a temporary folder): every statement DuckDB runs, its
wall and CPU seconds, summed per build step, and those that took at least ``--min`` seconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from foedus import build as storage
from foedus.backends.duckdb import DuckDBBackend
from foedus.build import breaches
from foedus.build import fluents as reasoning
from foedus.build.schema import SCENARIO_FLUENTS, STORED_EVENTS
from foedus.corpus import load_corpus
from foedus.engine import from_tables
from foedus.engine.compile import compile_program, fluent_table
from foedus.rules.programs import program_for


class Timed(DuckDBBackend):
    def __init__(self, con: duckdb.DuckDBPyConnection, least: float) -> None:
        super().__init__(con)
        self.least = least
        self.total = 0.0

    def execute(self, sql: str) -> None:
        t = time.perf_counter()
        super().execute(sql)
        d = time.perf_counter() - t
        self.total += d
        if d >= self.least:
            print(f"{d:8.2f} s  {sql[:100]}", flush=True)


def profile_run(rules: Path, narrative: Path, repeat: int, least: float) -> None:
    """``foedus run RULES NARRATIVE``'s DuckDB path, step by step (see the module's text)."""
    import tempfile

    from foedus.backends import run

    plan = run.load_plan([rules])
    happ, _ = run._happenings_sql(narrative, run._kind(narrative), plan["event_arity"])
    if any("fixpoint" in step for step in plan["steps"]):
        raise SystemExit("--run: a plan with a cycle through time is not profiled here")
    sql = [s for step in plan["steps"] for s in step["sql"]]
    names = ["read the narrative", *(s[:90] for s in sql), "sort and write the CSV"]
    best = [float("inf")] * len(names)
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.csv")
        for _ in range(repeat):
            con = duckdb.connect(config={"threads": 1})
            steps = [f"CREATE TEMP TABLE {plan['events']} AS {happ}", *sql]
            for i, s in enumerate([*steps, run._output_sql(out, "csv")]):
                t = time.process_time()
                con.execute(s)
                best[i] = min(best[i], time.process_time() - t)
            con.close()
    for name, d in zip(names, best, strict=True):
        if d >= least:
            print(f"{d:8.3f} s  {name}")
    print(f"{sum(best):8.3f} s  in all ({len(sql)} statements of the plan)")


def profile_build(world: Path, least: float) -> None:
    """The build of ``world`` statement by statement (see the module's text): every
    connection the build opens is wrapped so that each ``execute`` is timed."""
    import tempfile

    from foedus.duck import duckdb as extension

    timed: list[tuple[str, float, float, str]] = []  # (step, wall, CPU, statement)
    step = ["load"]
    connect = extension.connect

    class Timing:
        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            self._con = con

        def __getattr__(self, name: str) -> object:
            return getattr(self._con, name)

        def execute(self, sql: object, *args: object) -> object:
            t, c = time.perf_counter(), time.process_time()
            out = self._con.execute(sql, *args)  # type: ignore[arg-type]
            timed.append((step[0], time.perf_counter() - t, time.process_time() - c, str(sql)))
            return out

        def __enter__(self) -> Timing:
            return self

        def __exit__(self, *exc: object) -> None:
            self._con.__exit__(*exc)  # type: ignore[arg-type]

    def progress(what: str) -> None:  # the build says which step it starts
        step[0] = what

    extension.connect = lambda *a, **k: Timing(connect(*a, **k))  # type: ignore[assignment]
    try:
        corpus = load_corpus(world)
        _, steps = storage.default_steps()
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            storage.build_database(corpus, Path(tmp) / "w.duckdb", steps, progress)
            total = time.perf_counter() - t
    finally:
        extension.connect = connect  # type: ignore[assignment]
    print(f"{total:8.2f} s  the build ({len(timed)} statements)")
    sums: dict[str, list[float]] = {}
    for name, wall, cpu, _ in timed:
        s = sums.setdefault(name, [0.0, 0.0, 0])
        s[0], s[1], s[2] = s[0] + wall, s[1] + cpu, s[2] + 1
    for name, (wall, cpu, n) in sums.items():
        print(f"{wall:8.2f} s  (CPU {cpu:5.2f} s, {int(n):3d} statements)  {name}")
    for name, wall, cpu, sql in timed:
        if wall >= least:
            print(f"{wall:8.3f} s  (CPU {cpu:5.2f} s)  [{name}]  {' '.join(sql.split())[:110]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("world", type=Path, nargs="?")
    ap.add_argument("--min", type=float, default=None)
    ap.add_argument("--explain")
    ap.add_argument("--run", nargs=2, type=Path, metavar=("RULES", "NARRATIVE"))
    ap.add_argument("--repeat", type=int, default=8)
    ap.add_argument("--build", action="store_true")
    a = ap.parse_args()
    if a.run:
        rules, narrative = a.run
        profile_run(rules, narrative, a.repeat, 0.002 if a.min is None else a.min)
        return
    if a.world is None:
        ap.error("give a WORLD, or --run RULES NARRATIVE")
    a.min = 0.05 if a.min is None else a.min
    if a.build:
        profile_build(a.world, a.min)
        return
    corpus = load_corpus(a.world)
    con = duckdb.connect()
    t = time.perf_counter()
    storage.write_tables(con, corpus)
    print(f"{time.perf_counter() - t:8.2f} s  corpus tables")
    t = time.perf_counter()
    from_tables.store_engine_inputs(con, corpus, STORED_EVENTS)
    print(f"{time.perf_counter() - t:8.2f} s  engine inputs (happenings, facts)")
    n = con.execute("SELECT count(*) FROM happenings").fetchone()[0]  # type: ignore[index]
    t = time.perf_counter()
    con.execute(
        "CREATE TEMP TABLE _floor AS SELECT * FROM happenings ORDER BY a0, a1, name, t_early"
    )
    print(f"{time.perf_counter() - t:8.2f} s  floor: sort {n:,} happenings into a table")
    backend = Timed(con, a.min)
    program = program_for(corpus, "de-facto")
    plan = compile_program(program, scenarios=backend.scenarios())
    if a.explain:
        for step in plan.steps:
            if getattr(step, "table", None) == a.explain:
                sql = backend.sql(step.query)  # type: ignore[union-attr]
                print(con.execute(f"EXPLAIN ANALYZE {sql}").fetchall()[0][1])
                return
            if hasattr(step, "table"):
                backend.execute(backend.sql(backend.materialize(step)))  # type: ignore[arg-type]
            else:
                backend._fixpoint(step)  # type: ignore[arg-type]
        raise SystemExit(f"no step creates {a.explain!r}")
    backend.run(plan, keep=[fluent_table(f) for f in SCENARIO_FLUENTS])
    print(f"{backend.total:8.2f} s  plan, in all ({len(plan.steps)} steps)")
    con.execute(reasoning.FLUENTS_DDL)
    con.execute(reasoning.SCENARIO_DDL)
    con.execute(
        "INSERT INTO fluents SELECT 'de-facto', * EXCLUDE (certainty, rule, "
        "initiated_by, terminated_by), certainty, rule, initiated_by, terminated_by "
        "FROM intervals"
    )
    for f in SCENARIO_FLUENTS:
        arity = len(program.fluents[f].arg_types)
        args = "[" + ", ".join(f"k{i}" for i in range(arity)) + "]"
        con.execute(  # a masked row once per scenario it holds in
            f"INSERT INTO scenario_fluents SELECT 'de-facto', CASE WHEN scn = 0 THEN "
            f"'early' ELSE 'late' END, '{f}', {args}, value, start, \"end\" "
            f"FROM {fluent_table(f)} JOIN (VALUES (0, 1), (1, 2)) AS sb(scn, bit) "
            "ON (m & bit) <> 0"
        )
    t = time.perf_counter()
    breaches.store_breaches(con, corpus)
    print(f"{time.perf_counter() - t:8.2f} s  breaches (inputs and query)")


if __name__ == "__main__":
    main()
