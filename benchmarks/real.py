"""foedus on the real datasets: import, the first answer cold, warm answers.

    python benchmarks/run.py --real [--cases ggo,atop-mid-tc,icews] [--timeout 1800] [--data DIR]

Runs when the shared data folder (``../shared/data`` beside the project, with the datasets of
docs/data.md) is there. Each case imports its datasets with ``foedus import`` into a fresh
corpus folder (benchmarks/.real/), asks a first question with the CLI (the database is built
then: cold, in a fresh cache), then asks warm: the same CLI command again, and in one process
the query API's ``treaties``, ``treaty`` and ``status`` (p50 and p99 over 20 calls each), and
``treaties`` on the same day for 20 pairs of actors not asked before (``treaties_new_pair``:
each pair's rows read once). Every command runs in a child process of its own, with ``nice``,
one at a time; its wall time, CPU time (user + system) and peak RSS (``wait4``) are recorded:
on a shared machine the wall time of a niced command can be several times its CPU time.
Prints a table and writes benchmarks/results/real.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
WORK = HERE / ".real"

#: case -> (imports: [(kind, [files])], first question, warm API calls)
CASES: dict[str, dict[str, Any]] = {
    "ggo": {
        "imports": [
            (
                "treaties",
                [
                    "ggo-treaties-manytreaties/GGO_agreements.csv",
                    "ggo-treaties-manytreaties/GGO_parties.csv",
                ],
            )
        ],
        "ask": ["treaties", "--between", "Estonia", "USSR", "--on", "1935-01-01"],
        "api": {
            "treaties": {"between": ("Estonia", "USSR"), "on": "1935-01-01"},
            "treaty": "ggo-est-rus-1920a",
            "status": ("Estonia", "1935-01-01"),
        },
    },
    "atop-mid-tc": {
        "imports": [
            ("atop", ["atop-v5.1/atop5_1m.csv", "atop-v5.1/atop5_1a.csv"]),
            ("mid", ["cow-mid-v4.01/MIDA_4.01.csv", "cow-mid-v4.01/MIDB_4.01.csv"]),
            ("territorial-change", ["cow-territorial-change-v6/tc2018.csv"]),
        ],
        "ask": ["treaties", "--between", "Estonia", "USSR", "--on", "1935-01-01"],
        "api": {
            "treaties": {"between": ("Estonia", "USSR"), "on": "1935-01-01"},
            "treaty": "atop-2445",
            "status": ("Estonia", "1935-01-01"),
        },
    },
    "icews": {
        "imports": [("events", ["icews-tkg-sample/icews_2014_test.txt"])],
        "ask": ["status", "Russia", "--on", "2014-06-01"],
        "api": {"status": ("Russia", "2014-06-01")},
    },
}


def _run(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run ``cmd`` under ``nice``; its wall time, peak RSS and exit status."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        ["nice", *cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"cmd": cmd[1:], "timeout_s": timeout}
    wall = time.perf_counter() - t
    return {
        "cmd": cmd[1:],
        "wall_s": round(wall, 3),
        "rc": proc.returncode,
        "stdout_tail": out[-300:],
        "stderr_tail": err[-600:],
    }


def _timed(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """``_run`` through a small wrapper that reports the child's own peak RSS (``wait4``)."""
    wrapper = [sys.executable, str(HERE / "real.py"), "--wrap", "--", *cmd]
    res = _run(wrapper, env, timeout)
    tail = res.get("stderr_tail", "")
    for line in reversed(tail.splitlines()):
        if line.startswith("PEAK_RSS_MB ") and "peak_rss_mb" not in res:
            res["peak_rss_mb"] = float(line.split()[1])
        if line.startswith("CPU_S ") and "cpu_s" not in res:
            res["cpu_s"] = float(line.split()[1])
    res["cmd"] = cmd
    return res


def _wrap(cmd: list[str]) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvp(cmd[0], cmd)
    _pid, status, usage = os.wait4(pid, 0)
    print(f"PEAK_RSS_MB {usage.ru_maxrss / 1024:.1f}", file=sys.stderr)
    print(f"CPU_S {usage.ru_utime + usage.ru_stime:.2f}", file=sys.stderr)
    return os.waitstatus_to_exitcode(status)


def _api(corpus: Path, calls: dict[str, Any], n: int = 20) -> dict[str, Any]:
    """In a child process: the warm query API, p50/p99 in ms over ``n`` calls each."""
    code = f"""
import json, os, statistics, time
from foedus.query import KnowledgeBase
kb = KnowledgeBase({str(corpus)!r})
calls = json.loads({json.dumps(json.dumps(calls))})
out = {{}}
def go(name, f):
    f()  # warm
    ts = []
    for _ in range({n}):
        t = time.perf_counter(); f(); ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    out[name] = {{"p50_ms": round(statistics.median(ts), 2), "p99_ms": round(ts[-1], 2)}}
if "treaties" in calls:
    c = calls["treaties"]
    go("treaties", lambda: kb.treaties(between=tuple(c["between"]), on=c["on"]))
    # the same day for pairs not asked before: each pair's first question (its rows read)
    pairs = []
    for ins in sorted(kb.corpus.instruments, key=lambda i: i.id):
        who = sorted({{p.actor for p in ins.parties}})
        if len(who) >= 2 and (who[0], who[1]) not in pairs:
            pairs.append((who[0], who[1]))
        if len(pairs) == {n}:
            break
    ts = []
    for pair in pairs:
        t = time.perf_counter(); kb.treaties(between=pair, on=c["on"])
        ts.append((time.perf_counter() - t) * 1000)
    ts.sort()
    p50, p99 = round(statistics.median(ts), 2), round(ts[-1], 2)
    out["treaties_new_pair"] = {{"p50_ms": p50, "p99_ms": p99}}
if "treaty" in calls:
    go("treaty", lambda: kb.treaty(calls["treaty"]))
if "status" in calls:
    go("status", lambda: kb.status(*calls["status"]))
out["load_avg_1m"] = round(os.getloadavg()[0], 2)
print(json.dumps(out))
"""
    done = subprocess.run(
        ["nice", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-600:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_case(name: str, timeout: float) -> dict[str, Any]:
    case = CASES[name]
    corpus = WORK / name
    cache = WORK / f"{name}-cache"
    for p in (corpus, cache):
        shutil.rmtree(p, ignore_errors=True)
    WORK.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FOEDUS_CACHE_DIR=str(cache))
    foedus = str(Path(sys.executable).with_name("foedus"))
    out: dict[str, Any] = {"imports": []}
    for kind, files in case["imports"]:
        missing = [f for f in files if not (DATA / f).exists()]
        if missing:
            return {"skipped": f"missing {', '.join(missing)}"}
        cmd = [foedus, "import", kind, *[str(DATA / f) for f in files], "-o", str(corpus)]
        out["imports"].append(_timed(cmd, env, timeout))
    ask = [foedus, *case["ask"], "--corpus", str(corpus), "--json"]
    out["first_answer"] = _timed(ask, env, timeout)
    # a warm command, five times: the median (one run right after the first answer, while the
    # machine writes that answer's caches, was once 0.52 s against 0.26-0.39 s by hand)
    runs = [_timed(ask, env, timeout) for _ in range(5)]
    walls = sorted(r.get("wall_s", float("inf")) for r in runs)
    out["warm_cli"] = {**runs[0], "wall_s": walls[len(walls) // 2], "runs_s": walls}
    cpus = sorted(r["cpu_s"] for r in runs if "cpu_s" in r)
    if cpus:
        out["warm_cli"]["cpu_s"] = cpus[len(cpus) // 2]
    os.environ["FOEDUS_CACHE_DIR"] = str(cache)
    out["api"] = _api(corpus, case["api"])
    total = sum(r.get("wall_s", float("nan")) for r in out["imports"])
    out["import_plus_first_answer_s"] = round(total + out["first_answer"].get("wall_s", 0), 2)
    out["peak_rss_mb"] = max(
        [r.get("peak_rss_mb", 0) for r in [*out["imports"], out["first_answer"]]]
    )
    return out


def main(
    cases: list[str],
    timeout: float,
    out_path: Path,
    machine: dict[str, Any],
    data: Path | None = None,
) -> dict[str, Any]:
    global DATA
    DATA = data or DATA
    result: dict[str, Any] = {"machine": machine, "started": time.strftime("%F %T")}
    if not DATA.is_dir():
        result["skipped"] = f"no data folder at {DATA}"
        print(result["skipped"], file=sys.stderr)
        return result
    result["cases"] = {}
    for name in cases:
        print(f"{name} ...", file=sys.stderr)
        result["cases"][name] = run_case(name, timeout)
        print(json.dumps(result["cases"][name]), file=sys.stderr)
    result["finished"] = time.strftime("%F %T")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=2) + "\n")
    return result


def render(result: dict[str, Any]) -> None:
    print(
        "| case | imports (s) | first answer, cold (s) | import + first answer (s) | "
        "peak RSS (MB) | warm CLI, median of 5 (s) | warm API p50 (ms) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, r in result.get("cases", {}).items():
        if "skipped" in r:
            print(f"| {name} | skipped: {r['skipped']} | | | | | |")
            continue
        imps = " + ".join(f"{i.get('wall_s', 'timeout')}" for i in r["imports"])
        fa = r["first_answer"].get("wall_s", f"timeout {r['first_answer'].get('timeout_s')}")
        if "cpu_s" in r["first_answer"]:
            fa = f"{fa} (CPU {r['first_answer']['cpu_s']})"
        warm = r["warm_cli"].get("wall_s")
        if "cpu_s" in r["warm_cli"]:
            warm = f"{warm} (CPU {r['warm_cli']['cpu_s']})"
        api = ", ".join(f"{k} {v['p50_ms']}" for k, v in r["api"].items() if isinstance(v, dict))
        print(
            f"| {name} | {imps} | {fa} | {r['import_plus_first_answer_s']} | "
            f"{r['peak_rss_mb']} | {warm} | {api} |"
        )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--wrap":
        sys.exit(_wrap(sys.argv[3:]))
    sys.exit("run it as: python benchmarks/run.py --real")
