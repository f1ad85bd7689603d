"""How long ``foedus ask`` takes in-process: every question of tests/questions/, answered warm.

    python benchmarks/ask.py [--repeat N] [--parse-only]

The knowledge base is built and its lexicon made once (the first question pays for them, as a
server does once); each question is then answered ``N`` times and its median kept. Beside each
answer's time, the time of the bare query method it maps to (``KnowledgeBase.status`` and so on,
once, with no range, group or verdict) tells what ``ask`` adds from what the query engine takes.
Prints per command the median and the slowest, and the slowest questions; the target (issue 18)
is an answer in at most 100 ms. Results of a run are in docs/questions.md ("Speed").
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
    times: list[tuple[float, float, str, str]] = []
    for name in ("tuning.tsv", "heldout.tsv"):
        for case in read_cases(ROOT / "tests" / "questions" / name):
            try:
                query = parse_question(case.question, kb)
            except UserError:
                query = None
            runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                try:
                    run(case.question, kb)
                except UserError:
                    pass
                runs.append(time.perf_counter() - t)
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
            times.append((statistics.median(runs), bare, command, case.question))
    ms = sorted(t * 1000 for t, _, _, _ in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"first question (build, lexicon): {first * 1000:.0f} ms")
    print(
        f"{len(ms)} questions, median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
        f"max {ms[-1]:.1f} ms, over 100 ms: {sum(m > 100 for m in ms)}"
    )
    print("command     n  median   max   (bare query: median  max)   over 100 ms")
    for command in sorted({c for _, _, c, _ in times}):
        mine = [(t * 1000, b * 1000) for t, b, c, _ in times if c == command]
        a = sorted(x for x, _ in mine)
        b = sorted(y for _, y in mine)
        print(
            f"{command:10} {len(a):3} {statistics.median(a):7.1f} {a[-1]:7.1f}"
            f"   ({statistics.median(b):7.1f} {b[-1]:7.1f})   {sum(x > 100 for x in a)}"
        )
    for t, b, _, q in sorted(times, reverse=True)[:8]:
        print(f"  {t * 1000:7.1f} ms (bare query {b * 1000:7.1f} ms)  {q}")


def _has_group(query: object) -> bool:
    return getattr(query, "each", None) is not None


if __name__ == "__main__":
    main()
