"""How long ``foedus ask`` takes in-process: every question of tests/questions/, answered warm.

    python benchmarks/ask.py [--repeat N] [--parse-only]

The knowledge base is built and its lexicon made once (the first question pays for them, as a
server does once); each question is then answered ``N`` times and its median kept. Beside each
answer's time, the time of the bare query method it maps to (``KnowledgeBase.status`` and so on,
once, with no range, group or verdict) tells what ``ask`` adds from what the query engine takes.
Each answer is timed twice: wall time (``time.perf_counter``) and the CPU time of the process
(``time.process_time``, every thread's: on a machine shared with other jobs the wall time
counts their turns too, the CPU time only the answer's own work). Prints both over all
questions and per command (median, slowest, how many over 100 ms), and the slowest questions;
the target (issue 18) is an answer in at most 100 ms. Results of a run are in docs/questions.md
("Speed").
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace
from pathlib import Path

from foedus.ask import answer_question, parse_question
from foedus.ask.evaluation import read_cases
from foedus.errors import UserError
from foedus.query import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parse-only", action="store_true")
    args = ap.parse_args()
    kb = KnowledgeBase()
    run = parse_question if args.parse_only else answer_question
    t0 = time.perf_counter()
    run("Which treaties bound the USSR and Latvia on 1 June 1940?", kb)
    first = time.perf_counter() - t0
    times: list[tuple[float, float, float, str, str]] = []
    for name in ("tuning.tsv", "heldout.tsv"):
        for case in read_cases(ROOT / "tests" / "questions" / name):
            try:
                query = parse_question(case.question, kb)
            except UserError:
                query = None
            runs, cpus = [], []
            for _ in range(args.repeat):
                t, c = time.perf_counter(), time.process_time()
                try:
                    run(case.question, kb)
                except UserError:
                    pass
                runs.append(time.perf_counter() - t)
                cpus.append(time.process_time() - c)
            bare = 0.0
            if query is not None and not args.parse_only:
                # the bare query: a question over a range asked on its first day only
                bare_args = dict(query.args)
                if query.over is not None and "on" in bare_args:
                    bare_args["on"] = query.over[0]
                plain = replace(query, args=bare_args, over=None, each=None, check=None)
                if plain.each is None and not _has_group(query):
                    t = time.perf_counter()
                    plain.run(kb)
                    bare = time.perf_counter() - t
            command = str(query.command) if query is not None else "refused"
            times.append(
                (statistics.median(runs), statistics.median(cpus), bare, command, case.question)
            )
    print(f"first question (build, lexicon): {first * 1000:.0f} ms")
    for label, k in (("wall", 0), ("CPU", 1)):
        ms = sorted(t[k] * 1000 for t in times)
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(
            f"{label:4}: {len(ms)} questions, median {statistics.median(ms):.1f} ms, "
            f"p95 {p95:.1f} ms, max {ms[-1]:.1f} ms, over 100 ms: {sum(m > 100 for m in ms)}"
        )
    print(
        "command     n   wall: median   max  >100   CPU: median   max  >100"
        "   (bare query: median   max)"
    )
    for command in sorted({t[3] for t in times}):
        mine = [(w * 1000, c * 1000, b * 1000) for w, c, b, cmd, _ in times if cmd == command]
        w = sorted(x for x, _, _ in mine)
        c = sorted(y for _, y, _ in mine)
        b = sorted(z for _, _, z in mine)
        print(
            f"{command:10} {len(w):3}   {statistics.median(w):12.1f} {w[-1]:6.1f}"
            f" {sum(x > 100 for x in w):4}   {statistics.median(c):11.1f} {c[-1]:6.1f}"
            f" {sum(x > 100 for x in c):4}   ({statistics.median(b):12.1f} {b[-1]:6.1f})"
        )
    for w, c, b, _, q in sorted(times, reverse=True)[:8]:
        print(
            f"  {w * 1000:7.1f} ms wall, {c * 1000:6.1f} ms CPU"
            f" (bare query {b * 1000:6.1f} ms)  {q}"
        )


def _has_group(query: object) -> bool:
    return getattr(query, "each", None) is not None


if __name__ == "__main__":
    main()
