"""The rules' texts an answer shows come from the ``rules`` table the build stores: a query
never parses a rule file, and each perspective's rows are read once per knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

import foedus.rules.load
import foedus.rules.programs
from foedus.query import KnowledgeBase
from foedus.query.rules import rule_texts, terminating_rules


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every parse of a rule file from now on (through any path that reads one)."""
    calls: list[str] = []
    real_program, real_load = foedus.rules.programs.program_for, foedus.rules.load.load_rules

    def program(corpus: Any, perspective: str) -> Any:
        calls.append(perspective)
        return real_program(corpus, perspective)

    def load(*args: Any, **kwargs: Any) -> Any:
        calls.append("load_rules")
        return real_load(*args, **kwargs)

    monkeypatch.setattr(foedus.rules.programs, "program_for", program)
    monkeypatch.setattr(foedus.rules.load, "load_rules", load)
    monkeypatch.setattr(foedus.rules, "load_rules", load)
    return calls


def test_answers_never_parse_the_rules(kb_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kb = KnowledgeBase(kb_factory().corpus)
    kb._db = kb_factory().db_path
    calls = _count_parses(monkeypatch)
    for day in ("1939-01-01", "1941-01-01", "1960-01-01"):
        kb.status("Estonia", day)
    nr = kb.with_perspective("non-recognition")
    nr.status("Latvia", "1960-01-01")
    diff = nr.compare("de-facto", "non-recognition", "latvia")
    assert calls == [], "no rule file parsed by an answer"
    # and the texts are there: the stored rule as written, with its place
    assert any(
        "(de-facto.rules:" in t for d in diff["differences"] for t in d["rule_text"].values()
    )


def test_the_rules_table_is_read_in_the_order_of_the_files(
    kb_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "with-rules.duckdb"
    shutil.copy(kb_factory().db_path, db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM rules")
    con.execute(
        "INSERT INTO rules VALUES "
        "('de-facto', 'annexation_ends_sovereignty', 'terminated', 'sovereign', 'annexation', "
        "'STORED TEXT (de-facto.rules:1)', 0), "
        "('soviet', 'second', 'terminated', 'sovereign', 'annexation', 'y', 2), "
        "('soviet', 'voluntary_accession', 'terminated', 'sovereign', 'annexation', "
        "'STORED (soviet.rules:8)', 1), "
        "('soviet', 'other', 'initiated', 'sovereign', 'annexation', 'x', 0)"
    )
    con.close()
    kb = KnowledgeBase(kb_factory().corpus)
    kb._db = db
    calls = _count_parses(monkeypatch)
    assert rule_texts(kb, "de-facto") == {
        "annexation_ends_sovereignty": "STORED TEXT (de-facto.rules:1)"
    }
    assert kb.rule_text("annexation_ends_sovereignty") == "STORED TEXT (de-facto.rules:1)"
    assert terminating_rules(kb, "soviet", "sovereign", "annexation") == [
        "voluntary_accession",
        "second",
    ]
    assert terminating_rules(kb, "soviet", "sovereign", "invasion") == []
    assert calls == [], "no rule file parsed"


def test_the_stored_texts_are_the_rule_files(kb_factory: Any) -> None:
    kb = kb_factory()
    texts = rule_texts(kb, "soviet")
    assert texts["voluntary_accession"].startswith(
        "voluntary_accession: terminated sovereign(X) when annexation(_, X)."
    )
    assert texts["voluntary_accession"].endswith("(soviet.rules:8)")
    assert terminating_rules(kb, "soviet", "sovereign", "annexation") == ["voluntary_accession"]


def test_a_database_without_the_table_shows_labels(
    kb_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "without-rules.duckdb"
    shutil.copy(kb_factory().db_path, db)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE rules")
    con.close()
    kb = KnowledgeBase(kb_factory().corpus)
    kb._db = db
    calls = _count_parses(monkeypatch)
    assert kb.rule_text("voluntary_accession") == "voluntary_accession"
    st = kb.status("Estonia", "1960-01-01")["status"]
    assert st["sovereign"] == [{"value": False, "certainty": "certain"}]
    assert calls == []
