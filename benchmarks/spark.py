"""The database build on DuckDB and on Spark (local mode), side by side, on generated worlds.

    python benchmarks/spark.py --events 1e4 1e5 1e6        # both engines, each size
    python benchmarks/spark.py --events 1e7 --engines spark --timeout 7200
    python benchmarks/spark.py --events 1e5 --master 'local[2]' --out results/spark.json

Each (engine, size) runs in its own process (its own JVM for Spark) and prints one JSON line:
the build's phases (``tables_s``: the corpus tables, ``fluents_s``: every perspective's plan,
``breaches_s``), the Spark session's start-up, the process's and the JVM's peak RSS, and a
checksum of the ``fluents`` and ``breaches`` tables, so that the two engines' results can be
compared (``same`` in the summary). Worlds are generated as :mod:`benchmarks.run` makes them
(states = max(50, E/2000), instruments = max(20, E/500), seed 1) into benchmarks/.worlds/.
``FOEDUS_SPARK_CONF`` passes Spark settings (e.g. ``spark.driver.memory=8g``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
WORLDS = HERE / ".worlds"
# nothing in benchmarks/ may shadow a standard-library module that pyspark imports
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE.resolve()]


def world_for(e: int) -> Path:
    from foedus.generate import generate_world

    states, instruments = max(50, e // 2000), max(20, e // 500)
    path = WORLDS / f"e{e}-s{states}-i{instruments}-seed1"
    if not (path / "events.parquet").exists():
        generate_world(
            path, states=states, instruments=instruments, events=e, seed=1, format="parquet"
        )
    return path


def _hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def child(engine: str, world: Path, db: Path, master: str | None) -> dict[str, Any]:
    import duckdb

    from foedus import build as storage
    from foedus.build import fluents as reasoning
    from foedus.corpus import load_corpus

    out: dict[str, Any] = {"engine": engine, "world": world.name}
    t0 = time.perf_counter()
    corpus = load_corpus(world)
    out["load_s"] = time.perf_counter() - t0
    jvm = None
    if engine == "spark":
        from foedus.backends import spark

        t = time.perf_counter()
        session = spark.session(master, spark.conf_for_corpus(corpus))  # as the CLI
        out["spark_start_s"] = time.perf_counter() - t
        out["master"] = session.sparkContext.master
        gateway = session.sparkContext._gateway
        jvm = getattr(getattr(gateway, "proc", None), "pid", None)
        # the bytes that cross between DuckDB and Spark, as Parquet: inputs and results
        staged = out.setdefault("staged_mb", {"inputs": 0.0, "results": 0.0})
        load, export = spark.SparkBackend._load_parquet, spark.SparkBackend._export

        def _load_parquet(self: Any, name: str, path: Path) -> None:
            staged["inputs"] += path.stat().st_size / 2**20
            load(self, name, path)

        def _export(self: Any, name: str) -> Any:
            fresh = name not in self._exports
            scan = export(self, name)
            if fresh:
                staged["results"] += (
                    sum(f.stat().st_size for f in self._exports[name].glob("*.parquet")) / 2**20
                )
            return scan

        spark.SparkBackend._load_parquet = _load_parquet  # type: ignore[method-assign]
        spark.SparkBackend._export = _export  # type: ignore[method-assign]

    def store_fluents(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
        reasoning.store_fluents(con, corpus, engine)

    _, steps = storage.default_steps()
    steps = [store_fluents if s is reasoning.store_fluents else s for s in steps]
    marks: list[tuple[str, float]] = []
    t1 = time.perf_counter()
    storage.build_database(
        corpus, db, steps, lambda what: marks.append((what, time.perf_counter()))
    )
    t2 = time.perf_counter()
    stamps = dict(marks)
    out["tables_s"] = stamps["step store_fluents"] - t1
    out["fluents_s"] = stamps["step store_breaches"] - stamps["step store_fluents"]
    out["breaches_s"] = t2 - stamps["step store_breaches"]
    out["build_s"] = t2 - t1
    con = duckdb.connect(str(db), read_only=True)
    for table in ("fluents", "breaches"):  # a row's hash: of the row as a struct
        row = con.execute(
            f"SELECT count(*), sum(hash(r)::HUGEINT)::VARCHAR FROM {table} AS r"
        ).fetchone()
        assert row is not None
        out[table], out[f"{table}_checksum"] = row
    out["events"] = con.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[index]
    con.close()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if jvm:
        out["jvm_rss_mb"] = _hwm_mb(jvm)
    return out


def run_child(
    engine: str, world: Path, master: str | None, timeout: float
) -> tuple[dict[str, Any] | None, float]:
    env = dict(os.environ)
    env.setdefault("FOEDUS_CACHE_DIR", str(HERE / ".cache"))
    with tempfile.TemporaryDirectory(prefix="foedus-bench-") as tmp:
        args = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            engine,
            str(world),
            str(Path(tmp) / "db.duckdb"),
        ] + (["--master", master] if master else [])
        t = time.perf_counter()
        try:
            done = subprocess.run(
                args, capture_output=True, text=True, timeout=timeout, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - t
        wall = time.perf_counter() - t
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return None, wall
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", nargs="+", default=["1e4", "1e5"])
    ap.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    ap.add_argument("--master", default=None, help="Spark master URL (default local[2])")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per build")
    ap.add_argument("--out", type=Path, default=None, help="append the rows to this JSON file")
    ap.add_argument("--child", nargs=3, metavar=("ENGINE", "WORLD", "DB"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        engine, world, db = a.child
        print(json.dumps(child(engine, Path(world), Path(db), a.master)))
        return
    rows: list[dict[str, Any]] = []
    for e in (int(float(x)) for x in a.events):
        world = world_for(e)
        by_engine: dict[str, dict[str, Any]] = {}
        for engine in a.engines:
            got, wall = run_child(engine, world, a.master, a.timeout)
            row = got or {"engine": engine, "world": world.name, "failed": True}
            row.update(events_requested=e, wall_s=wall, load_avg=os.getloadavg()[0])
            if got is None:
                print(f"{engine:6s} e={e:>9,}: did not finish ({wall:.0f} s)", file=sys.stderr)
            else:
                by_engine[engine] = got
                print(
                    f"{engine:6s} e={e:>9,}: build {got['build_s']:7.1f} s (fluents "
                    f"{got['fluents_s']:7.1f} s, breaches {got['breaches_s']:5.1f} s), "
                    f"{got['fluents']:,} intervals, rss {got['rss_mb']:.0f} MB"
                    + (f", jvm {got.get('jvm_rss_mb') or 0:.0f} MB" if engine == "spark" else ""),
                    file=sys.stderr,
                )
            rows.append(row)
        if len(by_engine) > 1:
            sums = {(r["fluents_checksum"], r["breaches_checksum"]) for r in by_engine.values()}
            for r in rows[-len(a.engines) :]:
                r["same"] = len(sums) == 1
            print(f"  same fluents and breaches on every engine: {len(sums) == 1}", file=sys.stderr)
    if a.out:
        old = json.loads(a.out.read_text()) if a.out.exists() else []
        a.out.write_text(json.dumps(old + rows, indent=1) + "\n")
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
