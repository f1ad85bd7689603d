"""The rules' texts an answer shows are read once per knowledge base: from the ``rules`` table
when the build stored it, else (an older database) by parsing the rule files once."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from foedus import reasoning
from foedus.query import KnowledgeBase
from foedus.query.rules import rule_texts, terminating_rules


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = reasoning.program_for

    def counted(corpus: Any, perspective: str) -> Any:
        calls.append(perspective)
        return real(corpus, perspective)

    monkeypatch.setattr(reasoning, "program_for", counted)
    return calls


def test_status_parses_the_rules_once_per_perspective(
    kb_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = KnowledgeBase(kb_factory().corpus)
    kb._db = kb_factory().db_path
    calls = _count_parses(monkeypatch)
    for day in ("1939-01-01", "1941-01-01", "1960-01-01"):
        kb.status("Estonia", day)
    nr = kb.with_perspective("non-recognition")
    nr.status("Latvia", "1960-01-01")
    nr.compare("de-facto", "non-recognition", "latvia")
    assert set(calls) == {"de-facto", "non-recognition"}
    # a perspective's texts and its rule rows are read once (one parse each): never per answer
    assert all(calls.count(p) <= 2 for p in set(calls)), calls


def test_the_rules_table_is_read_when_the_build_stored_it(
    kb_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "with-rules.duckdb"
    shutil.copy(kb_factory().db_path, db)
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE rules (perspective VARCHAR, label VARCHAR, kind VARCHAR, "
        "fluent VARCHAR, event VARCHAR, text VARCHAR)"
    )
    con.execute(
        "INSERT INTO rules VALUES "
        "('de-facto', 'annexation_ends_sovereignty', 'terminated', 'sovereign', 'annexation', "
        "'STORED TEXT (de-facto.rules:1)'), "
        "('soviet', 'voluntary_accession', 'terminated', 'sovereign', 'annexation', "
        "'STORED (soviet.rules:8)'), "
        "('soviet', 'other', 'initiated', 'sovereign', 'annexation', 'x')"
    )
    con.close()
    kb = KnowledgeBase(kb_factory().corpus)
    kb._db = db
    calls = _count_parses(monkeypatch)
    assert rule_texts(kb, "de-facto") == {
        "annexation_ends_sovereignty": "STORED TEXT (de-facto.rules:1)"
    }
    assert kb.rule_text("annexation_ends_sovereignty") == "STORED TEXT (de-facto.rules:1)"
    assert terminating_rules(kb, "soviet", "sovereign", "annexation") == ["voluntary_accession"]
    assert terminating_rules(kb, "soviet", "sovereign", "invasion") == []
    assert calls == [], "no rule file parsed"


def test_without_the_table_the_texts_are_the_rule_files(kb_factory: Any) -> None:
    kb = kb_factory()
    texts = rule_texts(kb, "soviet")
    assert texts["voluntary_accession"].startswith(
        "voluntary_accession: terminated sovereign(X) when annexation(_, X)."
    )
    assert texts["voluntary_accession"].endswith("(soviet.rules:8)")
    assert terminating_rules(kb, "soviet", "sovereign", "annexation") == ["voluntary_accession"]
