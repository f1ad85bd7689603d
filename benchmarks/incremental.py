"""Incremental update against a full rebuild: add 1,000 events to the 10^6 world.

    python benchmarks/incremental.py [--events 1e6] [--added 1000] [--seed 2]

The base world is benchmarks/run.py's (``world_for``: seed 1, E/2000 states, E/500
instruments, Parquet; cached in benchmarks/.worlds/). The added events are drawn by the
generator itself, honestly: ``foedus generate-world`` with the same number of states and
another seed writes a world of ``--added`` events (episodes between random states from random
days, 10 % month-only dates), whose events get new ids (``ev-01000000`` ...) and are appended
to a copy of the base world's ``events.parquet``. Then, each in a fresh process (its peak RSS
is its own):

1. ``base``: a full build of the base world (the previous database; its ``state`` step is the
   build cost of keeping what an update needs);
2. ``full``: a full build of the combined world (what the update must equal);
3. ``update``: ``foedus.build.build(combined, previous=base)``, an incremental update;
4. ``check``: the updated and the rebuilt databases hold the same rows (``fluents``,
   ``scenario_fluents``, ``breaches``, ``state_fluents``, ``events``; EXCEPT ALL both ways).

Prints a summary and writes benchmarks/results/incremental.json (docs/performance.md,
docs/incremental.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def combined_world(base: Path, states: int, added: int, seed: int) -> Path:
    """A copy of ``base`` whose events.parquet has ``added`` more events, drawn by the
    generator (another seed, the same states), with new ids."""
    import duckdb

    from foedus.generate import generate_world

    out = base.with_name(f"{base.name}+{added}-seed{seed}")
    if (out / "events.parquet").exists():
        return out
    draw = base.with_name(f".draw-{added}-seed{seed}")
    generate_world(draw, states=states, instruments=20, events=added, seed=seed, format="parquet")
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base, tmp)
    con = duckdb.connect()
    try:
        n = con.execute(
            f"SELECT count(*) FROM read_parquet('{base / 'events.parquet'}')"
        ).fetchone()[0]  # type: ignore[index]
        con.execute(f"""
          COPY (
            SELECT * FROM read_parquet('{base / "events.parquet"}')
            UNION ALL
            SELECT * REPLACE ('ev-' || lpad(CAST({n} + CAST(substr(id, 4) AS BIGINT) AS VARCHAR),
                                            8, '0') AS id)
            FROM read_parquet('{draw / "events.parquet"}')
          ) TO '{tmp / "events.parquet"}' (FORMAT parquet, COMPRESSION zstd,
                                           ROW_GROUP_SIZE 1000000)""")
    finally:
        con.close()
    shutil.rmtree(draw)
    tmp.rename(out)
    return out


def child(args: list[str]) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("FOEDUS_CACHE_DIR", str(HERE / ".cache"))
    # an update needs every key of every fluent stored (docs/incremental.md): the 10^6 world
    # would otherwise compute its pairwise fluents on demand (foedus.build.binding)
    env["FOEDUS_DEMAND"] = "off"
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "child", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"{args[0]} failed")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_s"] = time.perf_counter() - t
    return out


def stamps(marks: list[tuple[str, float]], t0: float, t1: float) -> dict[str, float]:
    """Seconds per progress phase (each mark lasts until the next one)."""
    out: dict[str, float] = {}
    for k, (what, at) in enumerate(marks):
        end = marks[k + 1][1] if k + 1 < len(marks) else t1
        name = what.split(":")[0] if what.startswith("table ") else what
        name = "tables" if what.startswith("table ") else name
        out[name] = out.get(name, 0.0) + end - at
    out["total"] = t1 - t0
    return out


def run_build(world: Path, db: Path, previous: Path | None) -> dict[str, Any]:
    from foedus import build as storage
    from foedus.corpus import load_corpus

    t0 = time.perf_counter()
    corpus = load_corpus(world)
    load = time.perf_counter() - t0
    key, steps = storage.default_steps()
    marks: list[tuple[str, float]] = []
    t1 = time.perf_counter()
    result = storage.build(
        corpus, db, steps, lambda w: marks.append((w, time.perf_counter())), previous=previous
    )
    t2 = time.perf_counter()
    out: dict[str, Any] = {
        "load_s": load,
        "build_s": t2 - t1,
        "phases_s": stamps(marks, t1, t2),
        "incremental": result.update is not None,
        "full_reason": result.full_reason,
        "db_mb": db.stat().st_size / 2**20,
    }
    if result.update is not None:
        u = result.update
        out.update(
            added_events=u.added_events,
            keys=u.keys,
            changed=u.changed,
            keys_recomputed=u.recomputed,
            keys_changed=sum(n for per in u.changed.values() for n in per.values()),
            breach_events=u.breach_events,
        )
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ("events", "fluents", "scenario_fluents", "breaches", "state_fluents"):
            out[f"rows_{table}"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        out["keys_total"] = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT perspective, fluent, args FROM fluents)"
        ).fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    out["rss_mb"] = rss_mb()
    return out


def run_check(a: Path, b: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    out: dict[str, Any] = {}
    try:
        con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
        t = time.perf_counter()
        for table in (
            "fluents",
            "scenario_fluents",
            "breaches",
            "state_fluents",
            "events",
            "event_acts",
            "state_meta",
        ):
            n = 0
            for x, y in (("a", "b"), ("b", "a")):
                n += con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {x}.{table} EXCEPT ALL "
                    f"SELECT * FROM {y}.{table})"
                ).fetchone()[0]  # type: ignore[index]
            out[f"differing_rows_{table}"] = n
        out["check_s"] = time.perf_counter() - t
    finally:
        con.close()
    out["identical"] = all(v == 0 for k, v in out.items() if k.startswith("differing_rows_"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", default="1e6", help="size of the base world (default 1e6)")
    ap.add_argument("--added", type=int, default=1000, help="events to add (default 1000)")
    ap.add_argument("--seed", type=int, default=2, help="seed of the added events")
    ap.add_argument("--out", type=Path, default=RESULTS / "incremental.json")
    a = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from run import machine, world_for

    from foedus import build as storage

    e = int(float(a.events))
    base = world_for(e)
    combined = combined_world(base, max(50, e // 2000), a.added, a.seed)  # world_for's states
    work = HERE / ".worlds"
    base_db, full_db, upd_db = (work / f"inc-{e}-{n}.duckdb" for n in ("base", "full", "update"))
    for p in (base_db, full_db, upd_db):
        p.unlink(missing_ok=True)
    result: dict[str, Any] = {
        "machine": machine(),
        "started": time.strftime("%F %T"),
        "events": e,
        "added": a.added,
        "seed": a.seed,
        "memory_limit": storage.memory_limit(),
    }
    print(f"base build ({e:,} events)", file=sys.stderr)
    result["base"] = child(["build", str(base), str(base_db)])
    print(f"full rebuild ({e + a.added:,} events)", file=sys.stderr)
    result["full"] = child(["build", str(combined), str(full_db)])
    print(f"incremental update (+{a.added:,} events)", file=sys.stderr)
    result["update"] = child(["build", str(combined), str(upd_db), str(base_db)])
    print("check", file=sys.stderr)
    result["check"] = child(["check", str(upd_db), str(full_db)])
    full, upd, b = result["full"], result["update"], result["base"]
    phases = b["phases_s"]
    result["summary"] = {
        "full_rebuild_s": full["build_s"],
        "update_s": upd["build_s"],
        "speedup": full["build_s"] / upd["build_s"],
        "keys_recomputed": upd.get("keys_recomputed"),
        "keys_changed": upd.get("keys_changed"),
        "breach_events_rechecked": upd.get("breach_events"),
        "keys_total": upd["keys_total"],
        "identical": result["check"]["identical"],
        "state_step_s": phases.get("step store_state"),
        "state_step_share": (phases.get("step store_state", 0.0) / b["build_s"]),
        "state_rows": b["rows_state_fluents"],
    }
    result["finished"] = time.strftime("%F %T")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["summary"], indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        what, rest = sys.argv[2], sys.argv[3:]
        if what == "build":
            res = run_build(Path(rest[0]), Path(rest[1]), Path(rest[2]) if len(rest) > 2 else None)
        else:
            res = run_check(Path(rest[0]), Path(rest[1]))
        print(json.dumps(res))
    else:
        main()
