"""`foedus ask`: a kind of treaty named without its article ("when did Estonia sign
non-aggression treaty with USSR") is read as with "the" or "a" in a question asking for a
date: the one instrument of the actors named whose name ends so, not every instrument
between them."""

from __future__ import annotations

import os

import pytest

from foedus.ask import answer_question, parse_question
from foedus.query import KnowledgeBase

ESTONIAN = "soviet-estonian-non-aggression-treaty"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


@pytest.mark.parametrize(
    "question",
    [
        "when did Estonia sign non-aggression treaty with USSR",
        "when did Estonia sign non-aggression pact with USSR",
        "When did Estonia sign non aggression pact with the Soviet Union?",
        # with the article, as before
        "when did Estonia sign the non-aggression treaty with the USSR",
    ],
)
def test_a_bare_treaty_phrase_names_the_one_treaty(kb: KnowledgeBase, question: str) -> None:
    a = answer_question(question, kb)
    assert a["query"]["command"] == "treaty", question
    assert a["query"]["args"]["name"] == ESTONIAN
    assert a["answer"]["id"] == ESTONIAN
    assert a["answer"]["signed"]["earliest"] == "1932-05-04"
    assert any(
        n.endswith("as Soviet–Estonian Non-Aggression Treaty") and n.startswith("read '")
        for n in a["notes"]
    )
    assert "Soviet–Estonian Non-Aggression Treaty: signed May 4, 1932 (1932-05-04)" in a["notes"]


def test_a_bare_phrase_of_another_pair_and_kind(kb: KnowledgeBase) -> None:
    q = parse_question("when did Latvia sign non-aggression pact with the Soviets", kb)
    assert q.describe() == "treaty name=soviet-latvian-non-aggression-treaty (de-facto)"
    q = parse_question("when was mutual assistance pact with Latvia signed", kb)
    assert q.describe() == "treaty name=soviet-latvian-mutual-assistance-pact (de-facto)"


def test_other_readings_still_list_every_instrument(kb: KnowledgeBase) -> None:
    for question in (
        "which treaties did Estonia sign with the USSR",
        "treaties between Estonia and the USSR",
    ):
        a = answer_question(question, kb)
        assert a["query"]["command"] == "treaties", question
        assert a["query"]["args"]["between"] == ["estonia", "ussr"]
        listed = {t["id"] for t in a["answer"]["treaties"]}
        assert len(listed) > 1 and ESTONIAN in listed, question
    # a yes/no question keeps the bare phrase as any such treaty, as it does "a"
    q = parse_question("did Estonia sign non-aggression treaty with USSR", kb)
    assert q.command == "treaties"
    # several such instruments of the one actor named: no instrument is picked
    q = parse_question("when did the USSR sign mutual assistance pact", kb)
    assert q.command == "treaties"
