"""Counting the SQL statements a knowledge base executes (tests of how often answers read)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from foedus.query import KnowledgeBase


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
