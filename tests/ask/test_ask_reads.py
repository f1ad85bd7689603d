"""How often an answer reads the database (issue 18: every ``ask`` answer in at most 100 ms).

A question over a range is answered from one read of the range, not one a day; a yes/no
question is answered under every perspective from reads made once for all of them
(``foedus.query.common.shared_reads``). The answers are those made without sharing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from foedus.ask import answer_question, parse_question
from foedus.ask.verdict import verdict
from foedus.query import KnowledgeBase

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


@contextmanager
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL statements every knowledge base executes meanwhile (on any thread)."""
    seen: list[str] = []
    real = KnowledgeBase.cursor

    class Counting:
        def __init__(self, cursor: Any) -> None:
            self.cursor = cursor

        def execute(self, sql: str, *args: Any) -> Any:
            seen.append(sql)
            return self.cursor.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.cursor, name)

    with monkeypatch.context() as mp:
        mp.setattr(KnowledgeBase, "cursor", lambda self: Counting(real(self)))
        yield seen


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
