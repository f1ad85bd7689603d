"""A mutation fuzzer that builds and queries: a corpus that validates must build and answer.

Each round copies ``tests/corpora/good`` with the bundled corpus's rules and perspectives (so
that every perspective has rules to run), mutates it (a record's field set to another id, a
date, an event type, or text with quotes, backslashes, SQL, NUL, lone surrogates, invisible
and right-to-left characters, terminal escapes; a record duplicated under a new id; a line of
YAML cut or repeated), then:

- loads it: a :class:`~foedus.errors.CorpusError` whose every problem has a line, a column
  and a one-line message is a fine outcome;
- when it validates, builds its database and asks every query of every perspective for every
  actor (status, holds, timeline, events, treaties, breaches, aggressor, compare) and a few
  questions; each must answer or raise a :class:`~foedus.errors.UserError`.

Anything else (another exception, a problem without a position, a round over
:data:`SLOW_ROUND` seconds) is a finding, saved under ``--findings`` with the traceback.

    python benchmarks/fuzz_build.py --seconds 600        # the 10-minute run (docs/reliability.md)
    python benchmarks/fuzz_build.py --rounds 5 --seed 1  # what tests/test_fuzz.py runs in CI

Prints one JSON object: rounds, how many validated and were built and queried, how many were
refused, queries asked, findings.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "corpora" / "good"
SLOW_ROUND = 60.0
"""Seconds a round (load, build, every query) may take before it counts as a finding."""

#: Text that has broken a build or a query somewhere, or could.
NASTY = [
    "O'Brien",
    'say "no"',
    "back\\slash",
    "'; DROP TABLE events; --",
    "%s %d {0} {x}",
    "\x00",
    "\ud800",
    "Esto\u200bnia",
    "\u202eevil",
    "\x1b[31mred\x1b[0m",
    "tab\there",
    "line\nbreak",
    "",
    "   ",
    "é" * 3,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "x" * 5000,
]
DATES = [
    "1940",
    "mid-June 1940",
    "1940-02-29",
    "1941-02-29",
    "0001-01-01",
    "9999-12-31",
    "the end of 1939",
    "June 20–10, 1940",
    "1800",
    "2100",
]
FIELDS = {
    "actors": ["name", "aliases", "existed_from", "existed_to", "part_of", "predecessor", "id"],
    "events": ["type", "date", "actors", "targets", "summary", "instrument", "id", "mode"],
    "instruments": ["signed", "in_force", "ended", "amends", "name", "kind", "id"],
}


def fuzz_corpus(dest: Path) -> Path:
    """A copy of the small test corpus with the bundled corpus's rules and perspectives."""
    from foedus.corpus import bundled_path

    shutil.copytree(GOOD, dest)
    bundled = bundled_path()
    shutil.rmtree(dest / "rules")
    shutil.copytree(bundled / "rules", dest / "rules")
    yaml = YAML(typ="safe")
    persp = yaml.load((bundled / "perspectives.yaml").read_text(encoding="utf-8"))
    for p in persp["perspectives"]:
        p.pop("sources", None)  # they quote the bundled source
    with open(dest / "perspectives.yaml", "w", encoding="utf-8") as f:
        YAML().dump(persp, f)
    return dest


def _value(rng: random.Random, ids: dict[str, list[str]], field: str) -> Any:
    from foedus.model import EVENT_TYPES

    pick = rng.random()
    if field in ("actors", "targets"):  # mostly real actors: a corpus that builds
        pool = ids["actors"] if pick < 0.8 else ids["actors"] + NASTY
        return [rng.choice(pool) for _ in range(rng.randint(0 if field == "targets" else 1, 3))]
    if field == "aliases":
        return [rng.choice(NASTY) for _ in range(rng.randint(0, 2))]
    if field in ("part_of", "predecessor"):
        return rng.choice(ids["actors"] + [None])
    if field in ("instrument", "amends"):
        return rng.choice(ids["instruments"] + [None])
    if field == "type":
        return rng.choice(sorted(EVENT_TYPES))
    if field in ("date", "existed_from", "existed_to", "signed", "in_force", "ended"):
        return rng.choice(DATES + [None])
    if field == "id":
        if pick < 0.3:
            return rng.choice(ids["actors"] + ids["instruments"] + ids["events"])
        return f"fuzz-{rng.randrange(10**6)}" if pick < 0.8 else rng.choice(NASTY)
    if field == "mode":
        return rng.choice(["de-jure", "de-facto", *NASTY[:3]])
    return rng.choice(NASTY)


def mutate(folder: Path, rng: random.Random) -> str:
    """Change the corpus at ``folder`` in one random way; a line that says how."""
    yaml = YAML(typ="rt")
    files = {k: folder / f"{k}.yaml" for k in FIELDS}
    kind = rng.choice(sorted(FIELDS))
    how = rng.random()
    try:
        data = {k: yaml.load(p.read_text(encoding="utf-8")) for k, p in files.items()}
        ids = {k: [str(r["id"]) for r in data[k][k]] for k in FIELDS}
        records = data[kind][kind]
        i = rng.randrange(len(records))
    except Exception:  # noqa: BLE001 - an earlier mutation broke the YAML: change lines
        how = 1.0
    if how < 0.6:
        field = rng.choice(FIELDS[kind])
        value = _value(rng, ids, field)
        if value is None:
            records[i].pop(field, None)
        else:
            records[i][field] = value
        what = f"{kind}[{i}].{field} = {value!r:.80}"
    elif how < 0.8:
        copy = dict(records[i])
        tail = rng.choice(NASTY)[:20] if rng.random() < 0.3 else str(rng.randrange(10**6))
        copy["id"] = f"{records[i]['id']}-{tail}"
        records.append(copy)
        what = f"{kind}[{i}] duplicated as {copy['id']!r:.80}"
    else:
        text = files[kind].read_text(encoding="utf-8").splitlines(keepends=True)
        j = rng.randrange(len(text))
        text.insert(j, text[j]) if rng.random() < 0.5 else text.pop(j)
        files[kind].write_text("".join(text), encoding="utf-8", errors="surrogatepass")
        return f"{kind}.yaml line {j + 1} repeated or cut"
    with open(files[kind], "w", encoding="utf-8", errors="surrogatepass") as f:
        yaml.dump(data[kind], f)
    return what


def build_and_query(folder: Path) -> tuple[str, int]:
    """Load, build and query ``folder``: ("refused" | "answered", queries asked).

    Raises AssertionError (or anything unexpected) on a finding.
    """
    from foedus import KnowledgeBase
    from foedus.ask import answer_question
    from foedus.corpus import load_corpus
    from foedus.errors import MAX_LINE, CorpusError, UserError

    try:
        corpus = load_corpus(folder)
    except CorpusError as e:
        assert e.errors, "a CorpusError without problems"
        for p in e.errors:
            assert p.line >= 1 and p.col >= 1, p
            assert p.message.strip() and "Traceback" not in p.message, p
            assert all(len(line) <= MAX_LINE for line in p.message.splitlines()), p
        return "refused", 0
    asked = 0
    actors = [a.id for a in corpus.actors]
    for perspective in [p.id for p in corpus.perspectives] or ["de-facto"]:
        kb = KnowledgeBase(corpus, perspective=perspective)
        calls: list[tuple[Any, tuple[Any, ...]]] = [(kb.breaches, ()), (kb.events, ())]
        for a in actors:
            calls += [
                (kb.status, (a, "1940-06-20")),
                (kb.holds, (a, "1941-01-01")),
                (kb.timeline, (a,)),
                (kb.treaties, ()),
            ]
            calls += [(kb.aggressor, (a, b)) for b in actors if b != a][:2]
        if len(corpus.perspectives) > 1:
            p, q = corpus.perspectives[0].id, corpus.perspectives[1].id
            calls += [(kb.compare, (p, q, a)) for a in actors]
        questions = [f"what happened to {a} in 1940?" for a in actors[:2]]
        calls += [(answer_question, (q, kb)) for q in questions]
        for func, args in calls:
            asked += 1
            try:
                json.dumps(func(*args), default=str)
            except UserError as e:
                assert str(e).strip() and "\n" not in str(e).strip(), repr(e)
    return "answered", asked


def run(seconds: float, rounds: int | None, seed: int, findings: Path | None) -> dict[str, Any]:
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    found: list[dict[str, str]] = []
    asked = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="foedus-fuzz-") as tmp:
        os.environ["FOEDUS_CACHE_DIR"] = str(Path(tmp) / "cache")
        n = 0
        while (rounds is None or n < rounds) and time.monotonic() - start < seconds:
            n += 1
            folder = fuzz_corpus(Path(tmp) / f"round-{n}")
            steps = [mutate(folder, rng) for _ in range(rng.randint(1, 3))]
            began = time.monotonic()
            try:
                outcome, k = build_and_query(folder)
                took = time.monotonic() - began
                assert took < SLOW_ROUND, f"round took {took:.1f} s"
                outcomes[outcome] += 1
                asked += k
            except BaseException as e:  # noqa: BLE001 - every failure is a finding
                if isinstance(e, KeyboardInterrupt):
                    raise
                outcomes["finding"] += 1
                found.append(
                    {"round": str(n), "mutations": "; ".join(steps), "error": repr(e)[:500]}
                )
                if findings is not None:
                    target = findings / f"finding-{seed}-{n}"
                    shutil.copytree(folder, target, dirs_exist_ok=True)
                    (target / "traceback.txt").write_text(traceback.format_exc())
            shutil.rmtree(folder, ignore_errors=True)
    return {
        "seconds": round(time.monotonic() - start, 1),
        "rounds": n,
        "answered": outcomes["answered"],
        "refused": outcomes["refused"],
        "queries": asked,
        "findings": found,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--findings", type=Path, default=None, help="folder to save findings in")
    args = ap.parse_args()
    if args.findings:
        args.findings.mkdir(parents=True, exist_ok=True)
    result = run(args.seconds, args.rounds, args.seed, args.findings)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    sys.exit(1 if result["findings"] else 0)


if __name__ == "__main__":
    main()
