#!/usr/bin/env python
"""A quick, throwaway self-check of the bundled Baltic–Soviet corpus.

Not the real validator (that lives in ``foedus.corpus``): this script loads each YAML file of the
corpus with ruamel.yaml (safe), validates it with :class:`foedus.model.records.CorpusFile`, and
checks that

- every quote (``Quote.quote``, ``Clause.text``) is found verbatim in its source after collapsing
  runs of white space;
- every actor, instrument and category reference names a record of the corpus;
- every date parses (the model does this) and no id is used twice;

then reports how many sentences of the source are quoted (a sentence counts when a quote shares at
least five consecutive words with it, or all of it when it is shorter), listing those that are not.

Usage: python scripts/check_corpus.py [CORPUS_DIR]   (exit 1 when a problem was found)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

from foedus.model.records import CorpusFile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "src" / "foedus" / "corpora" / "baltic-soviet"
FILES = ["actors.yaml", "instruments.yaml", "events.yaml", "categories.yaml"]


def norm(text: str) -> str:
    return " ".join(text.split())


def sentences(source: str) -> list[str]:
    """The source's sentences: list items and paragraph sentences; headings are skipped."""
    out: list[str] = []
    for line in source.splitlines():
        line = line.strip()
        if not line or line.startswith("="):
            continue
        if line.startswith("- "):
            out.append(line[2:].strip())
            continue
        # split after . ? ! (optionally followed by a closing quote or bracket) before a capital
        parts = re.split(r'(?<=[.!?])["”)]?\s+(?=[A-ZИ"(])', line)
        out.extend(p.strip() for p in parts if p.strip())
    return out


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def covered(sentence: str, quotes: list[str]) -> bool:
    sw = words(sentence)
    need = min(5, len(sw))
    grams = {tuple(sw[i : i + need]) for i in range(len(sw) - need + 1)}
    for q in quotes:
        qw = words(q)
        for i in range(len(qw) - need + 1):
            if tuple(qw[i : i + need]) in grams:
                return True
    return False


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT
    problems: list[str] = []
    yaml = YAML(typ="safe")
    meta = yaml.load((corpus / "corpus.yaml").read_text(encoding="utf-8"))
    default_source = meta["default_source"]
    sources: dict[str, str] = {}
    for path in sorted((corpus / "sources").glob("*.txt")):
        sources[path.stem] = norm(path.read_text(encoding="utf-8"))
    if default_source not in sources:
        problems.append(f"corpus.yaml: default_source {default_source!r} has no sources/*.txt")

    records: dict[str, CorpusFile] = {}
    for name in FILES:
        path = corpus / name
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        try:
            records[name] = CorpusFile.model_validate(data)
        except Exception as exc:  # pydantic ValidationError: report and go on
            problems.append(f"{name}: {exc}")
            records[name] = CorpusFile()

    actors = [a for f in records.values() for a in f.actors]
    instruments = [i for f in records.values() for i in f.instruments]
    events = [e for f in records.values() for e in f.events]
    categories = [c for f in records.values() for c in f.categories]

    # ids: unique within each kind of record; clause ids unique within an instrument
    for kind, items in (
        ("actor", actors),
        ("instrument", instruments),
        ("event", events),
        ("category", categories),
    ):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                problems.append(f"duplicate {kind} id {item.id!r}")
            seen.add(item.id)
    for inst in instruments:
        ids = [c.id for c in inst.clauses]
        for dup in {i for i in ids if ids.count(i) > 1}:
            problems.append(f"instrument {inst.id}: duplicate clause id {dup!r}")

    actor_ids = {a.id for a in actors}
    inst_ids = {i.id for i in instruments}
    cat_ids = {c.id for c in categories}

    # names shared by two actors would make an alias ambiguous: warn, do not fail
    owners: dict[str, set[str]] = {}
    for a in actors:
        for n in a.names():
            owners.setdefault(n.casefold(), set()).add(a.id)
    for n, ids in sorted(owners.items()):
        if len(ids) > 1:
            print(f"warning: name {n!r} is shared by {sorted(ids)}")

    def ref_actor(where: str, ref: str | None) -> None:
        if ref is not None and ref not in actor_ids:
            problems.append(f"{where}: unknown actor {ref!r}")

    quotes: list[tuple[str, str, str]] = []  # (where, source, text)

    def add_quotes(where: str, qs) -> None:
        for q in qs:
            quotes.append((where, q.source or default_source, q.quote))

    for a in actors:
        for ref in (a.predecessor, a.successor, a.part_of):
            ref_actor(f"actor {a.id}", ref)
        add_quotes(f"actor {a.id}", a.sources)
        if not a.sources:
            problems.append(f"actor {a.id}: no sources")
    for inst in instruments:
        where = f"instrument {inst.id}"
        if inst.amends and inst.amends not in inst_ids:
            problems.append(f"{where}: amends unknown instrument {inst.amends!r}")
        add_quotes(where, inst.sources)
        if not inst.sources:
            problems.append(f"{where}: no sources")
        for p in inst.parties:
            ref_actor(f"{where} party", p.actor)
            ref_actor(f"{where} party {p.actor} via", p.via)
            add_quotes(f"{where} party {p.actor}", p.sources)
            if not p.sources:
                problems.append(f"{where} party {p.actor}: no sources")
        for c in inst.clauses:
            quotes.append((f"{where} clause {c.id}", c.source or default_source, c.text))
            if c.norm is not None:
                for ref in (c.norm.bearers or []) + (c.norm.beneficiaries or []):
                    ref_actor(f"{where} clause {c.id} norm", ref)
                for cat in c.norm.categories:
                    if cat not in cat_ids:
                        problems.append(f"{where} clause {c.id}: unknown category {cat!r}")
    for e in events:
        where = f"event {e.id}"
        for ref in e.actors + e.targets:
            ref_actor(where, ref)
        if e.instrument and e.instrument not in inst_ids:
            problems.append(f"{where}: unknown instrument {e.instrument!r}")
        add_quotes(where, e.sources)
        if not e.sources:
            problems.append(f"{where}: no sources")
    for c in categories:
        add_quotes(f"category {c.id}", c.sources)

    for where, src, text in quotes:
        if src not in sources:
            problems.append(f"{where}: unknown source {src!r}")
        elif norm(text) not in sources[src]:
            problems.append(f"{where}: quote not in source {src!r}: {text!r}")

    # coverage of the default source's sentences
    raw = (corpus / "sources" / f"{default_source}.txt").read_text(encoding="utf-8")
    sents = sentences(raw)
    texts = [t for _, s, t in quotes if s == default_source]
    missing = [s for s in sents if not covered(s, texts)]
    n = len(sents)
    print(
        f"actors {len(actors)}, instruments {len(instruments)}, "
        f"parties {sum(len(i.parties) for i in instruments)}, "
        f"clauses {sum(len(i.clauses) for i in instruments)}, "
        f"norms {sum(1 for i in instruments for c in i.clauses if c.norm)}, "
        f"events {len(events)}, categories {len(categories)}, quotes {len(quotes)}"
    )
    print(f"sentences covered: {n - len(missing)}/{n} ({100 * (n - len(missing)) / n:.1f}%)")
    for s in missing:
        print(f"  not quoted: {s[:110]}")

    for p in problems:
        print(f"problem: {p}")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
