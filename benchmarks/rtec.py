"""``foedus run`` against RTEC, process to process, on the RTEC conformance narratives.

    python benchmarks/rtec.py                      # every case of tests/rtec/fixtures, 3 runs
    python benchmarks/rtec.py --cases e_treaties__tiny e_treaties__rand100k --runs 5
    python benchmarks/rtec.py --big 1000000        # also a 10^6 e_treaties narrative
    python benchmarks/rtec.py --rtec ~/RTEC        # RTEC too, in the same run (needs swipl)
    python benchmarks/rtec.py --rtec ~/RTEC --rtec-stack-limit 8g --cases --big 1000000

Each measurement is one ``foedus run RULES NARRATIVE -o OUT`` process, as a user runs it: wall
time (median of ``--runs``, after one warm-up run that fills the plan cache, as RTEC's own
figures are of repeated runs) and peak RSS (the child's ``ru_maxrss``, the largest of the
runs). The output must equal RTEC's expected CSV byte for byte (for ``--big``: RTEC's output
when ``--rtec`` is given, else it is only counted). With ``--rtec``, RTEC's own output of the
run is converted (``rtec_parse.py``, the fixtures' converter) and compared with foedus's,
byte for byte (``identical_to_rtec``).

RTEC's side comes from the same run when ``--rtec DIR`` (an RTEC checkout, as in
tests/rtec/fixtures/README.md) and ``swipl`` are available, else from the recorded figures of
``tests/rtec/fixtures/timings.csv`` (median of 5 runs of ``run_rtec.sh``, same 2-core kind of
machine). The 10^6 narrative is written by ``benchmarks/rtec_gen.py`` (the fixtures' seeded
generator): ``e_treaties`` with 196 states, 500 treaties, horizon 100,000 and treaty status
changes rare (weights as the 100k case).

Both paths of ``foedus run`` are measured in the same run, side by side: the plain-Python one
(``$FOEDUS_RUN_ENGINE=python``, what a small CSV run takes: docs/decisions/0010-small-narratives.md)
on the inputs below ``--python-below`` bytes (default 10^6; it is slow on large ones), and the
DuckDB one (``$FOEDUS_RUN_ENGINE=duckdb``) on every input. ``foedus_*`` are the figures of the
path that ``foedus run`` takes by itself on that input (``path``); the processes may write
their bytecode cache, as an installed package has one. Each process's CPU time
(user + system) is reported next to its wall time: on a loaded machine the wall time measures
the queue for a core as much as the run.

Results: one JSON object on stdout and in ``benchmarks/results/rtec.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RTEC = ROOT / "tests" / "rtec"
FIXTURES = RTEC / "fixtures"
RESULTS = ROOT / "benchmarks" / "results" / "rtec.json"


def measure(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Run ``cmd``; its wall seconds, peak RSS (KB) and CPU seconds (user + system)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    # run_rtec.sh exits 1 after a successful csv run (tests/rtec/fixtures/README.md)
    if proc.returncode not in (0, 1) or (proc.returncode and "run_rtec" not in cmd[0]):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-500:]}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def foedus_cmd(rules: Path, narrative: Path, out: Path) -> list[str]:
    script = shutil.which("foedus")
    if script:
        return [script, "run", str(rules), str(narrative), "-o", str(out)]
    runner = "from foedus.console import console; console()"
    return [sys.executable, "-c", runner, "run", str(rules), str(narrative), "-o", str(out)]


def recorded() -> dict[str, dict[str, str]]:
    with (FIXTURES / "timings.csv").open(newline="") as f:
        return {r["case"]: r for r in csv.DictReader(f)}


def rtec_run(
    rtec: Path, case: str, narrative: Path, work: Path, env: dict[str, str] | None = None
) -> tuple[float, int, Path]:
    """RTEC on one narrative, as tests/rtec/fixtures/README.md runs it: wall, RSS, results
    (``env``: the environment of RTEC's process, e.g. a ``PATH`` with :func:`swipl_with`)."""
    description = case.split("__")[0]
    scratch = work / f"rtec-{case}"
    (scratch / "results").mkdir(parents=True, exist_ok=True)  # run_rtec.sh writes there
    shutil.copy(FIXTURES / "descriptions" / f"{description}.prolog", scratch / "rules.prolog")
    domain = FIXTURES / "narratives" / f"{case}.domain.prolog"
    if domain.exists():  # a case whose domain file is kept beside it (h_mixed)
        shutil.copy(domain, scratch / "domain.prolog")
    else:
        gen = [sys.executable, str(ROOT / "benchmarks" / "rtec_gen.py"), "domain", description]
        gen += [str(narrative), "--out", str(scratch / "domain.prolog")]
        subprocess.run(gen, check=True)
    shutil.copy(narrative, scratch / "narrative.csv")
    with narrative.open() as f:
        last = max(int(line.split("|")[2]) for line in f if line.strip())
    q = last + 1
    cmd = [
        "./run_rtec.sh",
        "--app=toy",
        f"--event-description={scratch}/rules.prolog",
        f"--background-knowledge={scratch}/domain.prolog",
        f"--input={scratch}/narrative.csv",
        f"--window-size={q}",
        f"--step={q}",
        "--start-time=0",
        f"--end-time={q}",
        f"--results-directory={scratch}/results",
    ]
    cwd = os.getcwd()
    os.chdir(rtec / "execution scripts")
    try:
        wall, rss, _ = measure(cmd, env)
    finally:
        os.chdir(cwd)
    found = sorted((scratch / "results").glob("*-recognised-intervals.txt"))
    if not found:
        raise RuntimeError(f"RTEC wrote no results for {case} (see {scratch})")
    return wall, rss, found[-1]


def rtec_csv(results: Path, narrative: Path, out: Path) -> Path:
    """RTEC's recognised intervals as the fixtures' expected CSV (``rtec_parse.py``, in a
    process of its own: read here, RTEC's output of 10^6 events would grow this process, and
    a child's peak RSS starts from its parent's at the fork)."""
    parse = [sys.executable, str(ROOT / "benchmarks" / "rtec_parse.py"), str(results)]
    subprocess.run([*parse, "--narrative", str(narrative), "--out", str(out)], check=True)
    return out


def swipl_with(stack_limit: str, work: Path) -> dict[str, str]:
    """An environment whose ``swipl`` runs with ``--stack-limit`` (RTEC's ``run_rtec.sh``
    calls plain ``swipl``; its default 1 GB stack is too small for 10^6 events:
    tests/rtec/fixtures/README.md)."""
    real = shutil.which("swipl")
    wrapper = work / "swipl-bin"
    wrapper.mkdir(exist_ok=True)
    script = wrapper / "swipl"
    script.write_text(f'#!/bin/sh\nexec {real} --stack-limit={stack_limit} "$@"\n')
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{wrapper}{os.pathsep}{os.environ.get('PATH', '')}"}


def foedus_runs(cmd: list[str], engine: str, runs: int) -> dict[str, float]:
    """``runs`` processes on one path (after a warm-up that fills the plan cache): the median
    wall and CPU seconds and the largest peak RSS (MB)."""
    env = {**os.environ, "FOEDUS_RUN_ENGINE": engine}
    # an installed package has its bytecode compiled: let the warm-up write it, whatever the
    # environment of the benchmark says (foedus's own modules are otherwise compiled anew
    # from source in every process, which is not a user's start-up)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    measure(cmd, env)
    walls, rsss, cpus = [], [], []
    for _ in range(runs):
        wall, rss, cpu = measure(cmd, env)
        walls.append(wall)
        rsss.append(rss)
        cpus.append(cpu)
    return {
        "wall_s": round(statistics.median(walls), 3),
        "cpu_s": round(statistics.median(cpus), 3),
        "rss_mb": round(max(rsss) / 1024, 1),
    }


def bench_case(
    case: str,
    narrative: Path,
    rules: Path,
    runs: int,
    work: Path,
    rtec: Path | None,
    python_below: int,
    rtec_env: dict[str, str] | None = None,
) -> dict[str, Any]:
    from foedus.backends.run import PYTHON_BELOW

    expected = FIXTURES / "expected" / f"{case}.csv"
    size = narrative.stat().st_size
    row: dict[str, Any] = {
        "case": case,
        "events": sum(1 for line in narrative.open() if line.strip()),
        "bytes": size,
        "path": "python" if size < PYTHON_BELOW else "duckdb",
    }
    engines = ["python", "duckdb"] if size < python_below else ["duckdb"]
    for engine in engines:
        out = work / f"{case}.{engine}.csv"
        figures = foedus_runs(foedus_cmd(rules, narrative, out), engine, runs)
        row.update({f"{engine}_{k}": v for k, v in figures.items()})
        row["intervals"] = sum(1 for _ in out.open()) - 1
        same = out.read_bytes() == expected.read_bytes() if expected.exists() else None
        row[f"{engine}_identical"] = same
    for k in ("wall_s", "cpu_s", "rss_mb", "identical"):
        row[f"foedus_{k}"] = row[f"{row['path']}_{k}"]
    rec = recorded().get(case)
    if rtec is not None:
        rw, rr = [], []
        for _ in range(runs):
            wall, rss, results = rtec_run(rtec, case, narrative, work, rtec_env)
            rw.append(wall)
            rr.append(rss)
        row.update(rtec_wall_s=round(statistics.median(rw), 3), rtec_rss_mb=max(rr) / 1024)
        row["rtec_source"] = "measured in this run"
        # foedus's output (the path it takes by itself) against RTEC's, byte for byte
        theirs = rtec_csv(results, narrative, work / f"{case}.rtec.csv")
        ours = work / f"{case}.{row['path']}.csv"
        row["rtec_intervals"] = sum(1 for _ in theirs.open()) - 1
        row["identical_to_rtec"] = ours.read_bytes() == theirs.read_bytes()
    elif rec is not None:
        row.update(
            rtec_wall_s=float(rec["wall_s"]),
            rtec_rss_mb=round(int(rec["max_rss_kb"]) / 1024, 1),
            rtec_source="tests/rtec/fixtures/timings.csv",
        )
    if "rtec_wall_s" in row:
        row["speedup"] = round(row["rtec_wall_s"] / row["foedus_wall_s"], 2)
    return row


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--cases",
        nargs="*",
        help="case names (default: every fixture case; none with --cases alone)",
    )
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--big", type=int, default=0, help="events of an extra e_treaties narrative")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--rtec", type=Path, help="an RTEC checkout (needs swipl on PATH)")
    p.add_argument(
        "--rtec-stack-limit",
        metavar="SIZE",
        help="run RTEC's swipl with --stack-limit=SIZE (8g for --big 1000000)",
    )
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument(
        "--python-below",
        type=int,
        default=1_000_000,
        help="measure the plain-Python path too on narratives under this many bytes",
    )
    args = p.parse_args(argv)
    rtec = args.rtec if args.rtec and shutil.which("swipl") else None
    every = sorted(c.stem for c in (FIXTURES / "expected").glob("*.csv"))
    cases = every if args.cases is None else args.cases  # --cases alone: none (with --big)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ.setdefault("FOEDUS_CACHE_DIR", str(work / "cache"))
        env = swipl_with(args.rtec_stack_limit, work) if rtec and args.rtec_stack_limit else None
        for case in cases:
            narrative = FIXTURES / "narratives" / f"{case}.csv"
            rules = RTEC / f"{case.split('__')[0]}.rules"
            rows.append(
                bench_case(case, narrative, rules, args.runs, work, rtec, args.python_below, env)
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
        if args.big:
            case = f"e_treaties__big{args.big}"
            narrative = work / f"{case}.csv"
            gen = [sys.executable, str(ROOT / "benchmarks" / "rtec_gen.py"), "random"]
            gen += ["e_treaties", "--events", str(args.big), "--seed", str(args.seed)]
            gen += ["--horizon", "100000", "--pool", "state=196", "--pool", "treaty=500"]
            gen += ["--weight", "enter_into_force=1", "--weight", "terminate=1"]
            subprocess.run([*gen, "--out", str(narrative)], check=True)
            rows.append(
                bench_case(
                    case,
                    narrative,
                    RTEC / "e_treaties.rules",
                    args.runs,
                    work,
                    rtec,
                    args.python_below,
                    env,
                )
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    result = {
        "what": "foedus run vs RTEC, process to process (benchmarks/rtec.py)",
        "runs": args.runs,
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cases": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
