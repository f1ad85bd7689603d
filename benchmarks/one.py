"""One measurement, in its own process (so that its peak RSS is its own): prints one JSON line.

python benchmarks/one.py pipeline WORLD DB     # load, build (fluents, breaches), aggressor,
                                              # the floor (one sort), queries
python benchmarks/one.py queries WORLD DB [N]   # only the query latency, on a built DB
python benchmarks/one.py reference WORLD      # the reference interpreter's fluents
python benchmarks/one.py rtec                 # the RTEC conformance narratives
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def rss_mb() -> float:
    """This process's peak RSS in MB: Linux's ``VmHWM``, the high-water mark of its own
    memory. Not ``ru_maxrss``: Linux carries it over ``exec`` from the process image it
    replaced, which after a fork is the parent's, so a child of ``run.py`` that had just
    generated the 10^7 world in-process reported the generator's 5.2 GB as its own."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def pipeline(world: Path, db: Path, queries: int) -> dict[str, Any]:
    import duckdb

    from foedus import build as storage
    from foedus.build.schema import STORED_EVENTS
    from foedus.corpus import load_corpus
    from foedus.engine import from_tables
    from foedus.norms import aggression

    out: dict[str, Any] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    corpus = load_corpus(world)
    out["load_s"] = time.perf_counter() - t0
    marks: list[tuple[str, float, float]] = []  # (progress, wall, CPU of the process)
    key, steps = storage.default_steps()
    t1, c1 = time.perf_counter(), time.process_time()
    storage.build_database(
        corpus,
        db,
        steps,
        lambda what: marks.append((what, time.perf_counter(), time.process_time())),
    )
    t2, c2 = time.perf_counter(), time.process_time()
    wall = {what: t for what, t, _ in marks}
    cpu = {what: c for what, _, c in marks}
    # stage -> (the progress mark it starts at, the mark the next stage starts at)
    stages = {
        "tables": (None, "step fluents"),
        "fluents": ("step fluents", "step breaches"),  # with the incremental state
        "breaches": ("step breaches", "step query_index"),  # with the rules
        "query_index": ("step query_index", None),  # with the CHECKPOINT and fsync
    }
    for stage, (a, b) in stages.items():
        out[f"{stage}_s"] = (wall[b] if b else t2) - (wall[a] if a else t1)
        out[f"{stage}_cpu_s"] = (cpu[b] if b else c2) - (cpu[a] if a else c1)
    out["checkpoint_s"] = t2 - wall["checkpoint"]
    out["build_s"] = t2 - t1
    out["build_cpu_s"] = c2 - c1
    out["rss_build_mb"] = rss_mb()  # the peak so far: loading and building
    con = duckdb.connect(str(db), read_only=True)
    t3 = time.perf_counter()
    verdicts = aggression.decide_all(con, corpus)
    out["aggressor_s"] = time.perf_counter() - t3
    out["dyads"] = len(verdicts)
    del verdicts
    out["rss_aggressor_mb"] = rss_mb()
    out["pipeline_s"] = out["load_s"] + out["build_s"] + out["aggressor_s"]
    out["pipeline_cpu_s"] = time.process_time() - c0
    counts = con.execute(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM fluents), "
        "(SELECT count(*) FROM breaches)"
    ).fetchone()
    assert counts is not None
    out["events"], out["intervals"], out["breaches"] = counts
    con.close()
    # the floor: one sort of the event table (the happenings), into a table
    mem = duckdb.connect()
    mem.execute(f"SET memory_limit = '{storage.memory_limit()}'")  # as the build's
    mem.execute(f"ATTACH '{db}' AS w (READ_ONLY)")
    mem.execute("USE w")
    mem.execute(f"CREATE TEMP TABLE h AS {from_tables.happenings_sql(STORED_EVENTS)}")
    out["happenings"] = mem.execute("SELECT count(*) FROM h").fetchone()[0]  # type: ignore[index]
    t4, c4 = time.perf_counter(), time.process_time()
    mem.execute("CREATE TEMP TABLE hs AS SELECT * FROM h ORDER BY a0, a1, name, t_early")
    out["floor_sort_s"] = time.perf_counter() - t4
    out["floor_sort_cpu_s"] = time.process_time() - c4
    mem.close()
    out["rss_floor_mb"] = rss_mb()
    if queries:
        out.update(query_latency(corpus, db, queries))
    out["rss_mb"] = rss_mb()
    return out


def query_latency(corpus: Any, db: Path, n: int) -> dict[str, Any]:
    """status / treaties --between --on / holds through the query API on a built database.

    A fresh :class:`~foedus.query.KnowledgeBase` (its opening is timed, ``kb_open_s``), then
    per kind of query: one first call (``*_first_ms``: cold caches), then ``n`` calls on varied
    actors and days (seeded), of which the median and the 99th percentile are reported.
    """
    from foedus.query import KnowledgeBase

    t0 = time.perf_counter()
    kb = KnowledgeBase(corpus)
    kb._db = db  # the database just built
    out: dict[str, Any] = {"kb_open_s": time.perf_counter() - t0}
    rng = random.Random(7)
    states = [a.id for a in corpus.actors if a.kind == "state"]
    days = [f"{rng.randint(1900, 1999)}-{rng.randint(1, 12):02d}-15" for _ in range(n + 1)]
    for name, call in (
        ("status", lambda i: kb.status(rng.choice(states), days[i])),
        ("treaties", lambda i: kb.treaties(between=rng.sample(states, 2), on=days[i])),
        ("holds", lambda i: kb.holds(rng.choice(states), days[i])),
    ):
        t = time.perf_counter()
        call(n)  # the first call of its kind: not in the percentiles
        out[f"{name}_first_ms"] = (time.perf_counter() - t) * 1000
        times = []
        for i in range(n):
            t = time.perf_counter()
            call(i)
            times.append((time.perf_counter() - t) * 1000)
        out[f"{name}_p50_ms"] = statistics.median(times)
        out[f"{name}_p99_ms"] = pct(times, 0.99)
    # whether answering made every event record (a Parquet corpus makes them on first use)
    out["all_events_made"] = bool(getattr(corpus.events, "loaded", True))
    return out


def queries_only(world: Path, db: Path, n: int) -> dict[str, Any]:
    """Only the query latency, on a database already built from ``world``."""
    from foedus.corpus import load_corpus

    t0 = time.perf_counter()
    corpus = load_corpus(world)
    out: dict[str, Any] = {"load_s": time.perf_counter() - t0}
    out.update(query_latency(corpus, db, n))
    out["rss_mb"] = rss_mb()
    return out


def reference(world: Path) -> dict[str, Any]:
    from foedus.corpus import load_corpus
    from foedus.engine import from_corpus
    from foedus.engine.reference import evaluate
    from foedus.rules import programs as reasoning

    corpus = load_corpus(world)
    program = reasoning.program_for(corpus, "de-facto")
    t0 = time.perf_counter()
    narrative = from_corpus.happenings(corpus)
    facts = from_corpus.facts(corpus)
    t1 = time.perf_counter()
    ivs = evaluate(program, narrative, facts)
    t2 = time.perf_counter()
    return {"inputs_s": t1 - t0, "fluents_s": t2 - t1, "intervals": len(ivs), "rss_mb": rss_mb()}


def rtec() -> dict[str, Any]:
    """Each RTEC conformance case: the compiled engine's time (load + plan + read), median of 5,
    and whether its intervals are RTEC's."""
    root = Path(__file__).resolve().parent.parent / "tests" / "engine"
    sys.path.insert(0, str(root))
    from rtec_cases import FIXTURES, HERE, read_expected
    from test_compiled_rtec import read_narrative

    from foedus.backends.duckdb import DuckDBBackend
    from foedus.rules import load_rules

    out = {}
    for case in sorted(p.stem for p in (FIXTURES / "expected").glob("*.csv")):
        program = load_rules([HERE / f"{case.split('__')[0]}.rules"])
        happenings = read_narrative(FIXTURES / "narratives" / f"{case}.csv")
        expected = read_expected(FIXTURES / "expected" / f"{case}.csv")
        times = []
        for _ in range(5):
            backend = DuckDBBackend()
            t = time.perf_counter()
            ivs = backend.evaluate(program, happenings)
            times.append(time.perf_counter() - t)
            backend.con.close()
        got = {
            (i.fluent, ";".join(i.args), i.value, i.start, float("inf") if i.end is None else i.end)
            for i in ivs
        }
        out[case] = {
            "seconds": statistics.median(times),
            "identical": got == expected,
            "intervals": len(ivs),
        }
    return out


def main() -> None:
    what = sys.argv[1]
    if what == "pipeline":
        queries = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        result = pipeline(Path(sys.argv[2]), Path(sys.argv[3]), queries)
    elif what == "queries":
        result = queries_only(
            Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 100
        )
    elif what == "reference":
        result = reference(Path(sys.argv[2]))
    elif what == "rtec":
        result = rtec()
    else:
        raise SystemExit(f"unknown measurement {what!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
