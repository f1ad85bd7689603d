"""Plain words first (issue 17, point 5): an explanation starts with a summary in words and
the quote it turns on; the rules in the rule language only with ``--rules``; dates as the
source gives them, never a day derived from a fuzzy date."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(_cache: None) -> KnowledgeBase:
    return KnowledgeBase()


def cli(*args: str) -> str:
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    return r.stdout


def conclusions(tree: dict[str, Any]) -> list[str]:
    return [tree["conclusion"]] + [c for p in tree["premises"] for c in conclusions(p)]


def verbatim(kb: KnowledgeBase, quote: dict[str, Any]) -> bool:
    text = " ".join(kb.corpus.sources[quote["source"]].split())
    return " ".join(quote["quote"].split()) in text


def test_status_summary_names_the_decisive_event_and_quotes_it(kb: KnowledgeBase) -> None:
    s = kb.status("Lithuania", "1950-01-01")["summary"]
    assert s["text"] == (
        "In the de-facto view, Lithuania on 1950-01-01 was part of Soviet Union, since 1944: "
        "The Soviet Union reoccupies Lithuania from Nazi Germany, ending German control."
    )
    assert verbatim(kb, s["quote"])
    assert "1944" in s["quote"]["quote"]


def test_non_recognition_summary_quotes_the_breached_clause(kb: KnowledgeBase) -> None:
    s = kb.with_perspective("non-recognition").status("Estonia", "1960-01-01")["summary"]
    assert s["text"].startswith(
        "In the non-recognition view, Estonia on 1960-01-01 was a sovereign state, under "
        "occupation by Soviet Union: The Soviet Union grants the admission request and annexes "
        "Estonia (1940) did not end its sovereignty, because it breached "
    )
    assert "Treaty of Tartu" in s["text"]
    assert verbatim(kb, s["quote"])


def test_an_open_date_is_named_as_the_source_gives_it(kb: KnowledgeBase) -> None:
    s = kb.status("Lithuania", "1941-03-01")["summary"]
    assert "the source dates it only “1941”" in s["text"]
    assert verbatim(kb, s["quote"])


def test_fluents_hold_from_the_source_dates_not_derived_days(kb: KnowledgeBase) -> None:
    """``sovereign(estonia) holds from 1918`` (the source: "1918"), never "from 1918-12-31";
    the occupation, derived from control, takes its dates from it."""
    nr = kb.with_perspective("non-recognition")
    found = conclusions(nr.status("Estonia", "1960-01-01")["explanation"])
    assert "sovereign(estonia) holds from 1918" in found
    assert "controlled_by(estonia) = ussr holds from 1944 until 1991" in found
    assert "occupied_by(estonia) = ussr holds from 1944 until 1991" in found
    derived = [c for c in found if re.search(r"holds .*\d{4}-\d\d-\d\d", c)]
    assert derived == []
    found = conclusions(kb.status("Lithuania", "1941-03-01")["explanation"])
    assert "controlled_by(lithuania) = germany holds in 1941" in found


@pytest.mark.parametrize(
    ("args", "quote_word"),
    [
        (["breach", "ussr-annexes-estonia-1940", "treaty-of-tartu"], "for eternity"),
        (["aggressor", "USSR", "Estonia"], "mid-June 1940"),
    ],
)
def test_explain_starts_with_the_summary(
    kb: KnowledgeBase, args: list[str], quote_word: str
) -> None:
    data = kb.explain(args[0], args[1:])
    assert quote_word in data["summary"]["quote"]["quote"]
    assert verbatim(kb, data["summary"]["quote"])
    out = cli("explain", *args)
    assert out.splitlines()[0] == data["summary"]["text"]
    assert f"“{data['summary']['quote']['quote']}”" in out.splitlines()[1]


def test_rule_syntax_only_with_rules() -> None:
    args = ["explain", "status", "Lithuania", "--on", "1950-01-01"]
    plain = cli(*args)
    assert "initiated controlled_by(X)" not in plain
    assert "rule: perspective" not in plain
    assert plain.startswith("In the de-facto view, Lithuania on 1950-01-01 was part of")
    ruled = cli(*args, "--rules")
    assert "rule: control_by_reoccupation: initiated controlled_by(X) = Y when" in ruled
    assert ruled.splitlines()[0] == plain.splitlines()[0]
    # a clause's rule is in words: always shown
    breach = cli("explain", "breach", "ussr-annexes-estonia-1940", "treaty-of-tartu")
    assert "rule: Treaty of Tartu, clause renunciation (renunciation)" in breach
    # the JSON keeps every rule
    data = json.loads(cli(*args, "--json"))
    assert any(
        "initiated controlled_by(X)" in (p["rule"] or "") for p in data["explanation"]["premises"]
    )


def _rows_of_table(out: str) -> list[list[str]]:
    """The cells of the first table of a rich view: ``│ a │ b │`` lines, one list each."""
    return [
        [c.strip() for c in line.strip("│ ").split("│")]
        for line in out.split("events")[0].splitlines()
        if line.startswith("│")
    ]


def test_timeline_periods_are_bounded_in_the_source_words() -> None:
    """``foedus timeline Lithuania``: each period starts and ends as the source dates what
    changed it ("1918", "mid-June 1940", "1941"), never a day derived from a fuzzy date."""
    rows = [r for r in _rows_of_table(cli("timeline", "Lithuania")) if r[0] or r[1]]
    bounds = [(r[0], r[1]) for r in rows]
    assert bounds[:3] == [("1918", "1918"), ("1918", "mid-June 1940"), ("mid-June 1940",) * 2]
    assert ("1941", "1944") in bounds and ("1944", "1991") in bounds
    assert bounds[-1] == ("1991", "…")
    assert not [b for b in bounds if re.search(r"\d{4}-\d\d-\d\d", " ".join(b))]
    # the JSON gives the engine's days and, as a Date's text, the source's words: the first
    # certain period from 1918-12-31, "1918" as the source says, until "mid-June 1940"
    data = json.loads(cli("timeline", "Lithuania", "--json"))
    first = data["periods"][1]
    assert first["from"] == {"earliest": "1918-12-31", "latest": "1918-12-31", "text": "1918"}
    assert (first["to"]["latest"], first["to"]["text"]) == ("1940-06-10", "mid-June 1940")
    assert [[p["from"]["text"], (p["to"] or {}).get("text", "…")] for p in data["periods"]] == [
        list(b) for b in bounds
    ]


def test_compare_ranges_are_bounded_in_the_source_words() -> None:
    out = cli("compare", "--perspectives", "de-facto", "non-recognition", "Lithuania")
    heads = [line for line in out.splitlines() if line.startswith("Lithuania, ")]
    assert heads[0] == "Lithuania, mid-June 1940 to mid-June 1940"
    assert "Lithuania, 1944 to 1991" in heads
    assert not [h for h in heads if re.search(r"\d{4}-\d\d-\d\d", h)]
    data = json.loads(
        cli("compare", "--perspectives", "de-facto", "non-recognition", "Lithuania", "--json")
    )
    assert data["differences"][0]["from"]["earliest"] == "1940-06-11"
    assert data["differences"][0]["from"]["text"] == "mid-June 1940"
    texts = [(d["from"]["text"], d["to"]["text"]) for d in data["differences"]]
    assert ("1944", "1991") in texts
    assert not [t for t in texts if re.search(r"\d{4}-\d\d-\d\d", " ".join(t))]


def test_a_bound_no_record_dates_is_the_engine_day(kb: KnowledgeBase) -> None:
    """Finland's one period starts where the data does: no record dates it, so the day."""
    from foedus.query.status import periods_in_words

    answer = kb.timeline("Finland")
    assert periods_in_words(kb, answer) == [[answer["periods"][0]["from"]["earliest"], "…"]]


def test_an_actor_that_ends_an_interval_is_named_with_its_end(kb: KnowledgeBase) -> None:
    # de facto, Estonia was part of the Soviet Union from 1944 until the Union's end in 1991
    # (actors.yaml: ussr existed_from "1922", existed_to "1991"); the premise that ends the
    # interval says when the actor ceased to exist, not only when it began
    answer = kb.status(actor="Estonia", on="1960-01-01")
    said = conclusions(answer["explanation"])
    assert "ended by: Soviet Union exists from 1922 until 1991 [actor ussr]" in said
    assert not any(c.startswith("ended by: Soviet Union exists from 1922 [") for c in said)
    # an actor with no end is named by its beginning alone (the README's example)
    free = conclusions(kb.status(actor="Estonia", on="1930-01-01")["explanation"])
    assert "started by: Estonia exists from 1918 [actor estonia]" in free


def test_a_clause_is_named_by_its_article_as_written(kb: KnowledgeBase) -> None:
    """ "Article" goes before a bare number or numeral, not before an article that names
    itself: the Convention's "Annex to Article III" was shown as "Article Annex to Article
    III", a clause written "Article 2" or "Art. 2" as "Article Article 2"."""
    from foedus.query.nodes import clause_node

    ins = "convention-for-the-definition-of-aggression"
    annex = clause_node(kb, ins, "annex-to-art-3", "x")["rule"]
    assert "Annex to Article III clause annex-to-art-3" in annex
    assert "Article Annex" not in annex
    listed = kb.aggressor("USSR", "Estonia")["rule"]
    assert listed == (
        "first to have committed one of the acts listed in Article II of the 1933 Convention"
    )


def test_a_status_outside_the_actor_s_existence_says_so(kb: KnowledgeBase) -> None:
    """Before Estonia existed (the corpus dates its existence from 1918) it was "not
    sovereign", and the summary says why, not only that."""
    s = kb.status("Estonia", "1910-01-01")
    assert s["status"]["label"] == "not sovereign"
    assert s["summary"]["text"] == (
        "In the de-facto view, Estonia on 1910-01-01 was not sovereign: the corpus has it "
        "exist from 1918."
    )


def test_a_row_from_an_undated_beginning_says_so(kb: KnowledgeBase) -> None:
    """An actor the corpus gives no `existed_from` holds its rows from the engine's first
    day, which no source gives: said as such, not as "from 1800-01-01"."""
    undated = [a.id for a in kb.corpus.actors if a.existed_from is None and a.kind == "state"]
    assert undated, "the bundled corpus has a state with no existed_from"
    tree = kb.explain("status", [undated[0]], on="1930-01-01")["explanation"]
    text = " ".join(conclusions(tree))
    assert "1800-01-01" not in text
    assert "from the start (the corpus dates no beginning)" in text


def test_a_breach_binds_in_a_fuzzy_date_not_on_it(kb: KnowledgeBase) -> None:
    """The invasion is dated "mid-June 1940", which is no one day: the treaty bound the USSR
    towards Estonia *in* mid-June 1940 (an exact date is *on* its day)."""
    tree = kb.explain(
        "breach", ["ussr-invades-estonia-1940", "soviet-estonian-non-aggression-treaty"]
    )["explanation"]
    text = " ".join(conclusions(tree))
    assert "bound Soviet Union towards Estonia in mid-June 1940" in text
    assert "on mid-June" not in text
