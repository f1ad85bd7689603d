"""The command line's fixed costs: start-up, the first answer after install, a warm answer.

    python benchmarks/startup.py                       # this checkout, 5 runs each
    python benchmarks/startup.py --before /tmp/old/src # and another checkout's src/, side by side
    python benchmarks/startup.py --runs 9 --out benchmarks/results/startup.json
    python benchmarks/startup.py --cold-only --before /tmp/old/src  # the first answer only

Each measurement is one process, as a user runs it (``python -c "from foedus.console import
console; console()" ARGS``, the console script's entry point), timed wall to wall; the figure is
the median of ``--runs`` of the wall time and of the process's CPU time (user and system: a
busy machine disturbs it least); the runs of the two checkouts alternate, so that a busy machine
slows both alike:

- ``foedus --help``, ``foedus status --help``, ``foedus run --help``;
- ``cold``: the README's first command, ``foedus status Estonia --on 1960-01-01 --perspective
  non-recognition``, with an empty cache folder (``FOEDUS_CACHE_DIR`` a fresh temporary
  folder): the first answer after install (the bundled corpus read and validated, its database
  written from the one the package ships, docs/decisions/0013-bundled-database-shipped.md, or
  built where it ships none; the answer; issue 15's target: at most 3 s);
- ``build``: ``foedus build -o FILE``, the bundled corpus's database built from scratch into a
  fresh file (what the first answer costs on an edited corpus);
- ``warm``: the same command again, the cache filled;
- ``run tiny``: ``foedus run`` on the tiny ``a_boolean`` RTEC narrative, its plan cached;
- ``import foedus.cli``: what every command but ``run`` imports, and ``import foedus.query``
  (the query layer), each as the total of ``python -X importtime`` (microseconds, summed
  over every module it imports).

Results: a table on stdout, and one JSON object in ``--out`` (default
``benchmarks/results/startup.json``). docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENTRY = "from foedus.console import console; console()"
RTEC = ROOT / "tests" / "rtec"
STATUS = ["status", "Estonia", "--on", "1940-08-01"]
FIRST = ["status", "Estonia", "--on", "1960-01-01", "--perspective", "non-recognition"]
"""The README's first command."""


def env_for(src: Path, cache: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(src), "FOEDUS_CACHE_DIR": str(cache)}
    env.pop("FOEDUS_DEBUG", None)
    return env


def wall(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds one ``foedus ARGS`` process takes, wall to wall, and its CPU seconds (user and
    system: the figure a busy machine disturbs least); it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *args], env=env, capture_output=True, timeout=600
    )
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if done.returncode != 0:
        raise SystemExit(f"foedus {' '.join(args)}: exit {done.returncode}: {done.stderr[-500:]!r}")
    return seconds, cpu


def medians(pairs: list[tuple[float, float]]) -> dict[str, float]:
    return {
        "wall": statistics.median(p[0] for p in pairs),
        "cpu": statistics.median(p[1] for p in pairs),
    }


def import_us(module: str, env: dict[str, str]) -> int:
    """Microseconds of imports ``import module`` costs (``-X importtime``, summed self times)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return sum(int(m[1]) for m in re.finditer(r"import time:\s+(\d+) \|", done.stderr))


def cases(tmp: Path) -> dict[str, list[str]]:
    out = str(tmp / "intervals.csv")
    rules = str(RTEC / "a_boolean.rules")
    narrative = str(RTEC / "fixtures" / "narratives" / "a_boolean__tiny.csv")
    return {
        "foedus --help": ["--help"],
        "foedus status --help": ["status", "--help"],
        "foedus run --help": ["run", "--help"],
        "warm: foedus status Estonia --on 1940-08-01": STATUS,
        "run tiny (a_boolean, plan cached)": ["run", rules, narrative, "-o", out],
    }


def measure(srcs: dict[str, Path], runs: int, cold_only: bool = False) -> dict[str, Any]:
    results: dict[str, Any] = {name: {} for name in srcs}
    with tempfile.TemporaryDirectory(prefix="foedus-startup-") as t:
        tmp = Path(t)
        warm_cache = {name: tmp / f"cache-{name}" for name in srcs}
        # the first answer after install: a fresh cache each run
        cold: dict[str, list[tuple[float, float]]] = {name: [] for name in srcs}
        built: dict[str, list[tuple[float, float]]] = {name: [] for name in srcs}
        for i in range(runs):
            for name, src in srcs.items():
                folder = tmp / f"cold-{name}-{i}"
                cold[name].append(wall(FIRST, env_for(src, folder)))
                shutil.rmtree(folder, ignore_errors=True)  # a shared disk: keep it small
                out = tmp / f"built-{name}-{i}.duckdb"
                built[name].append(wall(["build", "-o", str(out)], env_for(src, folder)))
                out.unlink()
                shutil.rmtree(folder, ignore_errors=True)
        for name in srcs:
            results[name]["cold: first answer after install"] = medians(cold[name])
            results[name]["build: the bundled corpus from scratch"] = medians(built[name])
        if cold_only:
            return results
        for name, src in srcs.items():  # fill the warm caches (database, corpus, plan)
            for args in cases(tmp).values():
                wall(args, env_for(src, warm_cache[name]))
        for label, args in cases(tmp).items():
            times: dict[str, list[tuple[float, float]]] = {name: [] for name in srcs}
            for _ in range(runs):
                for name, src in srcs.items():
                    times[name].append(wall(args, env_for(src, warm_cache[name])))
            for name in srcs:
                results[name][label] = medians(times[name])
        for module in ("foedus.cli", "foedus.query"):
            for name, src in srcs.items():
                us = statistics.median(
                    import_us(module, env_for(src, warm_cache[name])) for _ in range(runs)
                )
                results[name][f"import {module} (importtime)"] = {"cpu": us / 1e6}
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs of each measurement (median)")
    ap.add_argument("--before", type=Path, help="another checkout's src/ folder, side by side")
    ap.add_argument("--cold-only", action="store_true", help="only the first answer after install")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "startup.json")
    args = ap.parse_args(argv)
    srcs = {"this": ROOT / "src"}
    if args.before is not None:
        srcs = {"before": args.before.resolve(), **srcs}
    results = measure(srcs, args.runs, args.cold_only)
    labels = list(next(iter(results.values())))
    head = "".join(f"{n + ' ' + k:>14}" for n in srcs for k in ("wall", "cpu"))
    print(f"{'seconds (median of ' + str(args.runs) + ')':<46}{head}")
    for label in labels:
        cells = "".join(
            f"{results[n][label][k]:>14.3f}" if k in results[n][label] else f"{'':>14}"
            for n in srcs
            for k in ("wall", "cpu")
        )
        print(f"{label:<46}{cells}")
    record = {
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
        "srcs": {n: str(p) for n, p in srcs.items()},
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
