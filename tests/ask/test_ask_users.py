"""`foedus ask` as a school student, a journalist and an international-law scholar type it:
decades in two digits, a time word before what names no date, a misspelt act, "in A" as a
place, "the treaty with A", "the 1933 convention", "did A cease to be sovereign"."""

from __future__ import annotations

import os

import pytest

from foedus.ask import QuestionError, answer_question, parse_question
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


def test_a_decade_in_two_digits_is_the_corpus_century(kb: KnowledgeBase) -> None:
    q = parse_question("was estonia still occupied in the 80s", kb)
    assert q.describe() == "status actor=estonia from=1980-01-01 to=1989-12-31 (de-facto)"
    v = answer_question("was estonia still occupied in the 80s", kb)["verdict"]
    assert v["by_perspective"] == {"de-facto": "no", "non-recognition": "yes", "soviet": "no"}
    q = parse_question("was lithuania independent in the late 80s", kb)
    assert q.over == ("1986-01-01", "1989-12-31")
    q = parse_question("what treaties did latvia have in the '30s", kb)
    assert q.over == ("1930-01-01", "1939-12-31")
    # the latest decade of that name begun by the corpus's last year
    from foedus.ask.dates import decade_year

    assert decade_year(2, 1999) == 1920
    assert decade_year(8, 2005) == 1980
    assert decade_year(0, 2005) == 2000
    assert decade_year(8, None) == 1980


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("was lithuania occupied right after the war", "after the war"),
        ("what happened to estonia during world war ii", "during world war ii"),
        # the source's "After World War II, ... mass deportations were concluded" dates the
        # deportations after the war, not the war
        ("what happened to estonia after World War II", "after World War II"),
        ("what happened before that", "before that"),
    ],
)
def test_a_time_word_before_no_date_is_refused(kb: KnowledgeBase, question: str, part: str) -> None:
    with pytest.raises(QuestionError) as e:
        parse_question(question, kb)
    assert f'could not understand "{part}"' in str(e.value)
    assert "give a year or a range instead" in str(e.value)


def test_a_phrase_of_the_records_after_a_time_word_in_lower_case(kb: KnowledgeBase) -> None:
    a = answer_question("was the molotov-ribbentrop pact in force after operation barbarossa", kb)
    assert a["query"]["over"] == {"from": "1942-01-01", "to": "9999-12-31"}
    assert a["verdict"]["by_perspective"]["de-facto"] == "no"


def test_a_misspelt_word_of_an_act_makes_the_act(kb: KnowledgeBase) -> None:
    q = parse_question("when did lithunia declare independance", kb)
    assert q.describe() == "events actor=lithuania type=declaration_of_independence (de-facto)"
    q = parse_question("when did lithuania get its independance back", kb)
    assert q.args["type"] == "restoration_of_independence"


def test_words_of_acts_users_type(kb: KnowledgeBase) -> None:
    # "Soviet political and military forces tried unsuccessfully to overthrow the governments"
    a = answer_question("did the soviets try to overthrow the lithuanian government", kb)
    assert [e["id"] for e in a["answer"]["events"]] == ["ussr-coup-attempt-lithuania"]
    assert a["verdict"]["answer"] == "yes"
    q = parse_question("who ran latvia in 1950", kb)
    assert q.describe() == "status actor=latvia from=1950-01-01 to=1950-12-31 (de-facto)"


def test_an_act_in_a_state_that_it_did_itself(kb: KnowledgeBase) -> None:
    # the 1990 elections are Latvia's own (no target); "in Latvia" is where, not to whom
    a = answer_question("who won the 1990 elections in latvia", kb)
    assert [e["id"] for e in a["answer"]["events"]] == ["latvia-elections-1990"]
    # those of 1940 were held there by the USSR: its target, as before
    q = parse_question("Were there elections in Lithuania in 1940?", kb)
    assert q.args["target"] == "lithuania"


def test_the_treaty_with_a_state_is_breached_against_it(kb: KnowledgeBase) -> None:
    a = answer_question("did moscow violate the non-aggression treaty with latvia", kb)
    assert a["query"]["args"]["by"] is None
    assert a["query"]["args"]["against"] == "latvia"
    assert a["verdict"]["answer"] == "yes"
    assert {b["event"]["actors"][0]["id"] for b in a["answer"]["breaches"]} == {"ussr"}


def test_a_year_before_an_instruments_noun_names_the_instrument(kb: KnowledgeBase) -> None:
    q = parse_question(
        "was the ussr the aggressor against estonia in june 1940 under the 1933 convention", kb
    )
    assert q.describe() == "aggressor a=ussr b=estonia from=1940-06-01 to=1940-06-30 (de-facto)"
    q = parse_question("when was the 1933 convention signed", kb)
    assert q.args["name"] == "convention-for-the-definition-of-aggression"
    q = parse_question("did the 1940 invasion of latvia breach the 1932 non-aggression treaty", kb)
    assert q.args["treaty"] == "soviet-latvian-non-aggression-treaty"
    assert (q.args["from_"], q.args["to"]) == ("1940-06-11", "1940-06-20")


def test_did_a_state_cease_to_be_sovereign(kb: KnowledgeBase) -> None:
    # under non-recognition the annexation did not end Latvia's sovereignty
    v = answer_question("did latvia cease to be sovereign in 1940 under non-recognition", kb)
    assert v["verdict"]["by_perspective"] == {
        "non-recognition": "no",
        "de-facto": "yes",
        "soviet": "yes",
    }
    v = answer_question("did latvia lose its sovereignty in 1930", kb)
    assert v["verdict"]["answer"] == "no"
