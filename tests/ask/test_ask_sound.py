"""`foedus ask` on a corpus its authors never wrote: a fictional Sound (tests/ask/sound-corpus),
written from docs/corpus-format.md alone — a kingdom and its successor republic, a state
annexed in 1938 and restored in 1991, a bilateral non-aggression treaty denounced in 1937, a
convention joined by accession and left by withdrawal, a convention defining aggression.

Each test pins a wrong answer a historian got from it (the question, what it answered, what
it should have answered)."""

from __future__ import annotations

from typing import Any

import pytest

from foedus.ask import QuestionError, answer_question, parse_question
from foedus.query import KnowledgeBase
from small_corpora import sound_corpus


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return KnowledgeBase(sound_corpus(tmp_path_factory.mktemp("sound")))


def _verdict(question: str, kb: KnowledgeBase) -> dict[str, Any]:
    verdict = answer_question(question, kb)["verdict"]
    assert verdict is not None, question
    return verdict


# --- "was A a party to T?" ---------------------------------------------------------------
# It was read as the status of A ("was Lumeland a ..." → is Lumeland sovereign?), and answered
# yes for any sovereign state: Lumeland withdrew from the convention on 14 May 1936, Tarvia
# acceded to the Vardholm Convention only in October 1934.


@pytest.mark.parametrize(
    ("question", "query", "answer"),
    [
        (
            "Was Lumeland a party to the Convention on Neutral Shipping in the Sound in 1937?",
            "treaties party=lumeland from=1937-01-01 to=1937-12-31 "
            "[instrument=neutral-shipping-convention] (de-facto)",
            "no",
        ),
        (
            "Was Lumeland party to the Neutral Shipping Convention in 1935?",
            "treaties party=lumeland from=1935-01-01 to=1935-12-31 "
            "[instrument=neutral-shipping-convention] (de-facto)",
            "yes",
        ),
        (
            "Was Lumeland party to the Neutral Shipping Convention on 1 June 1936?",
            "treaties party=lumeland on=1936-06-01 [instrument=neutral-shipping-convention] "
            "(de-facto)",
            "no",
        ),
        (
            "Was Tarvia a party to the Vardholm Convention in 1933?",
            "treaties party=tarvia from=1933-01-01 to=1933-12-31 "
            "[instrument=vardholm-convention] (de-facto)",
            "no",
        ),
        (
            "Did Tarvia join the Vardholm Convention?",
            "treaties party=tarvia [instrument=vardholm-convention] (de-facto)",
            "yes",
        ),
    ],
)
def test_party_to_an_instrument(kb: KnowledgeBase, question: str, query: str, answer: str) -> None:
    assert parse_question(question, kb).describe() == query
    assert _verdict(question, kb)["answer"] == answer


def test_party_to_an_instrument_in_the_bundled_corpus(kb_factory: Any) -> None:
    """The same form on the Baltic corpus; the parties of an instrument named alone stay
    the instrument's answer."""
    baltic = kb_factory()
    got = parse_question("Was Estonia a party to the Kellogg-Briand Pact in 1930?", baltic)
    assert got.describe() == (
        "treaties party=estonia from=1930-01-01 to=1930-12-31 "
        "[instrument=kellogg-briand-pact] (de-facto)"
    )
    got = parse_question("Who were the parties to the Kellogg-Briand Pact?", baltic)
    assert got.describe() == "treaty name=kellogg-briand-pact (de-facto)"


# --- the words of acts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "query"),
    [
        # "blockades" was no act: every event of 1938 was listed
        (
            "Which blockades happened in 1938?",
            "events type=naval_blockade from=1938-01-01 to=1938-12-31 (de-facto)",
        ),
        (
            "Were there any declarations of war in 1939?",
            "events type=declaration_of_war from=1939-01-01 to=1939-12-31 (de-facto)",
        ),
        # "denounce" was no act: "which treaties did Valdmark denounce" listed every treaty
        (
            "Which treaties did Valdmark denounce?",
            "events actor=valdmark type=denunciation (de-facto)",
        ),
    ],
)
def test_act_words(kb: KnowledgeBase, question: str, query: str) -> None:
    assert parse_question(question, kb).describe() == query


# --- "the non-aggression treaty" ------------------------------------------------------------


def test_the_tail_of_one_instruments_name_names_it(kb: KnowledgeBase) -> None:
    """ "the non-aggression treaty" named nothing: the question was read as "did the invasion
    breach any treaty" and answered yes (it breached the Vardholm Convention), though the
    non-aggression treaty had been denounced three months before."""
    q = "Did the invasion of Skarvia breach the non-aggression treaty?"
    assert parse_question(q, kb).args["treaty"] == "valdmark-skarvia-non-aggression-treaty"
    assert _verdict(q, kb)["answer"] == "no"
    # "a non-aggression treaty" is any: the treaties between the two
    q = "Did Valdmark and Skarvia sign a non-aggression treaty?"
    assert parse_question(q, kb).describe() == "treaties between=valdmark,skarvia (de-facto)"


def test_a_tail_several_names_share_is_read_by_the_actors_named(kb_factory: Any) -> None:
    baltic = kb_factory()
    got = answer_question("Did the invasion of Estonia breach the non-aggression treaty?", baltic)
    assert got["query"]["args"]["treaty"] == "soviet-estonian-non-aggression-treaty"
    assert (
        "read 'the non-aggression treaty' as Soviet–Estonian Non-Aggression Treaty"
        in (got["notes"])
    )
    with pytest.raises(QuestionError, match=r"^which non-aggression treaty\? \(Soviet–"):
        parse_question("Did the USSR breach the non-aggression treaty?", baltic)


# --- leaving an instrument ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Did Lumeland withdraw from the Neutral Shipping Convention?", "yes"),
        ("Did Orsund withdraw from the Neutral Shipping Convention?", "no"),
        ("Was the non-aggression treaty denounced?", "yes"),
        ("Did Valdmark denounce the Treaty of Kalvo?", "no"),
    ],
)
def test_did_a_party_leave(kb: KnowledgeBase, question: str, answer: str) -> None:
    """Answered with the instrument and no verdict at all."""
    assert _verdict(question, kb)["answer"] == answer


def test_when_was_it_denounced(kb: KnowledgeBase) -> None:
    """The notes gave the signature and entry into force only."""
    notes = answer_question("When was the Valdmark-Skarvian Non-Aggression Treaty denounced?", kb)[
        "notes"
    ]
    assert "Kingdom of Valdmark: signature 12 March 1926, until late November 1937" in notes
    notes = answer_question("When did Valdmark denounce the non-aggression treaty?", kb)["notes"]
    assert "Kingdom of Valdmark: signature 12 March 1926, until late November 1937" in notes


# --- a successor did it ---------------------------------------------------------------------


def test_when_a_successor_did_it(kb: KnowledgeBase) -> None:
    """ "Valdmark" is the Kingdom; the last troops left in 1994, under its successor, the
    Republic: the answer was "no event in the corpus matches"."""
    got = answer_question("When did the last Valdmark troops leave Skarvia?", kb)
    assert got["query"]["args"]["actor"] == "valdmark-republic"
    assert [e["id"] for e in got["answer"]["events"]] == ["republic-withdraws-skarvia-1994"]
    assert (
        "no event of Kingdom of Valdmark matches; read as Valdmark Republic, its successor"
        in got["notes"]
    )
    # the Kingdom's own acts stay the Kingdom's
    got = answer_question("When did Valdmark invade Skarvia?", kb)
    assert got["query"]["args"]["actor"] == "valdmark"


# --- days no calendar has -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "day"),
    [
        # read as "February 1938": yes, answered over the month
        ("Was Skarvia occupied on 30 February 1938?", "30 February 1938"),
        # read as the year 1938
        ("Was Skarvia occupied on 31/04/1938?", "31/04/1938"),
        ("What happened on 30.2.1938?", "30.2.1938"),
        ("What happened on the 31st of June 1940?", "the 31st of June 1940"),
        ("What happened on June the 31st, 1940?", "June the 31st, 1940"),
        # refused, but as "could not understand 'February'"
        ("What happened on February 30, 1938?", "February 30, 1938"),
    ],
)
def test_a_day_no_calendar_has_is_refused(kb: KnowledgeBase, question: str, day: str) -> None:
    with pytest.raises(QuestionError) as e:
        parse_question(question, kb)
    assert str(e.value).startswith(f'could not understand "{day}" in ')
    assert ": no such day; try: " in str(e.value)


def test_days_that_exist_are_read(kb: KnowledgeBase) -> None:
    assert parse_question("What happened on 29 February 1940?", kb).args["from_"] == "1940-02-29"
    assert parse_question("What happened on 6/15/1940?", kb).args["from_"] == "1940-06-15"


def test_what_happened_in_a_state_is_what_it_did_and_what_was_done_to_it() -> None:
    """The bundled corpus: "in Lithuania" names a place, not a target; Lithuania's own 1990
    elections and declaration are among what happened in it (they name it as actor and no
    target, and were missed), beside what was done to it. "to Lithuania" keeps its target."""
    kb = KnowledgeBase()
    inside = answer_question("What happened in Lithuania in 1990?", kb)
    assert inside["query"]["filter"] == {"involving": "lithuania"}
    ids = [e["id"] for e in inside["answer"]["events"]]
    assert {"lithuania-elections-1990", "ussr-coup-attempt-lithuania"} <= set(ids)
    for e in inside["answer"]["events"]:
        assert "lithuania" in {a["id"] for a in (*e["actors"], *e["targets"])}
    to = answer_question("What happened to Lithuania in 1990?", kb)
    assert to["query"]["args"]["target"] == "lithuania"
    assert "lithuania-elections-1990" not in [e["id"] for e in to["answer"]["events"]]


def test_attack_names_any_armed_attack_an_invasion_too() -> None:
    """The bundled corpus types the Soviet entry of June 1940 as an invasion: "Did the USSR
    attack Estonia in 1940?" answered "no" on the narrow type ``attack``. The verb reads as the
    corpus's smallest category holding ``attack`` with other acts (Article II's five), and
    says so in a note; the order of first acts (the aggressor) is asked as before."""
    kb = KnowledgeBase()
    got = answer_question("Did the USSR attack Estonia in 1940?", kb)
    assert got["verdict"]["answer"] == "yes"
    types = got["query"]["filter"]["event_type"]
    assert {"attack", "invasion"} <= set(types) and "occupation" not in types
    assert any("category aggression" in n for n in got["notes"])
    assert any(e["type"] == "invasion" for e in got["answer"]["events"])
    first = answer_question("Who attacked first, Estonia or the USSR, in 1940?", kb)
    assert first["query"]["command"] == "aggressor"
