"""How often an answer reads the database (issue 18: every ``ask`` answer in at most 100 ms).

A question over a range is answered from one read of the range, not one a day; a yes/no
question is answered under every perspective from reads made once for all of them
(``foedus.query.common.shared_reads``). The answers are those made without sharing.
"""

from __future__ import annotations

import os

import pytest

from foedus.ask import answer_question, parse_question
from foedus.ask.verdict import verdict
from foedus.query import KnowledgeBase
from query_count import counted

QUESTIONS = {
    # question: at most this many queries (one a day and a perspective before: 12, 9, 22, 12)
    "Was the Riga treaty binding on Latvia and the USSR in June 1940?": 4,
    "was estonia soverign in 1939": 2,
    "What treaties linked the Soviet Union and the Baltic states in 1939?": 5,
    "Were the USSR and Germany bound by a treaty in the 1980s?": 4,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    os.environ.setdefault("FOEDUS_CACHE_DIR", str(tmp_path_factory.mktemp("ask-cache")))
    return KnowledgeBase()


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_answer_reads_the_database_a_few_times(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    answer_question(question, kb)  # the connection, the lexicon and the rule texts made
    with counted(monkeypatch) as seen:
        answer_question(question, kb)
    assert len(seen) <= QUESTIONS[question]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_answer_is_the_one_read_without_sharing(kb: KnowledgeBase, question: str) -> None:
    query = parse_question(question, kb)
    alone = query.run(kb)
    got = answer_question(question, kb)
    assert got["answer"] == alone
    assert got["verdict"] == verdict(query, kb, alone)
    assert got["verdict"] is None or set(got["verdict"]["by_perspective"]) == {
        p.id for p in kb.corpus.perspectives
    }
