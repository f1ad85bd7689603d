"""Dates open on one side ("after 28 November 1939", "by 1922"): read, bounded by the corpus's
horizon or their record's own dates, validated, and answered with certainty "possible"."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from foedus.ask import parse_question
from foedus.ask.verdict import verdict
from foedus.corpus import load_corpus
from foedus.corpus.load import load_overlay
from foedus.errors import CorpusError
from foedus.query import KnowledgeBase

GOOD = Path(__file__).parents[1] / "corpora" / "good"
SENTENCE = "Southland occupied Northland some time after 28 November 1939."
OCCUPATION = """\
  - id: southland-occupies-northland
    type: occupation
    date: {date}
    actors: [southland]
    targets: [northland]
    summary: Southland occupies Northland.
    sources:
      - Southland occupied Northland some time after 28 November 1939.
"""
PERSPECTIVES = """\
perspectives:
  - id: de-facto
    name: De facto
    description: Who held control.
    rules: ["foedus:base", "foedus:de-facto"]
"""


def corpus(tmp_path: Path, date_text: str = "after 28 November 1939") -> Path:
    root = tmp_path / "open"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("*.py", "overlays"))
    src = next((root / "sources").glob("*.txt"))
    src.write_text(src.read_text(encoding="utf-8") + "\n" + SENTENCE + "\n", encoding="utf-8")
    events = root / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8") + OCCUPATION.format(date=date_text), encoding="utf-8"
    )
    (root / "perspectives.yaml").write_text(PERSPECTIVES, encoding="utf-8")
    return root


def test_an_open_date_reaches_the_corpus_horizon(tmp_path: Path) -> None:
    c = load_corpus(corpus(tmp_path))
    ev = next(e for e in c.events if e.id == "southland-occupies-northland")
    # the corpus's last closed date is Northland's restoration "1991"
    assert (ev.date.earliest, ev.date.latest) == (date(1939, 11, 29), date(1991, 12, 31))
    assert (ev.date.text, ev.date.open) == ("after 28 November 1939", "end")


def test_an_open_start_begins_when_every_actor_it_names_exists(tmp_path: Path) -> None:
    """Northland exists from 2 February 1920: an occupation of it "by 28 November 1939" begins
    the day after that day (docs/decisions/0014), though the corpus's horizon (Southland's
    "1900") reaches back further; an occupation of a state that does not exist yet would be
    refused."""
    c = load_corpus(corpus(tmp_path, "by 28 November 1939"))
    ev = next(e for e in c.events if e.id == "southland-occupies-northland")
    assert (ev.date.earliest, ev.date.latest) == (date(1920, 2, 3), date(1939, 11, 28))
    assert min(a.existed_from.earliest for a in c.actors if a.existed_from) == date(1900, 1, 1)
    kb = KnowledgeBase(corpus(tmp_path / "again", "by 28 November 1939"), perspective="de-facto")
    [event] = [e for e in kb.events(target="northland")["events"] if e["type"] == "occupation"]
    assert event["date"]["earliest"] == "1920-02-03"


def test_the_engine_answers_possible_between_the_known_side_and_the_horizon(
    tmp_path: Path,
) -> None:
    kb = KnowledgeBase(corpus(tmp_path), perspective="de-facto")
    before = kb.status("northland", "1939-11-28")["status"]
    assert before["occupied_by"] == []
    for day in ("1939-11-29", "1960-06-01", "1990-12-31"):
        occupied = kb.status("northland", day)["status"]["occupied_by"]
        assert [(o["value"]["id"], o["certainty"]) for o in occupied] == [
            ("southland", "possible")
        ], day
    [event] = [e for e in kb.events(target="northland")["events"] if e["type"] == "occupation"]
    assert event["date"] == {
        "earliest": "1939-11-29",
        "latest": "1991-12-31",
        "text": "after 28 November 1939",
    }


def test_ask_reads_after_as_a_range(tmp_path: Path) -> None:
    kb = KnowledgeBase(corpus(tmp_path), perspective="de-facto")
    got = parse_question("What happened to Northland after 28 November 1939?", kb)
    assert (got.args["from_"], got.args["to"]) == ("1939-11-29", None)
    # a status question over a range open on one side: the statuses at any time in it
    status = parse_question("Was Northland occupied after 28 November 1939?", kb)
    assert (status.command, status.args, status.over) == (
        "status",
        {"actor": "northland", "on": None},
        ("1939-11-29", "9999-12-31"),
    )
    assert status.notes == (
        "after 28 November 1939 read as 1939-11-29 to 9999-12-31: answered over the range",
    )
    assert verdict(status, kb)["answer"] == "possibly"  # the occupation's day is not known
    before = parse_question("Was Northland occupied before 1939?", kb)
    assert before.over == ("0001-01-01", "1938-12-31")
    assert verdict(before, kb)["answer"] == "no"
    answer = before.run(kb)
    assert (answer["on"], answer["to"]) == ("0001-01-01", "1938-12-31")
    assert answer["status"]["occupied_by"] == []
    # a point question takes the range's first day (its last, when open at the start)
    held = parse_question("What held for Northland after 28 November 1939?", kb)
    assert held.args["on"] == "1939-11-29"  # not the 28th, which is before the range
    assert held.notes == (
        "after 28 November 1939 read as 1939-11-29, the first day of 1939-11-29 to …",
    )
    by = parse_question("What held for Northland by mid-1941?", kb)
    assert by.args["on"] == "1941-08-31"


def test_a_party_leaving_by_a_day_begins_with_its_joining(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    ins = root / "instruments.yaml"
    text = ins.read_text(encoding="utf-8")
    text = text.replace(
        "      - actor: northland\n        how: signature\n        date: March 3, 1921\n",
        "      - actor: northland\n        how: signature\n        date: March 3, 1921\n"
        "        until: by 1930\n",
        1,
    )
    ins.write_text(text, encoding="utf-8")
    c = load_corpus(root)
    until = c.instruments[0].parties[0].until
    assert until is not None
    assert (until.earliest, until.latest, until.open) == (
        date(1921, 3, 3),
        date(1930, 12, 31),
        "start",
    )


def test_an_open_date_nothing_bounds_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus(tmp_path, "after 1999"))
    [line] = [x for x in info.value.report().splitlines() if "open at its end" in x]
    assert line.endswith(
        "events.yaml:35:11: event 'southland-occupies-northland': date 'after 1999' is open "
        "at its end, and no closed date of the corpus reaches past 2000-01-01 to bound it; "
        "give both ends ({earliest: …, latest: …, text: 'after 1999'})"
    )


def test_an_open_date_past_its_record_is_a_validation_error(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    ins = root / "instruments.yaml"
    text = ins.read_text(encoding="utf-8").replace(
        "    in_force: mid-April 1921\n", "    in_force: mid-April 1921\n    ended: 1930\n", 1
    )
    text = text.replace("        date: March 3, 1921\n", "        date: after 1935\n", 1)
    ins.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    assert (
        "instrument 'treaty-of-harbour': date 'after 1935' is open at its end, and the "
        "instrument's own date '1930' does not reach past 1936-01-01 to bound it"
    ) in info.value.report()


def test_an_overlay_widens_the_horizon_without_changing_the_corpus(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    base = load_corpus(root)
    overlay = tmp_path / "later.yaml"
    overlay.write_text(
        "events:\n  - id: later\n    type: withdrawal\n    date: 2001\n"
        "    actors: [southland]\n    targets: [northland]\n    summary: Southland leaves.\n",
        encoding="utf-8",
    )
    both = load_overlay(overlay, base)
    [ev] = [e for e in both.events if e.id == "southland-occupies-northland"]
    assert ev.date.latest == date(2001, 12, 31)
    [ev] = [e for e in base.events if e.id == "southland-occupies-northland"]
    assert ev.date.latest == date(1991, 12, 31)


def test_exports_give_an_open_date_only_its_known_bound(tmp_path: Path) -> None:
    from foedus.interop.exports import network
    from foedus.interop.rdf import graph

    c = load_corpus(corpus(tmp_path))
    g = graph(c)
    bounds = {
        str(p).rsplit("#", 1)[-1]: str(o)
        for s, p, o in g
        if str(s).endswith("event/southland-occupies-northland") and "date" in str(p)
    }
    assert bounds == {"dateEarliest": "1939-11-29", "dateText": "after 28 November 1939"}
    root = corpus(tmp_path / "b")
    ins = root / "instruments.yaml"
    ins.write_text(
        ins.read_text(encoding="utf-8").replace(
            "    in_force: mid-April 1921\n",
            "    in_force: mid-April 1921\n    ended: after 1939\n",
        ),
        encoding="utf-8",
    )
    node = network(load_corpus(root)).nodes["instrument:treaty-of-harbour"]
    assert (node["ended"], node["ended_earliest"]) == ("after 1939", "1940-01-01")
    assert "ended_latest" not in node
