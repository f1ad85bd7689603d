"""`foedus ask`, third round: "did A lose its sovereignty in Y" asks for a change within Y
(Lithuania, not sovereign de facto since 1940, did not lose it in 1990), "who reoccupied /
annexed A in Y" names the actor of that act (its events, as "who invaded A" does), and "the
us" is the United States (its alias "U.S." run together after "the"), never the pronoun."""

from __future__ import annotations

import os

import pytest

from foedus.ask import answer_question, parse_question
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


def _by(question: str, kb: KnowledgeBase) -> dict[str, str]:
    return answer_question(question, kb)["verdict"]["by_perspective"]


def test_losing_sovereignty_in_a_year_is_a_change_within_it(kb: KnowledgeBase) -> None:
    # not sovereign de facto from 1940 to 1991: nothing lost in 1990, under any view
    by = _by("did lithuania lose sovereignty in 1990", kb)
    assert set(by.values()) == {"no"}
    # sovereign until mid-June 1940, certainly not by the end of 1940: lost then, de facto
    by = _by("did lithuania lose its independence in 1940", kb)
    assert by["de-facto"] == "yes" and by["non-recognition"] == "no"
    assert _by("did latvia cease to be sovereign in 1940", kb)["de-facto"] == "yes"
    # a year in which it was sovereign throughout, or regained it: no loss
    assert set(_by("did latvia lose its sovereignty in 1930", kb).values()) == {"no"}
    assert set(_by("did lithuania lose its independence in 1991", kb).values()) == {"no"}
    # a month within the window the source leaves open (June to the end of 1940): possibly
    assert _by("did lithuania lose sovereignty in july 1940", kb)["de-facto"] == "possibly"
    a = answer_question("did lithuania lose sovereignty in 1990", kb)
    assert any(n.startswith("lost read as a change") for n in a["notes"])


def test_losing_independence_with_no_year_keeps_its_reading(kb: KnowledgeBase) -> None:
    a = answer_question("did estonia lose its independence", kb)
    assert a["verdict"]["by_perspective"]["de-facto"] == "yes"
    assert a["verdict"]["by_perspective"]["non-recognition"] == "no"
    assert a["query"]["over"] == {"from": "1918-12-31", "to": "1999-12-31"}


def test_who_did_an_act_of_change_names_its_actor(kb: KnowledgeBase) -> None:
    q = parse_question("who reoccupied lithuania in 1944", kb)
    assert q.command == "events"
    assert q.args["target"] == "lithuania" and q.args["type"] == "reoccupation"
    a = answer_question("who reoccupied lithuania in 1944", kb)
    events = a["answer"]["events"]
    assert [e["id"] for e in events] == ["ussr-reoccupies-lithuania-1944"]
    assert [x["id"] for x in events[0]["actors"]] == ["ussr"]
    q = parse_question("who annexed latvia in 1940", kb)
    assert (q.command, q.args["type"]) == ("events", "annexation")
    # holding a state is still its status: who occupied it then
    assert parse_question("who occupied lithuania in 1944", kb).command == "status"


def test_the_us_is_the_united_states_but_us_is_a_pronoun(kb: KnowledgeBase) -> None:
    for question in (
        "did the us recognize the soviet annexation of latvia",
        "did the U.S. recognize the soviet annexation of latvia",
        "did the US recognize the soviet annexation of latvia",
    ):
        a = answer_question(question, kb)
        assert a["query"]["args"]["actor"] == "united-states", question
        assert a["verdict"]["answer"] == "no", question
    q = parse_question("when did the us resume relations with latvia", kb)
    assert q.args["actor"] == "united-states"
    # the pronoun names nobody
    q = parse_question("tell us about estonia", kb)
    assert q.args == {"actor": "estonia"}
    q = parse_question("show us the treaties of latvia in 1930", kb)
    assert q.args["party"] == "latvia"
