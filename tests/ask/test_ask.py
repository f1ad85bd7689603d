"""`foedus ask`: plain-English questions mapped to queries, on the bundled corpus.

The phrasings pin the command and the key arguments each question maps to; the tables of
docs/questions.md are checked row by row; a few questions are answered end to end; questions
that cannot be mapped are refused with the part not understood.
"""

from __future__ import annotations

import doctest
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import foedus.ask
import foedus.ask.dates
import foedus.ask.entities
import foedus.ask.errors
import foedus.ask.lexicon
import foedus.ask.question
import foedus.ask.reply
import foedus.ask.suggest
import foedus.ask.verdict
from foedus.ask import Query, QuestionError, answer_question, parse_question
from foedus.errors import UserError
from foedus.query import KnowledgeBase

DOCS = Path(__file__).parents[2] / "docs" / "questions.md"


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


# --------------------------------------------------------------------------- phrasings

D, NR, SV = "de-facto", "non-recognition", "soviet"

# (question, command, args that must be as given, perspective)
PHRASINGS: list[tuple[str, str, dict[str, Any], str]] = [
    # treaties
    (
        "Which treaties bound the USSR and Latvia on 1 June 1940?",
        "treaties",
        {"between": ["ussr", "latvia"], "on": "1940-06-01"},
        D,
    ),
    (
        "Which treaties bound the Soviet Union and Latvia in June 1940?",
        "treaties",
        {"between": ["ussr", "latvia"], "on": None},
        D,
    ),
    (
        "What treaties were in force between Estonia and the Soviets on June 1st, 1940?",
        "treaties",
        {"between": ["estonia", "ussr"], "on": "1940-06-01"},
        D,
    ),
    (
        "Which agreements bound Lithuania and the USSR on 1940-06-01?",
        "treaties",
        {"between": ["lithuania", "ussr"], "on": "1940-06-01"},
        D,
    ),
    (
        "Which treaties did Lithuania and the Soviet Union ever share?",
        "treaties",
        {"between": ["lithuania", "ussr"], "on": None},
        D,
    ),
    (
        "Which treaties was Estonia party to in 1939?",
        "treaties",
        {"party": "estonia", "on": None},
        D,
    ),
    ("What treaties did Latvia sign?", "treaties", {"party": "latvia", "on": None}, D),
    (
        "Which treaties were in force on 1 January 1935?",
        "treaties",
        {"party": None, "between": None, "on": "1935-01-01"},
        D,
    ),
    ("List all treaties", "treaties", {"party": None, "between": None, "on": None}, D),
    (
        "Which pacts bound Germany and the USSR in 1939?",
        "treaties",
        {"between": ["germany", "ussr"], "on": None},
        D,
    ),
    (
        "Which treaties bound Latvia and the RSFSR on 11 August 1920?",
        "treaties",
        {"between": ["latvia", "rsfsr"], "on": "1920-08-11"},
        D,
    ),
    (
        "Which treaties bound the USSR and Latvia, according to the Soviet view, in the end of "
        "1939?",
        "treaties",
        {"between": ["ussr", "latvia"], "on": None},
        SV,
    ),
    ("Which non-aggression treaties did the USSR sign?", "treaties", {"party": "ussr"}, D),
    (
        "Was the Treaty of Riga binding on Latvia and the USSR on 1 June 1940?",
        "treaties",
        {"between": ["latvia", "ussr"], "on": "1940-06-01"},
        D,
    ),
    ("Was the Treaty of Tartu in force in 1939?", "treaties", {"on": None}, D),
    # treaty
    ("Tell me about the Riga treaty", "treaty", {"name": "treaty-of-riga"}, D),
    (
        "Who were the parties to the Kellogg-Briand Pact?",
        "treaty",
        {"name": "kellogg-briand-pact"},
        D,
    ),
    (
        "What does the Molotov-Ribbentrop Pact say?",
        "treaty",
        {"name": "molotov-ribbentrop-pact"},
        D,
    ),
    ("Tell me about Litvinov's Protocol", "treaty", {"name": "litvinov-protocol"}, D),
    ("When was the Treaty of Tartu signed?", "treaty", {"name": "treaty-of-tartu"}, D),
    ("When was the Riga treaty signed?", "treaty", {"name": "treaty-of-riga"}, D),
    ("Show the Tartu treaty", "treaty", {"name": "treaty-of-tartu"}, D),
    # status
    (
        "What was Estonia's status in 1960 according to the non-recognition view?",
        "status",
        {"actor": "estonia", "on": None, "over": ("1960-01-01", "1960-12-31")},
        NR,
    ),
    (
        "What was Estonia's status on 1 January 1960 in Soviet law?",
        "status",
        {"actor": "estonia", "on": "1960-01-01"},
        SV,
    ),
    (
        "What was the status of Latvia in mid-1941?",
        "status",
        {"actor": "latvia", "on": None, "over": ("1941-05-01", "1941-08-31")},
        D,
    ),
    (
        "Was Latvia sovereign on 1 January 1943 in Soviet law?",
        "status",
        {"actor": "latvia", "on": "1943-01-01"},
        SV,
    ),
    ("Was Lithuania independent in 1930?", "status", {"actor": "lithuania"}, D),
    (
        "Who controlled Lithuania in mid-1941?",
        "status",
        {"actor": "lithuania", "on": None, "over": ("1941-05-01", "1941-08-31")},
        D,
    ),
    (
        "Was Estonia occupied in 1950?",
        "status",
        {"actor": "estonia", "on": None, "over": ("1950-01-01", "1950-12-31")},
        D,
    ),
    ("Was Estonia occupied in 1950 de jure?", "status", {"actor": "estonia"}, NR),
    ("Was Latvia under Soviet control in 1960 in fact?", "status", {"actor": "latvia"}, D),
    (
        "What was Estonia's status on 1 January 1960 in the Soviet view?",
        "status",
        {"actor": "estonia"},
        SV,
    ),
    (
        "What was Lithuania's status in 1975 under non-recognition?",
        "status",
        {"actor": "lithuania", "on": None, "over": ("1975-01-01", "1975-12-31")},
        NR,
    ),
    (
        "Was Estonia part of the USSR in 1970 according to the Soviets?",
        "status",
        {"actor": "estonia", "on": None, "over": ("1970-01-01", "1970-12-31")},
        SV,
    ),
    (
        "What was the situation of Latvia on 17 June 1940 in the Western view?",
        "status",
        {"actor": "latvia", "on": "1940-06-17"},
        NR,
    ),
    (
        "What was the status of Estonia on February 4–11, 1945?",
        "status",
        {"actor": "estonia", "on": None, "over": ("1945-02-04", "1945-02-11")},
        D,
    ),
    ("what was latvia's status in 1950 legally?", "status", {"actor": "latvia"}, NR),
    ("What was Latvia's status?", "timeline", {"actor": "latvia"}, D),
    # holds
    (
        "What held for Latvia on 1 January 1943?",
        "holds",
        {"actor": "latvia", "on": "1943-01-01"},
        D,
    ),
    (
        "What was true of Lithuania in June 1940 in Soviet law?",
        "holds",
        {"actor": "lithuania", "on": "1940-06-01"},
        SV,
    ),
    ("What holds for Estonia on 1991-09-06?", "holds", {"actor": "estonia", "on": "1991-09-06"}, D),
    # aggressor
    (
        "Who was the aggressor between the Soviet Union and Estonia in 1940?",
        "aggressor",
        {"a": "ussr", "b": "estonia", "from_": "1940-01-01", "to": "1940-12-31"},
        D,
    ),
    (
        "Who was the aggressor between the USSR and Latvia?",
        "aggressor",
        {"a": "ussr", "b": "latvia", "from_": None, "to": None},
        D,
    ),
    (
        "Was Germany the aggressor against Latvia in 1941?",
        "aggressor",
        {"a": "germany", "b": "latvia", "from_": "1941-01-01"},
        D,
    ),
    (
        "Who attacked first, Estonia or the USSR, in 1940?",
        "aggressor",
        {"a": "estonia", "b": "ussr"},
        D,
    ),
    (
        "Who was the aggressor between the Soviets and Lithuania from 1939 to 1941?",
        "aggressor",
        {"a": "ussr", "b": "lithuania", "from_": "1939-01-01", "to": "1941-12-31"},
        D,
    ),
    (
        "Who committed aggression, the RSFSR or Estonia, at the end of 1918?",
        "aggressor",
        {"a": "rsfsr", "b": "estonia", "from_": "1918-11-01", "to": "1918-12-31"},
        D,
    ),
    # breaches
    (
        "Which treaties did the June 1940 invasion of Estonia breach?",
        "breaches",
        {"by": "ussr", "against": "estonia", "from_": "1940-06-11", "to": "1940-06-20"},
        D,
    ),
    (
        "Which treaties did the Soviet invasion of Latvia breach?",
        "breaches",
        {"by": "ussr", "against": "latvia"},
        D,
    ),
    (
        "Which treaties did the annexation of Lithuania violate?",
        "breaches",
        {"by": "ussr", "against": "lithuania", "from_": "1940-06-11", "to": "1940-12-31"},
        D,
    ),
    (
        "Which treaties did the USSR breach against Latvia in 1940?",
        "breaches",
        {"by": "ussr", "against": "latvia", "from_": "1940-01-01", "to": "1940-12-31"},
        D,
    ),
    (
        "Did the Soviet Union violate the Treaty of Tartu?",
        "breaches",
        {"by": "ussr", "treaty": "treaty-of-tartu"},
        D,
    ),
    (
        "Which treaties did the Soviet Union's acts breach?",
        "breaches",
        {"by": "ussr", "against": None, "treaty": None},
        D,
    ),
    (
        "What breaches of the Kellogg-Briand Pact were there?",
        "breaches",
        {"by": None, "treaty": "kellogg-briand-pact"},
        D,
    ),
    (
        "Which treaties did Germany's invasion of Lithuania in 1941 breach?",
        "breaches",
        {"by": "germany", "against": "lithuania"},
        D,
    ),
    (
        "What treaties were breached by the USSR in 1944?",
        "breaches",
        {"by": "ussr", "from_": "1944-01-01", "to": "1944-12-31"},
        D,
    ),
    (
        "Which treaties did ussr-invades-estonia-1940 breach?",
        "breaches",
        {"by": "ussr", "against": "estonia"},
        D,
    ),
    (
        "Which treaties were breached by Germany against Latvia in 1941 under the "
        "non-recognition view?",
        "breaches",
        {"by": "germany", "against": "latvia"},
        NR,
    ),
    # events
    (
        "What happened to Lithuania in 1940?",
        "events",
        {"target": "lithuania", "actor": None, "from_": "1940-01-01", "to": "1940-12-31"},
        D,
    ),
    ("What happened in 1991?", "events", {"from_": "1991-01-01", "to": "1991-12-31"}, D),
    (
        "What did the Soviet Union do to Latvia in 1940?",
        "events",
        {"actor": "ussr", "target": "latvia"},
        D,
    ),
    (
        "Which invasions happened in 1941?",
        "events",
        {"type": "invasion", "from_": "1941-01-01", "to": "1941-12-31"},
        D,
    ),
    (
        "What happened between the USSR and Estonia in June 1940?",
        "events",
        {"actor": "ussr", "target": "estonia", "from_": "1940-06-01", "to": "1940-06-30"},
        D,
    ),
    ("List the deportations", "events", {"type": "deportation"}, D),
    (
        "What events involved Estonia between 1939 and 1941?",
        "events",
        # Estonia's part, as actor or target: query.filter {"involving": "estonia"}
        {"actor": None, "target": None, "from_": "1939-01-01", "to": "1941-12-31"},
        D,
    ),
    (
        "What did Russia do after 1991?",
        "events",
        {"actor": "russia", "from_": "1992-01-01", "to": None},
        D,
    ),
    (
        "What happened to Latvia before 1920?",
        "events",
        {"target": "latvia", "from_": None, "to": "1919-12-31"},
        D,
    ),
    (
        "Which events happened in the 1980s?",
        "events",
        {"from_": "1980-01-01", "to": "1989-12-31"},
        D,
    ),
    (
        "Who occupied Estonia in 1941?",
        "status",
        {"actor": "estonia", "on": None, "over": ("1941-01-01", "1941-12-31")},
        D,
    ),
    (
        "What happened since mid-June 1940 to Estonia?",
        "events",
        {"target": "estonia", "from_": "1940-06-11", "to": None},
        D,
    ),
    # when
    (
        "When did the USSR invade Latvia?",
        "events",
        {"actor": "ussr", "target": "latvia", "type": "invasion"},
        D,
    ),
    (
        "When did Lithuania restore its independence?",
        "events",
        {"actor": "lithuania", "type": "restoration_of_independence"},
        D,
    ),
    (
        "When did Latvia declare independence?",
        "events",
        {"actor": "latvia", "type": "declaration_of_independence"},
        D,
    ),
    ("When was Estonia annexed?", "events", {"target": "estonia", "type": "annexation"}, D),
    (
        "When did Russia withdraw from Estonia?",
        "events",
        {"actor": "russia", "target": "estonia", "type": "withdrawal"},
        D,
    ),
    ("When did the Soviet Union collapse?", "events", {"actor": "ussr", "type": "dissolution"}, D),
    ("When were the deportations?", "events", {"type": "deportation"}, D),
    (
        "In what year was the Soviet Union formed?",
        "events",
        {"target": "ussr", "type": "formation"},
        D,
    ),
    (
        "When did Germany occupy Lithuania?",
        "events",
        {"actor": "germany", "target": "lithuania", "type": "occupation"},
        D,
    ),
    (
        "When did the Nazis invade Estonia?",
        "events",
        {"actor": "germany", "target": "estonia", "type": "invasion"},
        D,
    ),
    (
        "When did ussr-invades-estonia-1940 happen?",
        "events",
        {"actor": "ussr", "target": "estonia", "type": "invasion"},
        D,
    ),
    # compare
    (
        "Where do the de facto and non-recognition views differ about Estonia?",
        "compare",
        {"p": "de-facto", "q": "non-recognition", "actor": "estonia"},
        D,
    ),
    (
        "Compare the Soviet view with the non-recognition view",
        "compare",
        {"p": "soviet", "q": "non-recognition", "actor": None},
        D,
    ),
    (
        "How do the de facto and Soviet perspectives differ?",
        "compare",
        {"p": "de-facto", "q": "soviet"},
        D,
    ),
    (
        "Where does the Soviet view disagree about Latvia?",
        "compare",
        {"p": "de-facto", "q": "soviet", "actor": "latvia"},
        D,
    ),
    # timeline
    ("Show the timeline of Estonia", "timeline", {"actor": "estonia"}, D),
    ("How did Latvia's status change over time?", "timeline", {"actor": "latvia"}, D),
    (
        "What is the history of Lithuania according to the non-recognition view?",
        "timeline",
        {"actor": "lithuania"},
        NR,
    ),
    ("Estonia", "timeline", {"actor": "estonia"}, D),
    ("Tell me about Latvia", "timeline", {"actor": "latvia"}, D),
]


def test_at_least_sixty_phrasings() -> None:
    assert len(PHRASINGS) >= 60
    assert len({q for q, *_ in PHRASINGS}) == len(PHRASINGS)


@pytest.mark.parametrize(
    ("question", "command", "args", "perspective"), PHRASINGS, ids=[q for q, *_ in PHRASINGS]
)
def test_phrasing(
    kb: KnowledgeBase, question: str, command: str, args: dict[str, Any], perspective: str
) -> None:
    q = parse_question(question, kb)
    assert q.command == command
    got = {k: q.over if k == "over" else q.args.get(k, "<missing>") for k in args}
    assert got == args
    assert q.perspective == perspective


def test_args_are_the_methods_keyword_arguments(kb: KnowledgeBase) -> None:
    import inspect

    for question, *_ in PHRASINGS:
        q = parse_question(question, kb)
        params = inspect.signature(getattr(kb, str(q.command))).parameters
        assert set(q.args) <= set(params), question


# --------------------------------------------------------------------------- docs


def _doc_rows() -> list[tuple[str, str]]:
    rows = []
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"\| (.+?) \| `(.+)` \|", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def test_docs_list_every_form() -> None:
    from foedus.ask.forms import BUILDERS

    text = DOCS.read_text(encoding="utf-8")
    for name in BUILDERS:
        if name not in ("about", "treaty_in_force", "happened"):
            assert f"### {name} " in text, name
    assert len(_doc_rows()) >= 40


@pytest.mark.parametrize(("question", "query"), _doc_rows())
def test_docs_table_row(kb: KnowledgeBase, question: str, query: str) -> None:
    assert parse_question(question, kb).describe() == query


# --------------------------------------------------------------------------- dates and notes


def test_loose_day_read_as_earliest_and_noted(kb: KnowledgeBase) -> None:
    q = parse_question("What held for Latvia in June 1940?", kb)
    assert q.notes == ("June 1940 read as 1940-06-01 (its earliest day)",)


def test_status_over_a_range_lists_every_value_that_held(kb: KnowledgeBase) -> None:
    # the source dates the German invasion only "In 1941": in mid-1941 Lithuania was held by
    # the Soviet Union or by Germany, and the answer names both (not the first day's alone)
    q = parse_question("Who controlled Lithuania in mid-1941?", kb)
    assert q.over == ("1941-05-01", "1941-08-31") and q.args["on"] is None
    assert q.notes == ("mid-1941 read as 1941-05-01 to 1941-08-31: answered over the range",)
    got = answer_question("Who controlled Lithuania in mid-1941?", kb)["answer"]
    assert (got["on"], got["to"]) == ("1941-05-01", "1941-08-31")
    assert {v["value"]["id"] for v in got["status"]["controlled_by"]} == {"ussr", "germany"}


def test_status_over_a_year_sees_a_change_inside_it(kb: KnowledgeBase) -> None:
    # on 1 January 1940 Latvia was independent; by the end of 1940 it was part of the USSR
    got = answer_question("What was Latvia in 1940?", kb)["answer"]
    assert {v["value"] for v in got["status"]["sovereign"]} == {True, False}
    assert {v["value"]["id"] for v in got["status"]["part_of"]} == {"ussr"}
    assert got["status"]["label"].startswith("independent, then ")
    verdict = answer_question("Was Latvia occupied in 1940?", kb)["verdict"]
    assert verdict["answer"] != "no" and verdict["by_perspective"]["non-recognition"] == "yes"


def test_treaties_over_a_range_noted(kb: KnowledgeBase) -> None:
    q = parse_question("Which treaties bound the Soviet Union and Latvia in June 1940?", kb)
    assert q.over == ("1940-06-01", "1940-06-30") and q.args["on"] is None
    assert q.notes == ("June 1940 read as 1940-06-01 to 1940-06-30: answered over the range",)


def test_period_read_as_range_and_noted(kb: KnowledgeBase) -> None:
    q = parse_question("What happened to Estonia in mid-1941?", kb)
    assert (q.args["from_"], q.args["to"]) == ("1941-05-01", "1941-08-31")
    assert q.notes == ("mid-1941 read as 1941-05-01 to 1941-08-31",)


def test_exact_day_has_no_note(kb: KnowledgeBase) -> None:
    assert parse_question("What held for Latvia on 1 January 1943?", kb).notes == ()


def test_kb_perspective_is_the_default(kb: KnowledgeBase) -> None:
    soviet = kb.with_perspective("soviet")
    assert parse_question("Was Latvia sovereign in 1950?", soviet).perspective == "soviet"
    assert parse_question("Was Latvia sovereign in 1950 in fact?", soviet).perspective == D


def test_query_as_dict_and_describe() -> None:
    q = Query("breaches", {"by": "ussr", "against": None}, "de-facto", {"event_type": "invasion"})
    assert q.as_dict() == {
        "command": "breaches",
        "args": {"by": "ussr", "against": None},
        "perspective": "de-facto",
        "filter": {"event_type": "invasion"},
        "over": None,
        "each": None,
    }
    assert q.describe() == "breaches by=ussr [event_type=invasion] (de-facto)"


# --------------------------------------------------------------------------- answers


def ids(items: list[dict[str, Any]], key: str | None = None) -> list[str]:
    return [(x[key] if key else x)["id"] for x in items]


def test_answer_treaties_bound_ussr_latvia(kb: KnowledgeBase) -> None:
    a = answer_question("Which treaties bound the USSR and Latvia on 1 June 1940?", kb)
    assert set(a) == {"question", "query", "notes", "verdict", "answer"}
    assert a["verdict"] is None
    got = ids(a["answer"]["treaties"])
    assert "treaty-of-riga" in got
    assert "molotov-ribbentrop-pact" not in got
    assert a["answer"] == kb.treaties(between=["ussr", "latvia"], on="1940-06-01")
    json.dumps(a)


def test_answer_status_non_recognition(kb: KnowledgeBase) -> None:
    a = answer_question(
        "What was Estonia's status in 1960 according to the non-recognition view?", kb
    )
    assert a["answer"]["status"]["sovereign"] == [{"value": True, "certainty": "certain"}]
    assert a["answer"]["perspective"] == NR
    assert a["notes"] == ["1960 read as 1960-01-01 to 1960-12-31: answered over the range"]


def test_answer_status_soviet_law(kb: KnowledgeBase) -> None:
    a = answer_question("Was Estonia sovereign on 1 January 1960 in Soviet law?", kb)
    assert a["answer"]["status"]["sovereign"] == [{"value": False, "certainty": "certain"}]
    assert [v["value"]["id"] for v in a["answer"]["status"]["part_of"]] == ["ussr"]


def test_answer_aggressor(kb: KnowledgeBase) -> None:
    a = answer_question("Who was the aggressor between the Soviet Union and Estonia in 1940?", kb)
    assert a["answer"]["aggressor"]["id"] == "ussr"
    assert a["answer"]["act"]["id"] == "ussr-invades-estonia-1940"


def test_answer_breaches_of_an_invasion(kb: KnowledgeBase) -> None:
    a = answer_question("Which treaties did the June 1940 invasion of Estonia breach?", kb)
    breaches = a["answer"]["breaches"]
    assert breaches and {b["event"]["type"] for b in breaches} == {"invasion"}
    treaties = {b["treaty"]["id"] for b in breaches}
    assert {"kellogg-briand-pact", "soviet-estonian-non-aggression-treaty"} <= treaties
    assert "molotov-ribbentrop-pact" not in treaties


def test_answer_when_invaded(kb: KnowledgeBase) -> None:
    a = answer_question("When did the USSR invade Latvia?", kb)
    assert ids(a["answer"]["events"]) == ["ussr-invades-latvia-1940", "ussr-reinvades-latvia-1944"]
    assert a["notes"][0] == "ussr-invades-latvia-1940: mid-June 1940 (1940-06-11 to 1940-06-20)"


def test_answer_when_signed(kb: KnowledgeBase) -> None:
    a = answer_question("When was the Treaty of Tartu signed?", kb)
    assert a["answer"]["id"] == "treaty-of-tartu"
    assert a["notes"][0].startswith("Treaty of Tartu: signed ")
    assert "1920-02-02" in a["notes"][0]


def test_answer_restored_independence(kb: KnowledgeBase) -> None:
    a = answer_question("When did Lithuania restore its independence?", kb)
    assert ids(a["answer"]["events"]) == ["lithuania-restores-independence-1991"]


def test_answer_what_happened(kb: KnowledgeBase) -> None:
    a = answer_question("What happened to Lithuania in 1940?", kb)
    got = ids(a["answer"]["events"])
    assert "ussr-invades-lithuania-1940" in got and "ussr-annexes-lithuania-1940" in got
    assert all(e["date"]["earliest"] <= "1940-12-31" for e in a["answer"]["events"])


def test_answer_holds_and_compare(kb: KnowledgeBase) -> None:
    held = answer_question("What held for Latvia on 1 January 1943?", kb)["answer"]
    assert any(f["fluent"] == "controlled_by" and f["value"] == "germany" for f in held["fluents"])
    diff = answer_question(
        "Where do the de facto and non-recognition views differ about Estonia?", kb
    )["answer"]
    assert diff["perspectives"] == [D, NR] and diff["differences"]


def test_compare_says_it_does_not_use_a_date(kb: KnowledgeBase) -> None:
    """compare takes no day: a date in the question is named in a note, not dropped unseen,
    and the answer is the whole comparison (the same as without the date)."""
    asked = "Compare the de facto and non-recognition views of Estonia in 1960"
    got = answer_question(asked, kb)
    assert (
        "1960 not used: compare lists every period where de-facto and non-recognition "
        "differ" in got["notes"]
    )
    plain = answer_question("Compare the de facto and non-recognition views of Estonia", kb)
    assert got["answer"] == plain["answer"]
    assert not any("not used" in n for n in plain["notes"])


def test_answer_treaty_in_force_filter(kb: KnowledgeBase) -> None:
    yes = answer_question(
        "Was the Treaty of Riga binding on Latvia and the USSR on 1 June 1940?", kb
    )
    assert ids(yes["answer"]["treaties"]) == ["treaty-of-riga"]
    no = answer_question(
        "Was the Molotov-Ribbentrop Pact binding on Latvia and the USSR on 1 June 1940?", kb
    )
    assert no["answer"]["treaties"] == []


# --------------------------------------------------------------------------- refusals

TRY = 'try: "Which treaties bound the USSR and Latvia on 1 June 1940?"'


def test_gibberish_refused_helpfully(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError) as e:
        parse_question("frobnicate the treaty", kb)
    assert str(e.value) == 'could not understand "frobnicate" in "frobnicate the treaty"; ' + TRY
    assert isinstance(e.value, UserError) and isinstance(e.value, ValueError)
    assert e.value.exit_code == 2
    assert e.value.part == "frobnicate"


def test_misspelt_name_is_corrected_and_noted(kb: KnowledgeBase) -> None:
    q = parse_question("Which treaties bound Estnia and the USSR?", kb)
    assert q.args["between"] == ["estonia", "ussr"]
    assert q.notes == ("read 'Estnia' as Estonia",)


def test_unknown_name_gets_did_you_mean(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError) as e:
        parse_question("Which treaties bound Narnia and the USSR?", kb)
    assert str(e.value).startswith(
        'could not understand "Narnia" in "Which treaties bound Narnia and the USSR?": not an '
        "actor, instrument or event of the corpus"
    )


def test_unknown_instrument_named_whole(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError, match=r'could not understand "Treaty of Versailles"'):
        parse_question("When was the Treaty of Versailles signed?", kb)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", 'an empty question; try: "'),
        (
            "Estonia and Latvia",
            'could not understand "Estonia and Latvia": it asks for none of the things foedus '
            'answers; try: "',
        ),
        (
            "Who was the aggressor against Estonia?",
            "the aggressor between Estonia and whom? (Russian SFSR, Soviet Union or Germany) "
            '("Who was the aggressor against Estonia?"); try: "Who was the aggressor between '
            'the Soviet Union and Estonia in 1940?"',
        ),
        (
            "aggressor between",
            'between whom? ("aggressor between"); try: "Who was the aggressor between the '
            'Soviet Union and Estonia in 1940?"',
        ),
        (
            "Which treaties bound Latvia and",
            'Latvia and whom? ("Which treaties bound Latvia and"); try: ',
        ),
        (
            "What held for Latvia?",
            'held on which day? (e.g. "on 1 June 1940") ("What held for Latvia?"); try: ',
        ),
        (
            "Which treaties bound Estonia and Latvia and Lithuania?",
            "a treaties question takes one actor (party) or two (between); which two? "
            '("Which treaties bound Estonia and Latvia and Lithuania?"); try: "Which treaties '
            "bound the USSR",
        ),
        (
            "When?",
            'when did what? (name an event, an instrument or an act: "invade", "annex", '
            '"declare independence", ...) ("When?"); try: "',
        ),
        (
            "Were the Baltic countries independent in 1935?",
            "which of the Baltic states? (Estonia, Latvia or Lithuania)",
        ),
    ],
)
def test_refusals_name_the_part(kb: KnowledgeBase, question: str, message: str) -> None:
    with pytest.raises(QuestionError) as e:
        parse_question(question, kb)
    assert str(e.value).startswith(message)


# --------------------------------------------------------------------------- lexicon


def test_lexicon_mentions(kb: KnowledgeBase) -> None:
    from foedus.ask.lexicon import Lexicon, Mention

    found = [
        (m.kind, m.value)
        for m in Lexicon.of(kb).scan(
            "Did the Soviets' invasion of Latvia's territory in mid-June 1940 breach the Riga "
            "treaty in Soviet law?"
        )
        if isinstance(m, Mention)
    ]
    assert found == [
        ("actor", "ussr"),
        ("act", "invasion"),
        ("actor", "latvia"),
        ("date", "mid-June 1940"),
        ("instrument", "treaty-of-riga"),
        ("perspective", "soviet"),
    ]


def test_iso_codes_only_in_capitals(kb: KnowledgeBase) -> None:
    from foedus.ask.lexicon import Lexicon, Mention

    scan = Lexicon.of(kb).scan
    assert [m.value for m in scan("tell us about the US") if isinstance(m, Mention)] == [
        "united-states"
    ]


# --------------------------------------------------------------------------- CLI and doctests


@pytest.fixture(scope="module")
def app():  # type: ignore[no-untyped-def]
    """The CLI (with ``ask``)."""
    from foedus.cli import app

    return app


def test_cli_human(kb: KnowledgeBase, app) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app, ["ask", "Who was the aggressor between the USSR and Estonia in 1940?"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "query: aggressor a=ussr b=estonia from=1940-01-01 to=1940-12-31 (de-facto)\n"
        "note: 1940 read as 1940-01-01 to 1940-12-31\n"
    )


def test_cli_json(kb: KnowledgeBase, app) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        app,
        ["ask", "What was Estonia's status in 1960?", "--perspective", "non-recognition", "--json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == {
        "command": "status",
        "args": {"actor": "estonia", "on": None},
        "perspective": "non-recognition",
        "filter": {},
        "over": {"from": "1960-01-01", "to": "1960-12-31"},
        "each": None,
    }
    assert data["answer"]["status"]["sovereign"] == [{"value": True, "certainty": "certain"}]


def test_cli_refusal_exit_2(kb: KnowledgeBase, app) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["ask", "frobnicate the treaty"])
    assert result.exit_code == 2
    assert result.stderr.startswith('could not understand "frobnicate"')
    assert result.stdout == ""


@pytest.mark.parametrize(
    "module",
    [
        foedus.ask,
        foedus.ask.reply,
        foedus.ask.errors,
        foedus.ask.lexicon,
        foedus.ask.question,
        foedus.ask.dates,
        foedus.ask.entities,
        foedus.ask.suggest,
        foedus.ask.verdict,
    ],
    ids=lambda m: m.__name__,
)
def test_doctests(kb: KnowledgeBase, module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# --------------------------------------------------------------------------- HTTP API


def _api_get(url: str) -> Any:
    import asyncio

    import httpx

    from foedus.server.app import create_app

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(url)

    return asyncio.run(go())


def test_api_refusal_carries_the_corpus_suggestions(kb: KnowledgeBase) -> None:
    r = _api_get("/api/v1/ask?q=aggressor%20between")
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["message"].startswith('between whom? ("aggressor between"); try: "Who was')
    [item] = err["errors"]
    assert item["suggestions"][0] == (
        "Who was the aggressor between the Soviet Union and Estonia in 1940?"
    )
    assert set(item["suggestions"]) <= set(kb.corpus.metadata.examples)


def test_api_yes_no_verdict(kb: KnowledgeBase) -> None:
    r = _api_get("/api/v1/ask?q=Was%20Estonia%20occupied%20in%201970%3F")
    assert r.status_code == 200
    verdict = r.json()["verdict"]
    assert verdict["answer"] == "no"
    assert verdict["by_perspective"]["non-recognition"] == "yes"
    assert verdict["text"].startswith("no (de-facto); yes (non-recognition)")


# --------------------------------------------------------------------------- new understanding


def test_treaties_over_a_year_include_the_autumn_pacts(kb: KnowledgeBase) -> None:
    """ "in 1939" is the whole year: the September/October 1939 pacts are in (issue 18)."""
    a = answer_question("Which treaties bound the USSR and Latvia in 1939?", kb)
    got = ids(a["answer"]["treaties"])
    assert "soviet-latvian-mutual-assistance-pact" in got
    on_new_year = ids(kb.treaties(between=["ussr", "latvia"], on="1939-01-01")["treaties"])
    assert "soviet-latvian-mutual-assistance-pact" not in on_new_year
    assert set(on_new_year) <= set(got)


def test_group_asks_each_member(kb: KnowledgeBase) -> None:
    a = answer_question("What did the USSR do to the Baltic states in 1940?", kb)
    assert a["query"]["each"] == {
        "group": "baltic-states",
        "members": ["estonia", "latvia", "lithuania"],
    }
    targets = {t["id"] for e in a["answer"]["events"] for t in e["targets"]}
    assert {"estonia", "latvia", "lithuania"} <= targets
    assert {"ussr"} == {x["id"] for e in a["answer"]["events"] for x in e["actors"]}


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Was Latvia independent in 1930?", "yes"),
        ("Was Lithuania occupied by Germany in 1942?", "yes"),
        ("Was Lithuania occupied by the USSR in 1942?", "no"),
        ("Did Latvia have a pact with the Soviets in 1934?", "yes"),
        ("Did Germany invade Estonia in 1941?", "yes"),
        ("Did Germany invade Estonia in 1950?", "no"),
        ("Was the USSR the aggressor against Estonia in 1940?", "yes"),
        ("Was Estonia the aggressor against the USSR in 1940?", "no"),
    ],
)
def test_yes_no(kb: KnowledgeBase, question: str, answer: str) -> None:
    assert answer_question(question, kb)["verdict"]["answer"] == answer


def test_perspective_in_a_sentence(kb: KnowledgeBase) -> None:
    q = parse_question("In the eyes of the Soviet government, what was Latvia in 1960?", kb)
    assert q.describe() == "status actor=latvia from=1960-01-01 to=1960-12-31 (soviet)"
    # a perspective's name outside a frame of point of view is the actor
    q = parse_question("What did Soviet troops do in Latvia in 1940?", kb)
    assert q.args["actor"] == "ussr" and q.perspective == "de-facto"


def test_dates_other_forms(kb: KnowledgeBase) -> None:
    for text, day in [
        ("24/8/1939", "1939-08-24"),
        ("the 17th of June 1940", "1940-06-17"),
        ("June the 1st, 1940", "1940-06-01"),
    ]:
        q = parse_question(f"What was Latvia's status on {text}?", kb)
        assert q.args["on"] == day, text
    q = parse_question("What happened to Estonia in the summer of 1940?", kb)
    assert (q.args["from_"], q.args["to"]) == ("1940-06-01", "1940-08-31")


def test_aggressor_with_one_actor_reads_the_other_from_the_acts(kb: KnowledgeBase) -> None:
    """One actor named: the other side is the one actor that committed an act the 1933
    definition lists towards it (or suffered one from it) in the period, with a note; in June
    1940 that is only the corpus's ussr-invades-lithuania-1940 ("the Soviet Union invades
    Lithuania", mid-June 1940)."""
    q = parse_question("Who was the aggressor in Lithuania in June 1940?", kb)
    assert (q.command, q.args["a"], q.args["b"]) == ("aggressor", "lithuania", "ussr")
    answer = answer_question("Who was the aggressor in Lithuania in June 1940?", kb)
    assert answer["answer"]["aggressor"]["id"] == "ussr"
    assert any(
        "the other side read as Soviet Union" in n and "ussr-invades-lithuania-1940" in n
        for n in answer["notes"]
    )


def test_aggressor_with_one_actor_and_no_act_says_so(kb: KnowledgeBase) -> None:
    with pytest.raises(QuestionError, match=r"no act of aggression by or against Estonia"):
        parse_question("Who was the aggressor against Estonia in 1925?", kb)


def test_when_did_a_state_join_or_leave_an_instrument(kb: KnowledgeBase) -> None:
    """A when-question about a party and an instrument gives the party's own dates, not only
    the instrument's: the Kellogg–Briand Pact lists Lithuania's "adherence" on "July 24,
    1929"; a state not among its parties is said to be none."""
    got = answer_question("When did Lithuania join the Kellogg-Briand Pact?", kb)
    assert got["query"]["command"] == "treaty"
    assert "Lithuania: adherence July 24, 1929" in got["notes"]
    none = answer_question("When did Finland sign the Kellogg-Briand Pact?", kb)
    assert "Finland is not a party of Kellogg–Briand Pact" in none["notes"]


def test_an_impossible_day_is_refused_not_dropped(kb: KnowledgeBase) -> None:
    """1940-02-30 read as no date would answer the question over every day."""
    with pytest.raises(QuestionError) as e:
        answer_question("Was Estonia sovereign on 1940-02-30?", kb)
    assert str(e.value).startswith(
        'could not understand "1940-02-30" in "Was Estonia sovereign on 1940-02-30?": no such day'
    )
    got = answer_question("Was Estonia sovereign on 1940-02-28?", kb)
    assert got["query"]["args"]["on"] == "1940-02-28"
