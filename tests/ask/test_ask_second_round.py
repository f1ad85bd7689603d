"""`foedus ask`, second round of users' questions: an act done again ("the soviet
re-invasion"), "on the eve of", what a state signed in a year, "when did A sign a
non-aggression pact", "did A lose its independence", "before or after", recognition of a
"takeover", what a group's members did ("what happened in the Baltics in July 1989"), a name
the records use written in lower case ("skrunda"), "what did A say", "who administered A"."""

from __future__ import annotations

import os

import pytest

from foedus.ask import QuestionError, answer_question, parse_question
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


def _ids(answer: dict) -> list[str]:
    return [e["id"] for e in answer["answer"].get("events", [])]


def test_a_re_invasion_is_the_act_repeated(kb: KnowledgeBase) -> None:
    # the source's "After the Soviet re-invasion": 1944, not the invasion of 1940
    a = answer_question("when was the soviet re-invasion of estonia", kb)
    assert _ids(a) == ["ussr-reinvades-estonia-1944"]
    for q in ("when did the soviets invade latvia again", "the second soviet invasion of latvia"):
        assert _ids(answer_question(q, kb)) == ["ussr-reinvades-latvia-1944"]
    # dated by it: after 1944, with or without a name in the clause
    q = parse_question("was estonia occupied after the soviet re-invasion", kb)
    assert q.over == ("1945-01-01", "9999-12-31")
    q = parse_question("what happened to lithuania after the re-invasion", kb)
    assert q.args["from_"] == "1945-01-01"
    # "reoccupy" is an act of its own, not "occupy" again
    q = parse_question("when did the soviets reoccupy estonia", kb)
    assert q.filter == {}


def test_on_the_eve_of_is_the_day_before_or_refused(kb: KnowledgeBase) -> None:
    q = parse_question(
        "which treaties bound latvia and the ussr on the eve of the molotov-ribbentrop pact", kb
    )
    assert q.args["on"] == "1939-08-23"
    # a record dated only to a year or a month has no eve: refused, saying why
    with pytest.raises(QuestionError) as e:
        parse_question("who controlled lithuania on the eve of operation barbarossa", kb)
    assert "not to a day" in str(e.value) and 'ask "before 1941"' in str(e.value)
    with pytest.raises(QuestionError) as e:
        parse_question("was latvia sovereign on the eve of the war", kb)
    assert "it names no date" in str(e.value) and '"before 1945"' in str(e.value)


def test_what_a_state_signed_in_a_year(kb: KnowledgeBase) -> None:
    a = answer_question("what did the soviet union sign in 1945", kb)
    assert a["query"]["filter"] == {"instrument": ["yalta-declaration", "un-charter"]}
    assert [t["id"] for t in a["answer"]["treaties"]] == ["yalta-declaration", "un-charter"]
    v = answer_question("did estonia sign anything in 1935", kb)["verdict"]
    assert v["answer"] == "no"


def test_when_did_a_sign_a_non_aggression_pact(kb: KnowledgeBase) -> None:
    q = parse_question("when did latvia sign a non aggression pact with the soviets", kb)
    assert q.describe() == "treaty name=soviet-latvian-non-aggression-treaty (de-facto)"
    # a yes/no question keeps "a non-aggression treaty" as any
    q = parse_question("did lithuania and the soviets sign a non-aggression treaty", kb)
    assert q.command == "treaties"


def test_did_a_lose_its_independence(kb: KnowledgeBase) -> None:
    a = answer_question("did estonia lose its independence", kb)
    assert a["query"]["over"] == {"from": "1918-12-31", "to": "1999-12-31"}
    assert a["verdict"]["by_perspective"]["de-facto"] == "yes"
    assert a["verdict"]["by_perspective"]["non-recognition"] == "no"
    assert answer_question("did latvia lose its freedom in 1940", kb)["verdict"]["answer"] == "yes"
    q = parse_question("when did estonia lose its independence", kb)
    assert q.describe() == "timeline actor=estonia (de-facto)"


def test_before_or_after_a_record(kb: KnowledgeBase) -> None:
    a = answer_question("did the ussr invade estonia before or after the atlantic charter", kb)
    assert a["query"]["args"]["from_"] is None and a["verdict"] is None
    notes = "\n".join(a["notes"])
    assert "ussr-invades-estonia-1940 (mid-June 1940): before the atlantic charter" in notes
    assert "ussr-reinvades-estonia-1944 (1944): after the atlantic charter" in notes
    a = answer_question("did germany invade latvia before or after the atlantic charter", kb)
    assert "germany-invades-latvia-1941 (1941): not known" in "\n".join(a["notes"])


def test_recognition_of_a_takeover(kb: KnowledgeBase) -> None:
    a = answer_question("did the west recognise the soviet takeover", kb)
    assert _ids(a) == ["some-countries-de-facto-recognition"]
    assert any("groups with it: annexation" in n for n in a["notes"])
    assert any("western-governments-non-recognition-1940" in n for n in a["notes"])
    # an invasion is no status: nothing recognised it
    assert _ids(answer_question("was the soviet invasion recognised", kb)) == []


def test_what_happened_in_a_group(kb: KnowledgeBase) -> None:
    a = answer_question("what happened in the baltics in july 1989", kb)
    assert a["query"]["filter"] == {"involving": "baltic-states"}
    assert a["query"]["each"]["group"] == "baltic-states"
    assert set(_ids(a)) >= {
        "estonia-declaration-of-sovereignty-1989",
        "latvia-declaration-of-sovereignty-1989",
        "lithuania-declaration-of-sovereignty-1989",
    }
    # "to" keeps what was done to them
    q = parse_question("what happened to the baltics in july 1989", kb)
    assert q.args["target"] == "baltic-states"


def test_a_name_of_the_records_in_lower_case(kb: KnowledgeBase) -> None:
    a = answer_question("when did the last russian troops leave skrunda", kb)
    assert "russia-withdraws-from-skrunda-1999" in _ids(a)
    assert "russia-withdraws-from-lithuania-1993" not in _ids(a)


def test_what_a_state_said_and_who_administered(kb: KnowledgeBase) -> None:
    q = parse_question("what did izvestia say about the baltic states", kb)
    assert q.describe() == "events actor=izvestia target=baltic-states (de-facto)"
    q = parse_question("who administered latvia in 1942", kb)
    assert q.command == "status"


def test_an_act_on_a_part_of_an_instrument(kb: KnowledgeBase) -> None:
    a = answer_question("did the soviet union condemn the molotov ribbentrop pact", kb)
    assert a["verdict"]["answer"] == "no"
    assert any("ussr-condemns-secret-protocol-1989" in n for n in a["notes"])
