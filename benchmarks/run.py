"""foedus benchmarks: the whole pipeline on random worlds of 10^4 .. 10^7 events.

    python benchmarks/run.py [--sizes 1e4,1e5,1e6,1e7] [--quick] [--no-reference]
                             [--reference-limit 60] [--reference-upto 1e5]

For each size E: a world from ``foedus generate-world`` (seed 1, E/2000 states, E/500
instruments, Parquet; cached in benchmarks/.worlds/), then, in a fresh process per size (its
peak RSS is the size's): load, build (corpus tables, every fluent, breaches), the aggressor of
every dyad in conflict, the floor (one sort of the happenings into a table), and the query API's
latency (status, treaties --between --on, holds: p50 and p99 over 100 calls each, up to 10^6).
The reference interpreter does the same fluents in a process of its own, for sizes up to the
first it cannot finish within a minute (``--reference-limit``; ``--reference-upto``: not past
this size). The RTEC conformance narratives run last. Prints a
table and writes benchmarks/results/latest.json (docs/performance.md explains the figures).

    python benchmarks/run.py --real [--cases ggo,atop-mid-tc,icews] [--timeout 1800] [--data DIR]

runs the real datasets instead, when ../shared/data is beside the project
(benchmarks/real.py; results in benchmarks/results/real.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORLDS = HERE / ".worlds"
RESULTS = HERE / "results"
REFERENCE_LIMIT_S = 60.0


def machine() -> dict[str, Any]:
    import duckdb

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "nproc": os.cpu_count(),
        "ram_mb": mem,
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
        "load_avg_1m": load,
    }


def world_for(e: int) -> Path:
    from foedus.generate import generate_world

    states, instruments = max(50, e // 2000), max(20, e // 500)
    path = WORLDS / f"e{e}-s{states}-i{instruments}-seed1"
    if not (path / "events.parquet").exists():
        t = time.perf_counter()
        generate_world(
            path, states=states, instruments=instruments, events=e, seed=1, format="parquet"
        )
        print(f"  generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


def child(args: list[str], timeout: float | None = None) -> tuple[dict[str, Any] | None, float]:
    env = dict(os.environ)
    env.setdefault("FOEDUS_CACHE_DIR", str(HERE / ".cache"))
    t = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(HERE / "one.py"), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - t
    wall = time.perf_counter() - t
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return None, wall
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def run(
    sizes: list[int],
    reference: bool,
    queries: int,
    limit: float = REFERENCE_LIMIT_S,
    rtec: bool = True,
    reference_upto: int | None = None,
    repeat: int = 1,
) -> dict[str, Any]:
    from foedus import build as storage

    out: dict[str, Any] = {
        "machine": machine(),
        "sizes": {},
        "started": time.strftime("%F %T"),
        "memory_limit": storage.memory_limit(),
    }
    ref_ok = reference
    for e in sizes:
        print(f"E = {e:,}", file=sys.stderr)
        world = world_for(e)
        db = WORLDS / f"e{e}.duckdb"
        q = queries if e <= 1_000_000 else 0
        res, wall = child(["pipeline", str(world), str(db), str(q)])
        row: dict[str, Any] = {"pipeline": res, "pipeline_process_s": wall}
        if repeat > 1 and res:  # the same pipeline again, each run with its own floor
            row["repeats"] = [ratio_of(res)]
            for _ in range(repeat - 1):
                again, _wall = child(["pipeline", str(world), str(db), "0"])
                if again:
                    row["repeats"].append(ratio_of(again))
        if ref_ok and (reference_upto is None or e <= reference_upto):
            ref, wall = child(["reference", str(world)], timeout=limit)
            row["reference"] = ref if ref else {"timeout_s": limit}
            ref_ok = ref is not None
        out["sizes"][str(e)] = row
        print(json.dumps(row), file=sys.stderr)
    out["rtec"] = child(["rtec"])[0] if rtec else None
    out["finished"] = time.strftime("%F %T")
    return out


def ratio_of(p: dict[str, Any]) -> dict[str, float]:
    """One pipeline run's wall and CPU times, its floor's (one sort of its happenings, in the
    same process right after), and the ratio of the two walls (issue #15's target: <= 10x)."""
    keys = ("pipeline_s", "pipeline_cpu_s", "floor_sort_s", "floor_sort_cpu_s")
    out = {k: p[k] for k in keys if k in p}
    out["ratio"] = p["pipeline_s"] / p["floor_sort_s"]
    return out


def ratios_line(e: str, row: dict[str, Any]) -> str | None:
    """The runs' ratios to their floors, for one size: one run, or the median, range and
    number over 10x of ``--repeat``'s runs."""
    import statistics

    first = row.get("pipeline") or {}
    runs = row.get("repeats") or ([ratio_of(first)] if first.get("floor_sort_s") else [])
    if not runs:  # a failed run, or a results file from before the floor
        return None
    xs = sorted(r["ratio"] for r in runs)
    if len(xs) == 1:
        return f"{int(e):,} events: the pipeline {xs[0]:.2f}x its floor (one run)"
    over = sum(x > 10 for x in xs)
    return (
        f"{int(e):,} events: the pipeline {statistics.median(xs):.2f}x its floor, median of "
        f"{len(xs)} runs ({xs[0]:.2f}-{xs[-1]:.2f}x; {over} over 10x)"
    )


def growth(result: dict[str, Any], lo: str, hi: str, key: str = "pipeline_s") -> float | None:
    import math

    a, b = result["sizes"].get(lo), result["sizes"].get(hi)
    if not a or not b or not a["pipeline"] or not b["pipeline"]:
        return None
    ta, tb = a["pipeline"][key], b["pipeline"][key]
    return math.log(tb / ta) / math.log(int(hi) / int(lo))


def render(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=220)
    t = Table(title="foedus pipeline (DuckDB) by number of events")
    cols = [
        "events",
        "tables s (CPU)",
        "fluents s (CPU)",
        "breaches s (CPU)",
        "query index s (CPU)",
        "build s (CPU)",
        "aggressor s",
        "pipeline s (CPU)",
        "events/s",
        "floor sort s (CPU)",
        "status p50/p99 ms",
        "treaties p50/p99 ms",
        "holds p50/p99 ms",
        "peak RSS MB (build / all)",
        "reference fluents s",
        "speed-up (fluents)",
    ]
    for c in cols:
        t.add_column(c, justify="right")
    for e, row in result["sizes"].items():
        p, r = row["pipeline"], row.get("reference")
        if not p:
            t.add_row(f"{int(e):,}", *["failed"] + [""] * (len(cols) - 2))
            continue

        def lat(name: str, p: dict[str, Any] = p) -> str:
            if f"{name}_p50_ms" not in p:
                return "-"
            return f"{p[name + '_p50_ms']:.1f} / {p[name + '_p99_ms']:.1f}"

        ref = (
            "-"
            if r is None
            else (f"> {r['timeout_s']:.0f}" if "timeout_s" in r else f"{r['fluents_s']:.2f}")
        )
        speed = "-"
        if r and "fluents_s" in r:
            speed = f"{r['fluents_s'] / p['fluents_s']:.0f}x"

        def cpu(name: str, p: dict[str, Any] = p) -> str:
            if f"{name}_s" not in p:
                return "-"
            if f"{name}_cpu_s" not in p:  # a results file from before the CPU times
                return f"{p[name + '_s']:.2f}"
            return f"{p[name + '_s']:.2f} ({p[name + '_cpu_s']:.2f})"

        t.add_row(
            f"{int(e):,}",
            cpu("tables"),
            cpu("fluents"),
            cpu("breaches"),
            cpu("query_index"),
            cpu("build"),
            f"{p['aggressor_s']:.2f}",
            cpu("pipeline"),
            f"{int(e) / p['pipeline_s']:,.0f}",
            cpu("floor_sort"),
            lat("status"),
            lat("treaties"),
            lat("holds"),
            f"{p.get('rss_build_mb', p['rss_mb']):.0f} / {p['rss_mb']:.0f}",
            ref,
            speed,
        )
    console.print(t)
    if result.get("rtec"):
        rt = Table(title="RTEC conformance narratives: compiled engine vs RTEC's recorded times")
        for c in ("case", "foedus s", "RTEC wall s", "RTEC recognition ms", "identical"):
            rt.add_column(c, justify="right")
        timings = {}
        import csv

        recorded = ROOT.parent / "shared" / "rtec-conformance" / "timings.csv"
        if recorded.exists():  # RTEC's recorded times, beside the project (read-only)
            with recorded.open() as f:
                timings = {r["case"]: r for r in csv.DictReader(f)}
        for case, r in result["rtec"].items():
            tm = timings.get(case, {})
            rt.add_row(
                case,
                f"{r['seconds']:.3f}",
                tm.get("wall_s", "?"),
                tm.get("recognition_ms", "?"),
                str(r["identical"]),
            )
        console.print(rt)
    for e, row in result["sizes"].items():
        if int(e) >= 1_000_000 and (line := ratios_line(e, row)):
            console.print(line)
    g = growth(result, "100000", "10000000")
    if g is not None:
        console.print(f"growth exponent of the pipeline time, 10^5 -> 10^7: E^{g:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1e4,1e5,1e6,1e7")
    ap.add_argument("--quick", action="store_true", help="sizes 1e4,1e5 only")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument(
        "--reference-upto",
        default=None,
        help="run the reference only up to this many events (e.g. 1e5)",
    )
    ap.add_argument(
        "--reference-limit",
        type=float,
        default=REFERENCE_LIMIT_S,
        help="seconds the reference interpreter may take per size (default 60)",
    )
    ap.add_argument("--render", type=Path, help="only print the table of a results file")
    ap.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    ap.add_argument("--no-rtec", action="store_true")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each size's pipeline this many times (each beside its own floor) and report "
        "the median, range and number over 10x of the ratios",
    )
    ap.add_argument(
        "--real",
        action="store_true",
        help="the real datasets of ../shared/data instead (benchmarks/real.py)",
    )
    ap.add_argument("--cases", default="ggo,atop-mid-tc,icews", help="with --real")
    ap.add_argument("--timeout", type=float, default=1800.0, help="with --real: per command")
    ap.add_argument(
        "--data", type=Path, default=None, help="with --real: the data folder (../shared/data)"
    )
    a = ap.parse_args()
    if a.real:
        import real

        out = a.out if a.out != RESULTS / "latest.json" else RESULTS / "real.json"
        if a.render:
            real.render(json.loads(a.render.read_text()))
            return
        result = real.main(a.cases.split(","), a.timeout, out, machine(), a.data)
        real.render(result)
        return
    if a.render:
        render(json.loads(a.render.read_text()))
        return
    sizes = [int(float(s)) for s in ("1e4,1e5" if a.quick else a.sizes).split(",")]
    result = run(
        sizes,
        not a.no_reference,
        a.queries,
        a.reference_limit,
        not a.no_rtec,
        a.reference_upto and int(float(a.reference_upto)),
        max(1, a.repeat),
    )
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=2) + "\n")
    render(result)


if __name__ == "__main__":
    main()
