"""The small SQL helpers and the names of the temporary tables of an incremental update."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from sqlglot import exp

_P = "_foedus_inc_"  # every table an update makes is temporary and named so
_EV = "_foedus_ev"
_NEXT = "_foedus_next_"
_FL_COLS = ("value", "start", '"end"', "rule", "initiated_by", "terminated_by")
FOREVER = 4611686018427387904  # 2^62: an open end in comparisons (as the breach query)


def _q(name: str) -> str:
    """``name`` as a quoted identifier (a sqlglot identifier, rendered)."""
    return exp.to_identifier(name, quoted=True).sql("duckdb")


def _lit(value: str) -> str:
    """``value`` as a string literal (a sqlglot literal, rendered): never pasted text."""
    return exp.Literal.string(value).sql("duckdb")


def _ks(n: int, alias: str = "") -> list[str]:
    a = f"{alias}." if alias else ""
    return [f"{a}k{i}" for i in range(n)]


def _match(pairs: Iterable[tuple[str, str]]) -> str:
    conds = [f"{a} IS NOT DISTINCT FROM {b}" for a, b in pairs]
    return " AND ".join(conds) if conds else "TRUE"


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


def _renamed(q: exp.Expression, names: dict[str, str]) -> exp.Expression:
    q = q.copy()
    for t in list(q.find_all(exp.Table)):
        if t.name in names and not t.args.get("db"):
            t.set("this", exp.to_identifier(names[t.name]))
    return q


def _create(table: str, query: exp.Expression) -> str:
    stmt = exp.Create(
        this=exp.Table(this=exp.to_identifier(table)),
        kind="TABLE",
        replace=True,
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    return stmt.sql(dialect="duckdb", identify=True)


@dataclass(frozen=True)
class Changes:
    """What an update changed, as temporary tables of the updated database's connection, for
    a registered step that updates its own tables (a function ``step.incremental(con, corpus,
    changes)``; without one, the step runs again in full)."""

    new_events: str = f"{_P}new_ids"
    """``(id)``: the added events."""
    changed_keys: str = f"{_P}changed_keys"
    """``(perspective, fluent, args VARCHAR[])``: the keys whose rows of ``fluents`` were
    replaced (deleted, and inserted anew where they still have intervals)."""
    breach_events: str = f"{_P}affected"
    """``(event_id)``: the events whose rows of ``breaches`` were replaced."""


CHANGES = Changes()
