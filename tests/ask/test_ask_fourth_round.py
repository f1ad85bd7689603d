"""`foedus ask`, fourth round: learners of English and terse users. A statement asked with a
question mark ("Estonia in 1960 was occupied?") is a yes/no question; a date between the state
and "occupied" is passed over; "when A did X" without "did" asks for the date; a day written
year first with slashes ("1940/06/17") is that day, not the year; "what about A in Y" keeps
its date; and a follow-up ("and latvia?", "what did it do in 1940?") is refused with a line
saying ask has no memory of the last question."""

from __future__ import annotations

import os

import pytest

from foedus.ask import answer_question, parse_question
from foedus.ask.errors import QuestionError
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


def test_a_statement_with_a_question_mark_is_a_yes_no_question(kb: KnowledgeBase) -> None:
    for q in ("Estonia in 1960 was occupied?", "Was Estonia in 1960 occupied?"):
        a = answer_question(q, kb)
        assert a["query"]["command"] == "status", q
        assert a["verdict"]["by_perspective"]["de-facto"] == "no"
        assert a["verdict"]["by_perspective"]["non-recognition"] == "yes"
    a = answer_question("Latvia was independent in 1930?", kb)
    assert set(a["verdict"]["by_perspective"].values()) == {"yes"}
    a = answer_question("USSR attacked Estonia in 1940?", kb)
    assert a["verdict"]["by_perspective"]["de-facto"] == "yes"
    # a question word keeps it a question of its own, not yes/no
    assert (
        answer_question("Soviet Union with Latvia which treaties had in 1932?", kb)["verdict"]
        is None
    )


def test_when_without_did_asks_for_the_date(kb: KnowledgeBase) -> None:
    q = parse_question("when USSR invaded Lithuania", kb)
    assert (q.command, q.args["type"], q.args["target"]) == ("events", "invasion", "lithuania")
    q = parse_question("when Lithuania declared independence", kb)
    assert q.args["type"] == "declaration_of_independence"
    # a clause after "when" with a question of its own stays a date
    q = parse_question("when the soviets invaded lithuania, who controlled latvia?", kb)
    assert q.command == "status" and q.args["actor"] == "latvia"


def test_a_day_written_year_first_with_slashes_is_that_day(kb: KnowledgeBase) -> None:
    for q in ("what happened on 1940/06/17", "estonia 1940/06/17"):
        d = parse_question(q, kb).args
        assert (d["from_"], d["to"]) == ("1940-06-17", "1940-06-17"), q
    with pytest.raises(QuestionError, match="1938/02/30"):
        parse_question("what happened on 1938/02/30", kb)


def test_what_about_a_state_in_a_year_keeps_the_year(kb: KnowledgeBase) -> None:
    q = parse_question("what about lithuania in 1945?", kb)
    assert q.command == "events" and q.args["from_"] == "1945-01-01"
    assert parse_question("what about the soviet union", kb).command == "timeline"


@pytest.mark.parametrize(
    "question",
    [
        "and latvia?",
        "and in 1941?",
        "same for estonia",
        "also lithuania",
        "how about 1950?",
        "and what about latvia in 1945?",
        "what did it do in 1940?",
        "what did they sign in 1945",
    ],
)
def test_a_follow_up_is_refused_saying_there_is_no_memory(question: str, kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError, match="no memory of the last one"):
        parse_question(question, kb)


def test_a_whole_question_after_and_or_a_pronoun_with_a_name_is_answered(
    kb: KnowledgeBase,
) -> None:
    assert parse_question("and was latvia occupied in 1945?", kb).command == "status"
    q = parse_question("did the soviets violate any treaty when they occupied lithuania", kb)
    assert q.command == "breaches"
