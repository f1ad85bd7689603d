"""The rules' texts as a query reads them: from the ``rules`` table the build stores, never
by parsing rule files per answer.

The table is ``rules(perspective, label, kind, fluent, event, text)``: ``kind`` is
``initiated``, ``terminated``, ``static``..., ``fluent`` the name of the head fluent,
``event`` the triggering event's type for an event rule, ``text`` the rule as written with
its ``(file:line)``, ``position`` its place in the perspective's rule files. Each
perspective's rows are read once per knowledge base (:class:`RuleBook`); a database built
without the step shows rule labels instead of texts (a query never parses a rule file).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp

from foedus.query.common import col, lit, run

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase

TABLE = "rules"


@dataclass(frozen=True)
class RuleRow:
    """One rule of a perspective, as the ``rules`` table holds it."""

    label: str
    kind: str
    fluent: str | None
    event: str | None
    text: str


@dataclass
class RuleBook:
    """The rules of each perspective a knowledge base has read, read once (shared by every
    perspective's view of the knowledge base)."""

    by_perspective: dict[str, list[RuleRow]] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stored: bool | None = None
    """Whether the database has the table (asked once, with the first perspective's rules)."""

    def rules(self, kb: KnowledgeBase, perspective: str) -> list[RuleRow]:
        found = self.by_perspective.get(perspective)
        if found is None:
            if self.stored is None:
                self.stored = _has_table(kb)
            found = _stored(kb, perspective) if self.stored else []
            with self.lock:
                self.by_perspective[perspective] = found
        return found


def _has_table(kb: KnowledgeBase) -> bool:
    query = (
        exp.select(exp.func("count", exp.Star()))
        .from_("information_schema.tables", copy=False)
        .where(col("table_schema").eq(lit("main")), col("table_name").eq(lit(TABLE)), copy=False)
    )
    return bool(run(kb, query)[0][0])


def _stored(kb: KnowledgeBase, perspective: str) -> list[RuleRow]:
    """The rows of the ``rules`` table (:func:`_has_table`) for ``perspective`` in the order of
    the rule files (a database built without the step has none: its answers show rule
    labels)."""
    query = (
        exp.select(*map(col, ("label", "kind", "fluent", "event", "text")))
        .from_(TABLE, copy=False)
        .where(col("perspective").eq(lit(perspective)), copy=False)
        .order_by(col("position"), copy=False)
    )
    return [RuleRow(*r) for r in run(kb, query)]


def rule_texts(kb: KnowledgeBase, perspective: str) -> dict[str, str]:
    """``{label: "<rule as written> (file:line)"}`` for every rule of ``perspective``."""
    book = kb.rule_book
    found = book.texts.get(perspective)
    if found is None:
        found = {r.label: r.text for r in book.rules(kb, perspective)}
        book.texts[perspective] = found
    return found


def terminating_rules(
    kb: KnowledgeBase, perspective: str, fluent: str, event: str, kind: str = "terminated"
) -> list[str]:
    """The labels of the rules of ``perspective`` that terminate ``fluent`` on an event of
    type ``event`` (``kind="initiated"``: that initiate it), in the order of the rule files."""
    return [
        r.label
        for r in kb.rule_book.rules(kb, perspective)
        if r.kind == kind and r.fluent == fluent and r.event == event
    ]
