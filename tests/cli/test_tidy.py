"""Tidy output (issue 17, point 6): tables readable at 80 columns and when piped — no word split
inside a token, names rather than ids in ``holds``, "(hypothetical)" once, the corpus's notes
shown."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from foedus.cli import app

OVERLAY = "tests/overlays/estonia-declares-war.yaml"


def cli(*args: str) -> str:
    """The output as a pipe gets it (not a terminal), 80 columns."""
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.stderr
    return r.stdout


def words_whole(out: str, texts: list[str]) -> list[str]:
    """The words of ``texts`` that the output does not show whole on one line."""
    lines = out.splitlines()
    missing = []
    for text in texts:
        for word in text.split():
            if not any(word in line for line in lines):
                missing.append(word)
    return missing


def answer(*args: str) -> Any:
    return json.loads(cli(*args, "--json"))


CASES = [
    ("treaties", "--between", "USSR", "Latvia", "--on", "1940-06-01"),
    ("breaches", "--by", "USSR", "--against", "Estonia"),
    ("holds", "Lithuania", "--on", "1939-08-26"),
    ("events", "--actor", "Estonia"),
    ("compare", "--perspectives", "de-facto", "non-recognition", "Latvia"),
    ("treaty", "Treaty of Tartu"),
]


def shown(args: tuple[str, ...], data: Any) -> list[str]:
    """The texts of the answer that its table shows."""
    command = args[0]
    if command == "treaties":
        return [t["name"] for t in data["treaties"]] + [
            p["actor"]["name"] for t in data["treaties"] for p in t["parties"]
        ]
    if command == "breaches":
        return [
            x
            for b in data["breaches"]
            for x in (b["treaty"]["name"], b["clause"]["id"], b["event"]["summary"])
        ]
    if command == "holds":
        return [f["text"].split("(", 1)[1] for f in data["fluents"]] + [
            f["when"] for f in data["fluents"]
        ]
    if command == "events":
        return [e["summary"] for e in data["events"]]
    if command == "compare":
        return [
            x
            for d in data["differences"]
            for side in data["perspectives"]
            for x in (d["status"][side]["label"], *d["rules"][side])
        ]
    return [c["id"] for c in data["clauses"]] + [c["text"] for c in data["clauses"]]


@pytest.mark.parametrize("args", CASES, ids=lambda a: a[0])
def test_tables_fit_80_columns_without_splitting_a_word(args: tuple[str, ...]) -> None:
    out = cli(*args)
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 80
    assert words_whole(out, shown(args, answer(*args))) == []


def test_holds_shows_names_and_the_sources_dates() -> None:
    out = cli("holds", "Lithuania", "--on", "1950-01-01")
    assert "controlled by (Lithuania) = Soviet" in out
    assert "ussr" not in out and "kellogg-briand-pact" not in out
    assert "from 1944 until 1991" in out
    assert not re.search(r"\d{4}-\d\d-\d\d", out.split("\n", 1)[1])
    data = answer("holds", "Lithuania", "--on", "1950-01-01")
    control = next(f for f in data["fluents"] if f["fluent"] == "controlled_by")
    assert control["text"] == "controlled_by(Lithuania) = Soviet Union"
    assert control["args"] == ["lithuania"] and control["value"] == "ussr"
    assert control["when"] == "from 1944 until 1991"


def test_hypothetical_is_said_once() -> None:
    out = cli("aggressor", "USSR", "Estonia", "--assume", OVERLAY)
    tree = out.split("\n", 2)[2]
    # the overlay's event says it itself; the conclusion resting on it says it once
    assert tree.count("(hypothetical)") == 2
    events = cli("events", "--actor", "Estonia", "--assume", OVERLAY)
    assert "[hypothetical]" not in events  # its summary says "(hypothetical)" already
    assert events.count("hypothetical") == 1


def test_corpus_notes_are_shown() -> None:
    out = cli("breaches", "--by", "USSR", "--against", "Estonia")
    assert "notes:" in out
    assert "Treaty of Tartu: The source says" in out
    out = cli("treaties", "--between", "USSR", "Germany")
    assert "23 August 1939" in out


def test_self_governing_not_controlled_by_itself() -> None:
    out = cli("status", "Estonia", "--on", "1930-01-01")
    assert "self-governing" in out
    assert "controlled by  Estonia" not in out
