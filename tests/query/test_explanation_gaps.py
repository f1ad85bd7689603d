"""Steps an explanation left out, or a sentence that misleads, on the bundled corpus: why a
territory was part of the party an act was against, why an act is one the 1933 Convention
lists, why two states shared no treaty, since when a status named holds, and which words an
aggressor answer turns on.

Each test names the command that showed the gap; every quote is checked against the source."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from foedus.query import KnowledgeBase

OVERLAYS = Path(__file__).resolve().parent.parent / "overlays"

#: The source's words for Article II's second item, as instruments.yaml records its clause.
SECOND = (
    "Second—invasion by armed forces of the territory of another State even without a "
    "declaration of war."
)
FIRST = "First—a declaration of war on another State."
#: The source's words for the Convention's no-justification clause (its "Article III").
ARTICLE_III = (
    "no political, military, economic or other considerations may serve as an excuse or "
    "justification for the aggression referred to in Article II."
)
#: The source's words for the annexation of 1940 (event ussr-annexes-estonia-1940).
ADMISSION = "requested admission into the USSR, which was granted by the Soviet Union"


@pytest.fixture(scope="module")
def kb(kb_factory: Any) -> KnowledgeBase:
    return kb_factory()


def nodes(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [tree, *(n for p in tree["premises"] for n in nodes(p))]


def verbatim(kb: KnowledgeBase, quote: dict[str, Any]) -> bool:
    text = " ".join(kb.corpus.sources[quote["source"]].split())
    return " ".join(quote["quote"].split()) in text


def test_a_breach_via_a_territory_says_why_it_was_part_of_the_victim(kb: KnowledgeBase) -> None:
    """`foedus explain breach germany-invades-estonia-1941 kellogg-briand-pact` (and `foedus
    breaches --by Germany --json`): "Kellogg–Briand Pact bound Germany towards Soviet Union in
    1941 (Estonia being part of Soviet Union)" gave no reason for "part of". The 1940
    annexation that made Estonia part of the Soviet Union (de facto) is the step below it."""
    found = kb.breaches(by="Germany")["breaches"]
    of_estonia = [b for b in found if b["event"]["id"] == "germany-invades-estonia-1941"]
    assert of_estonia
    for b in found:
        bound = next(
            n for n in b["explanation"]["premises"] if " bound Germany " in n["conclusion"]
        )
        assert "being part of Soviet Union" in bound["conclusion"]
        part = [n for n in bound["premises"] if n["conclusion"].startswith("part_of(")]
        assert part, bound["conclusion"]
    tree = of_estonia[0]["explanation"]
    bound = next(n for n in tree["premises"] if " bound Germany " in n["conclusion"])
    part = next(n for n in bound["premises"] if n["conclusion"].startswith("part_of(estonia)"))
    assert part["conclusion"].startswith("part_of(estonia) = ussr holds from 1940")
    assert part["rule"].startswith("annexed_into: ")
    started = next(n for n in part["premises"] if n["conclusion"].startswith("started by: "))
    assert "[event ussr-annexes-estonia-1940]" in started["conclusion"]
    assert ADMISSION in [q["quote"] for q in started["sources"]]
    assert all(verbatim(kb, q) for n in nodes(part) for q in n["sources"])

    # under the soviet perspective the same step is its own rule's (admitted_into)
    soviet = kb.with_perspective("soviet").explain(
        "breach", ["germany-invades-estonia-1941", "kellogg-briand-pact"]
    )["explanation"]
    rules = [n["rule"] or "" for n in nodes(soviet) if n["conclusion"].startswith("part_of(")]
    assert rules and all(r.startswith("admitted_into: ") for r in rules)


def test_a_breach_of_the_party_itself_has_no_part_of_step(kb: KnowledgeBase) -> None:
    tree = kb.explain("breach", ["ussr-annexes-estonia-1940", "treaty-of-tartu"])["explanation"]
    assert not any(n["conclusion"].startswith("part_of(") for n in nodes(tree))


def test_the_aggressor_s_act_rests_on_the_item_that_lists_it(kb: KnowledgeBase) -> None:
    """`foedus explain aggressor ussr estonia`: "first to commit invasion" quoted only the
    opening of Article II ("... the first to have committed one of the following actions:"),
    never the item that makes an invasion one of them."""
    tree = kb.aggressor("USSR", "Estonia")["explanation"]
    act = next(n for n in tree["premises"] if n["conclusion"].startswith("first act of Soviet"))
    item = next(n for n in act["premises"] if "listed in Article II" in n["conclusion"])
    assert item["conclusion"] == "invasion is one of the acts listed in Article II"
    assert [q["quote"] for q in item["sources"]] == [SECOND]
    assert verbatim(kb, item["sources"][0])
    assert item["rule"] == (
        "Convention for the Definition of Aggression, Article II clause art-2-second (prohibition)"
    )


def test_an_aggressor_via_a_territory_says_why_it_was_part_of_the_other(
    kb: KnowledgeBase,
) -> None:
    """`foedus explain aggressor germany ussr`: "(Estonia, then part of Soviet Union)", with
    the annexation that made it so."""
    tree = kb.aggressor("Germany", "USSR")["explanation"]
    act = next(n for n in tree["premises"] if n["conclusion"].startswith("first act of Germany"))
    assert "then part of Soviet Union" in act["conclusion"]
    said = [n["conclusion"] for n in act["premises"]]
    assert "invasion is one of the acts listed in Article II" in said
    part = next(n for n in act["premises"] if n["conclusion"].startswith("part_of("))
    assert any(ADMISSION == q["quote"] for n in nodes(part) for q in n["sources"])


def test_an_assumed_invasion_s_summary_quotes_the_act_not_the_excuse() -> None:
    """`foedus explain aggressor ussr estonia --assume tests/overlays/invasion-justified.yaml`:
    the summary quoted the no-justification clause; the act (assumed, without a quote of its
    own) is an invasion, Article II's second item."""
    kb = KnowledgeBase(assume=OVERLAYS / "invasion-justified.yaml")
    s = kb.explain("aggressor", ["ussr", "estonia"])["summary"]
    assert s["text"] == "Soviet Union is the aggressor: first to commit invasion (mid-June 1940)."
    assert s["quote"]["quote"] == SECOND
    assert ARTICLE_III not in s["quote"]["quote"]
    assert verbatim(kb, s["quote"])


def test_an_aggressor_s_summary_quotes_its_own_act() -> None:
    """`foedus explain aggressor ussr estonia --assume tests/overlays/estonia-declares-war.yaml`:
    "Estonia is the aggressor: first to commit declaration of war" quoted the Soviet invasion
    (the first act with a quote, of the other side); Estonia's act is Article II's first item."""
    kb = KnowledgeBase(assume=OVERLAYS / "estonia-declares-war.yaml")
    s = kb.explain("aggressor", ["ussr", "estonia"])["summary"]
    assert s["text"].startswith("Estonia is the aggressor: first to commit declaration of war")
    assert s["quote"]["quote"] == FIRST
    assert verbatim(kb, s["quote"])


def test_an_empty_treaties_answer_says_why(kb: KnowledgeBase) -> None:
    """`foedus treaties --between USSR Estonia --on 1941-03-01` (de facto) listed 0
    instruments without a reason: Estonia, annexed in 1940, was sovereign no longer in that
    view, and its rules make a party only of a sovereign state (party_while_sovereign)."""
    from foedus.query.treaties import why_none

    assert kb.treaties(between=["USSR", "Estonia"], on="1941-03-01")["treaties"] == []
    why = why_none(kb, ("USSR", "Estonia"), None, date(1941, 3, 1))
    assert why is not None
    assert why.startswith("Estonia had joined instruments in force on 1941-03-01 (Treaty of Tartu")
    assert "because it was not sovereign in that view: its sovereignty ended with " in why
    annexation = kb.event("ussr-annexes-estonia-1940")
    assert f"{annexation.summary.rstrip('.')} ({annexation.date.text})" in why
    assert kb.rule_text("party_while_sovereign") in why
    assert why_none(kb, None, "Estonia", date(1941, 3, 1)) == why

    # no such reason where it was sovereign, or the two shared nothing
    nr = kb.with_perspective("non-recognition")
    assert nr.treaties(between=["USSR", "Estonia"], on="1941-03-01")["treaties"]
    assert why_none(nr, ("USSR", "Estonia"), None, date(1941, 3, 1)) is None
    assert why_none(kb, ("USSR", "Estonia"), None, date(1919, 1, 1)) is None


def test_since_names_the_start_of_what_the_sentence_names(kb: KnowledgeBase) -> None:
    """`foedus explain status Lithuania --on 1950-01-01 --perspective soviet` read "part of
    Soviet Union, since 1944: The Soviet Union reoccupies Lithuania ...", the start of Soviet
    control; in that view Lithuania was part of the Soviet Union since its admission in 1940."""
    s = kb.with_perspective("soviet").status("Lithuania", "1950-01-01")["summary"]
    assert s["text"] == (
        "In the soviet view, Lithuania on 1950-01-01 was part of Soviet Union, since 1940: "
        "The Soviet Union grants the admission request and annexes Lithuania."
    )
    assert s["quote"]["quote"] == ADMISSION
    assert verbatim(kb, s["quote"])
    # de facto it was part of it anew from the reoccupation of 1944; an occupation is dated
    # by the control it is read from
    assert kb.status("Lithuania", "1950-01-01")["summary"]["text"] == (
        "In the de-facto view, Lithuania on 1950-01-01 was part of Soviet Union, since 1944: "
        "The Soviet Union reoccupies Lithuania from Nazi Germany, ending German control."
    )
    assert kb.status("Latvia", "1943-01-01")["summary"]["text"] == (
        "In the de-facto view, Latvia on 1943-01-01 was part of Reichskommissariat Ostland, "
        "under occupation by Germany, since 1941: Germany occupies Latvia."
    )
