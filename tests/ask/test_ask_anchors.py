"""A colleague's round of questions: acts done to acts, other perspectives, "today", dates
named by a record, and phrases the corpus's records use (docs/questions.md)."""

from __future__ import annotations

import os

import pytest

from foedus.ask import QuestionError, answer_question, parse_question
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


def test_recognition_of_the_annexation_de_facto(kb: KnowledgeBase) -> None:
    # source: "though some countries did recognize them de facto" (the annexations)
    a = answer_question("Who recognised the Soviet annexation de facto?", kb)
    assert [e["id"] for e in a["answer"]["events"]] == ["some-countries-de-facto-recognition"]
    assert a["query"]["args"]["target"] is None  # the USSR annexed; it is not recognised
    assert any("mode (de-facto)" in n for n in a["notes"])
    assert any("united-states-non-recognition-1940" in n for n in a["notes"])
    # de jure: none of the annexation (the 1991 recognitions are of independence)
    a = answer_question("Who recognised the annexation de jure?", kb)
    assert a["answer"]["events"] == []
    # not recognised: the non-recognitions, "the Soviet incorporation" among them
    q = parse_question(
        "Who refused to recognise the Soviet incorporation of the Baltic states?", kb
    )
    assert q.filter["event"] == [
        "western-governments-non-recognition-1940",
        "majority-of-states-non-recognition-1940",
        "united-states-non-recognition-1940",
    ]


def test_was_the_annexation_recognised_asks_of_recognition(kb: KnowledgeBase) -> None:
    a = answer_question("Was the annexation of the Baltic states recognised?", kb)
    assert a["query"]["args"]["type"] == "recognition"
    assert a["query"]["args"]["target"] == "baltic-states"
    assert a["verdict"]["answer"] == "yes"
    # "Countries such as the United States continued to maintain nonrecognition"
    a = answer_question("Did the United States recognise the annexation of Latvia?", kb)
    assert a["verdict"]["answer"] == "no"
    assert any("united-states-non-recognition-1940" in n for n in a["notes"])


def test_an_empty_answer_names_the_perspective_that_differs(kb: KnowledgeBase) -> None:
    a = answer_question("Which treaties did the Soviet Union violate in 1944?", kb)
    assert a["answer"]["breaches"] == [] and a["query"]["perspective"] == "de-facto"
    assert any(
        n.startswith("no breaches under de-facto") and "non-recognition" in n for n in a["notes"]
    )
    a = answer_question("Was Estonia occupied in 1970?", kb)
    assert a["verdict"]["answer"] == "no"
    assert any("yes under non-recognition" in n for n in a["notes"])
    # an answer that is not empty has no such note
    a = answer_question("Which treaties did the USSR breach against Latvia in 1940?", kb)
    assert not any("perspectives differ" in n for n in a["notes"])


@pytest.mark.parametrize("word", ["today", "now", "currently", "at present"])
def test_today_is_the_corpus_last_date(kb: KnowledgeBase, word: str) -> None:
    # "The last Russian troops withdrew from the station the following year" (1999)
    a = answer_question(f"Is Latvia independent {word}?", kb)
    assert a["query"]["command"] == "status"
    assert a["query"]["args"]["on"] == "1999-12-31"
    assert a["verdict"]["answer"] == "yes"
    assert any("the corpus's last date" in n for n in a["notes"])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # "On August 24, 1939, the Soviet Union and Nazi Germany signed the Molotov–Ribbentrop pact"
        (
            "What was Latvia's status on the day the Molotov–Ribbentrop Pact was signed?",
            "status actor=latvia on=1939-08-24 (de-facto)",
        ),
        # "Estonia, Treaty of Tartu on 2 February 1920"
        (
            "What was Estonia's status after the Tartu treaty?",
            "status actor=estonia from=1920-02-03 to=9999-12-31 (de-facto)",
        ),
        # "In mid-June 1940 ... Soviet NKVD troops raided border posts in Lithuania"
        (
            "Who ruled Lithuania when the Soviets invaded Lithuania?",
            "status actor=lithuania from=1940-06-11 to=1940-06-20 (de-facto)",
        ),
        (
            "Which treaties did the USSR violate after the invasion of Estonia?",
            "breaches by=ussr from=1940-06-21 (de-facto)",
        ),
        # the act of a breach or aggressor question is what is asked about, not a date
        (
            "What treaties were broken when the USSR occupied Estonia?",
            "breaches by=ussr against=estonia from=1940-06-11 to=1940-06-20 "
            "[event_type=occupation] (de-facto)",
        ),
        # "when did": the date is asked for, not given
        (
            "When did the USSR invade Latvia?",
            "events actor=ussr target=latvia type=invasion (de-facto)",
        ),
    ],
)
def test_dates_named_by_a_record(kb: KnowledgeBase, question: str, expected: str) -> None:
    assert parse_question(question, kb).describe() == expected


def test_an_event_clause_names_the_earliest_and_the_others(kb: KnowledgeBase) -> None:
    q = parse_question("Who ruled Lithuania when the Soviets invaded Lithuania?", kb)
    assert any("ussr-reinvades-lithuania-1944" in n for n in q.notes)


def test_a_phrase_the_records_use(kb: KnowledgeBase) -> None:
    # "In 1941, as part of Operation Barbarossa, Germany invaded the Baltic countries"
    a = answer_question("What did Operation Barbarossa do to Latvia?", kb)
    assert [e["id"] for e in a["answer"]["events"]] == ["germany-invades-latvia-1941"]
    q = parse_question("Who ruled Latvia during Operation Barbarossa?", kb)
    assert q.describe() == "status actor=latvia from=1941-01-01 to=1941-12-31 (de-facto)"
    # a phrase no record uses is still refused
    with pytest.raises(QuestionError, match="Operation Typhoon"):
        parse_question("What did Operation Typhoon do to Latvia?", kb)


def test_the_supreme_soviets(kb: KnowledgeBase) -> None:
    # "the Supreme Soviets of the Baltic countries adopted a 'Declaration of Sovereignties'"
    a = answer_question("What did the Supreme Soviets of the Baltic countries do in 1989?", kb)
    assert a["query"]["each"]["members"] == [
        "estonian-supreme-soviet",
        "latvian-supreme-soviet",
        "lithuanian-supreme-soviet",
    ]
    assert {e["type"] for e in a["answer"]["events"]} == {"declaration_of_sovereignty"}
    # "gained majority in the Supreme Councils in 1990": the same bodies' other name
    q = parse_question("What did the Supreme Councils declare in 1990?", kb)
    assert q.each is not None and len(q.each[1]) == 3
