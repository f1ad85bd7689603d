"""Golden tables of the Baltic answers over many days and all three perspectives.

Rewrite them with ``pytest tests/test_golden.py --update`` and review with ``git diff``."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
PERSPECTIVES = ("de-facto", "non-recognition", "soviet")
STATES = ("Estonia", "Latvia", "Lithuania")
DAYS = (
    "1918-06-01",
    "1919-01-01",
    "1920-06-01",
    "1925-01-01",
    "1933-01-01",
    "1939-09-01",
    "1940-06-01",
    "1940-06-15",
    "1940-08-15",
    "1941-03-01",
    "1942-06-22",
    "1943-01-01",
    "1944-06-01",
    "1945-05-09",
    "1960-01-01",
    "1975-08-01",
    "1989-08-23",
    "1991-03-01",
    "1991-12-31",
    "1994-09-01",
    "1999-01-01",
)


def _values(values):
    """A status field's values: ``ussr``, or each possible one marked ``?``: ``ussr?|germany?``."""
    out = [
        (str(v["value"]).lower() if isinstance(v["value"], bool) else v["value"]["id"])
        + ("" if v["certainty"] == "certain" else "?")
        for v in values
    ]
    return "|".join(out) or "-"


def status_table(kb_factory) -> str:
    lines = [
        "perspective\tstate\tday\tsovereign\tcontrolled_by\toccupied_by\tpart_of\tcertainty\tlabel"
    ]
    for p in PERSPECTIVES:
        kb = kb_factory(p)
        for s in STATES:
            for d in DAYS:
                st = kb.status(s, d)["status"]
                lines.append(
                    "\t".join(
                        [
                            p,
                            s,
                            d,
                            _values(st["sovereign"]),
                            _values(st["controlled_by"]),
                            _values(st["occupied_by"]),
                            _values(st["part_of"]),
                            st["certainty"],
                            st["label"],
                        ]
                    )
                )
    return "\n".join(lines) + "\n"


def breach_table(kb_factory) -> str:
    lines = ["perspective\tdate\tevent\ttreaty\tclause\tagainst\tcertainty"]
    for p in PERSPECTIVES:
        for b in kb_factory(p).breaches()["breaches"]:
            lines.append(
                "\t".join(
                    [
                        p,
                        b["event"]["date"]["text"],
                        b["event"]["id"],
                        b["treaty"]["id"],
                        b["clause"]["id"],
                        ",".join(a["id"] for a in b["against"]),
                        b["certainty"],
                    ]
                )
            )
    return "\n".join(lines) + "\n"


def treaty_table(kb_factory) -> str:
    kb = kb_factory()
    lines = ["a\tb\tday\ttreaties"]
    for b in ("Estonia", "Latvia", "Lithuania"):
        for d in DAYS:
            got = kb.treaties(between=["USSR", b], on=d)["treaties"]
            lines.append(
                f"ussr\t{b}\t{d}\t" + ",".join(f"{t['id']}({t['certainty']})" for t in got)
            )
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "name, make",
    [("status.tsv", status_table), ("breaches.tsv", breach_table), ("treaties.tsv", treaty_table)],
)
def test_golden(kb_factory, update_golden, name, make):
    text = make(kb_factory)
    path = GOLDEN / name
    if update_golden or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
