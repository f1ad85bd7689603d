"""`foedus ask` as historians, students and journalists ask it: questions that were read
wrongly, or refused, on the bundled corpus, each pinned to the reading that answers it."""

from __future__ import annotations

import os

import pytest

from foedus.ask import QuestionError, answer_question, parse_question
from foedus.query import KnowledgeBase


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


def test_was_a_soviet_republic_asks_part_of_not_sovereign(kb: KnowledgeBase) -> None:
    # "was A a Soviet republic" asks whether A was part of the USSR: yes in fact, no under
    # non-recognition (a sovereign state under occupation), the reverse of "sovereign"
    v = answer_question("Was Estonia a Soviet republic in 1960?", kb)["verdict"]
    assert v["by_perspective"] == {"de-facto": "yes", "non-recognition": "no", "soviet": "yes"}
    v = answer_question("Was Latvia a Soviet republic in 1935?", kb)["verdict"]
    assert v["answer"] == "no"
    # with no second name it is still whether A was a state
    v = answer_question("Was Lithuania still a state in 1960?", kb)["verdict"]
    assert v["by_perspective"]["de-facto"] == "no"
    assert v["by_perspective"]["non-recognition"] == "yes"


def test_the_non_aggression_pact_of_the_parties_named(kb: KnowledgeBase) -> None:
    # the only name ending in "Non-Aggression Pact" is the Molotov–Ribbentrop Pact's (an
    # alias), but Estonia was no party to it: the treaty Estonia and the USSR signed is meant
    a = answer_question("When did Estonia and the USSR sign the non-aggression pact?", kb)
    assert a["query"]["args"]["name"] == "soviet-estonian-non-aggression-treaty"
    assert "Soviet–Estonian Non-Aggression Treaty: signed May 4, 1932 (1932-05-04)" in a["notes"]
    q = parse_question("When did Germany and the USSR sign the non-aggression treaty?", kb)
    assert q.args["name"] == "molotov-ribbentrop-pact"
    # no actor named: the one name that ends so, as before
    q = parse_question("When was the non-aggression pact signed?", kb)
    assert q.args["name"] == "molotov-ribbentrop-pact"


def test_the_pact_of_mutual_assistance(kb: KnowledgeBase) -> None:
    # the source's own words: "the Pact of Mutual Assistance with Latvia (signed on October
    # 5, 1939)"; the Estonian and Lithuanian pacts are "of Defence and Mutual Assistance"
    q = parse_question("When did Latvia sign the Pact of Mutual Assistance?", kb)
    assert q.args["name"] == "soviet-latvian-mutual-assistance-pact"
    q = parse_question("When did Estonia sign the Pact of Mutual Assistance?", kb)
    assert q.args["name"] == "soviet-estonian-mutual-assistance-pact"
    q = parse_question("Did Lithuania sign a Pact of Mutual Assistance with the USSR?", kb)
    assert q.args["name"] == "soviet-lithuanian-mutual-assistance-pact"
    with pytest.raises(QuestionError, match=r"which Pact of Mutual Assistance\? \(Soviet–Est"):
        parse_question("Tell me about the Pact of Mutual Assistance", kb)
    # lower case, after "a": any such treaty, not one named (tests/questions/tuning.tsv)
    q = parse_question("did lithuania and the soviets sign a non-aggression treaty", kb)
    assert q.describe() == "treaties between=lithuania,ussr (de-facto)"


@pytest.mark.parametrize(
    ("question", "answer", "note"),
    [
        ("Did the USSR sign the UN Charter?", "yes", "Soviet Union: signature October 24, 1945"),
        (
            "Did Germany sign the Convention for the Definition of Aggression?",
            "no",
            "Germany is not a party of Convention for the Definition of Aggression",
        ),
        # "Bolshevist Russia ... in 1920 concluded peace treaties": the USSR succeeded to them
        ("Did the USSR sign the Treaty of Riga?", "no", "Soviet Union: succession 1922"),
        # "Lithuania declared its adherence ... became signatories to the Kellogg-Briand Pact"
        (
            "Did Lithuania sign the Kellogg-Briand Pact?",
            "yes",
            "Lithuania: adherence July 24, 1929",
        ),
    ],
)
def test_did_a_sign_t_is_answered_yes_or_no(
    kb: KnowledgeBase, question: str, answer: str, note: str
) -> None:
    a = answer_question(question, kb)
    assert a["query"]["command"] == "treaty"
    assert a["verdict"] is not None and a["verdict"]["answer"] == answer
    assert note in a["notes"]


def test_did_a_sign_t_in_a_year_is_whether_t_bound_a_then(kb: KnowledgeBase) -> None:
    a = answer_question("Did the USSR sign the Molotov-Ribbentrop Pact in 1939?", kb)
    assert a["query"]["command"] == "treaties"
    assert a["query"]["filter"] == {"instrument": "molotov-ribbentrop-pact"}
    assert a["verdict"]["answer"] == "yes"


def test_between_two_years_is_a_period_not_a_second_party(kb: KnowledgeBase) -> None:
    q = parse_question("Which treaties did the USSR sign between 1940 and 1945?", kb)
    assert q.describe() == "treaties party=ussr from=1940-01-01 to=1945-12-31 (de-facto)"
    with pytest.raises(QuestionError, match="between Latvia and whom"):
        parse_question("Which treaties were in force between Latvia in 1930?", kb)


def test_did_a_do_an_act_on_an_instrument(kb: KnowledgeBase) -> None:
    # "the USSR condemned the 1939 secret protocol between Nazi Germany and itself" (1989)
    a = answer_question("Did the Soviet Union condemn the secret protocol?", kb)
    assert a["query"]["filter"] == {"event": ["ussr-condemns-secret-protocol-1989"]}
    assert a["verdict"]["answer"] == "yes"
    a = answer_question("Did the USSR condemn the Treaty of Riga?", kb)
    assert a["answer"]["events"] == []
    assert a["verdict"]["answer"] == "no"


def test_was_an_act_legal_is_not_answered_by_whether_it_happened(kb: KnowledgeBase) -> None:
    a = answer_question("Was the annexation of Latvia legal?", kb)
    assert a["verdict"] is None
    assert any("'legal' is not judged here" in n for n in a["notes"])
    assert [e["id"] for e in a["answer"]["events"]] == ["ussr-annexes-latvia-1940"]
    # "legally" names the non-recognition perspective, as before
    a = answer_question("Was Estonia legally part of the Soviet Union in 1960?", kb)
    assert a["verdict"]["answer"] == "no"


def test_a_compound_of_two_acts_asks_of_its_head(kb: KnowledgeBase) -> None:
    # "On 12 January 1949 the Soviet Council of Ministers issued a decree 'on the expulsion
    # and deportation'": "the deportation decree" is the decree, not the deportations
    a = answer_question(
        "When did the Soviet Council of Ministers issue the deportation decree?", kb
    )
    assert [e["id"] for e in a["answer"]["events"]] == ["deportation-decree-1949"]
    assert "deportation-decree-1949: 12 January 1949 (1949-01-12)" in a["notes"]
    q = parse_question("When were the deportations?", kb)
    assert q.args["type"] == "deportation"


def test_assigned_to_names_the_power(kb: KnowledgeBase) -> None:
    # "Finland, Estonia and Latvia were assigned to the Soviet sphere"
    a = answer_question(
        "Which countries did the Molotov-Ribbentrop pact assign to the Soviets?", kb
    )
    assert a["query"]["args"]["actor"] == "ussr" and a["query"]["args"]["target"] is None
    assert {"sphere-estonia-ussr-1939", "sphere-latvia-ussr-1939"} <= {
        e["id"] for e in a["answer"]["events"]
    }
    # "Lithuania would be in the German sphere of influence"
    q = parse_question("Was Lithuania assigned to Germany?", kb)
    assert (q.args["actor"], q.args["target"]) == ("germany", "lithuania")


def test_diplomatic_relations_resumed(kb: KnowledgeBase) -> None:
    # "The United States ... resumed full diplomatic relations with the republics."
    a = answer_question("When did the US resume diplomatic relations with the Baltic states?", kb)
    assert a["query"]["args"]["type"] == "resumption_of_relations"
    assert [e["id"] for e in a["answer"]["events"]] == ["united-states-resumes-relations-1991"]


def test_an_actor_that_did_not_exist_then_is_noted(kb: KnowledgeBase) -> None:
    # "In 1922, ... creating the Union of Soviet Socialist Republics": in 1921 the Treaty of
    # Riga bound Latvia and the Russian SFSR, not the Soviet Union; the "no" says why
    a = answer_question("Did Latvia have a treaty with the Soviets in 1921?", kb)
    assert a["verdict"]["answer"] == "no"
    assert "Soviet Union existed only from 1922; its predecessor was Russian SFSR" in a["notes"]
    a = answer_question("Which treaties bound Estonia and the USSR in 1995?", kb)
    assert (
        "Soviet Union existed only until 1991; its successor was Russian Federation" in a["notes"]
    )
    a = answer_question("Which treaties bound the USSR and Latvia in 1939?", kb)
    assert not any("existed only" in n for n in a["notes"])


def test_an_act_on_an_instrument_is_its_object_only(kb: KnowledgeBase) -> None:
    # the pact is not what was invaded: no "no" from an empty list of invasions "of" it
    a = answer_question(
        "Did the Soviet Union invade Latvia before or after signing the mutual assistance pact?",
        kb,
    )
    assert a["query"]["filter"].get("event") is None
    assert a["verdict"] is None or a["verdict"]["answer"] != "no"


def test_declared_their_intention_is_the_statement_not_the_restoration(kb: KnowledgeBase) -> None:
    # "The Councils declared their intention to restore full independence." (1990); the
    # restoration itself came in 1991
    a = answer_question("When did Lithuania declare its intention to restore independence?", kb)
    assert [e["id"] for e in a["answer"]["events"]] == [
        "lithuania-intention-to-restore-independence-1990"
    ]
    q = parse_question("When did Lithuania restore its independence?", kb)
    assert q.args["type"] == "restoration_of_independence"


def test_the_re_invasion_is_an_invasion(kb: KnowledgeBase) -> None:
    # "After the Soviet re-invasion, the Baltic countries remained ..." (1944)
    a = answer_question("Which treaties did the 1944 reinvasion of Lithuania violate?", kb)
    assert a["query"]["filter"] == {"event_type": "invasion"}
    assert "the invasion read as ussr-reinvades-lithuania-1944 (1944)" in a["notes"]
    q = parse_question("When did the Soviet re-invasion of Estonia happen?", kb)
    assert (q.args["actor"], q.args["target"], q.args["type"]) == ("ussr", "estonia", "invasion")
