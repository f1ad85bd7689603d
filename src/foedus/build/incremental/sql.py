"""The small SQL helpers and the names of the temporary tables of an incremental update."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from foedus.duck import duckdb

_P = "_foedus_inc_"  # every table an update makes is temporary and named so
_EV = "_foedus_ev"
_NEXT = "_foedus_next_"
_FL_COLS = ("value", "start", "end", "rule", "initiated_by", "terminated_by")
FOREVER = 4611686018427387904  # 2^62: an open end in comparisons (as the breach query)


def _q(name: str) -> str:
    """``name`` as a quoted identifier (a sqlglot identifier, rendered)."""
    return exp.to_identifier(name, quoted=True).sql("duckdb")


def _lit(value: str) -> exp.Literal:
    """``value`` as a string literal (a sqlglot literal): never pasted text."""
    return exp.Literal.string(value)


def _sql(e: exp.Expression) -> str:
    """One statement rendered for DuckDB, every identifier quoted (``end`` is a keyword)."""
    return e.sql(dialect="duckdb", identify=True)


def _tbl(name: str, alias: str | None = None, db: str | None = None) -> exp.Table:
    """The table ``name`` (in schema ``db``, or named ``schema.table``), as ``alias``."""
    if db is None and "." in name:
        db, name = name.split(".", 1)
    return exp.Table(
        this=exp.to_identifier(name, quoted=True),
        db=exp.to_identifier(db) if db else None,
        alias=exp.TableAlias(this=exp.to_identifier(alias)) if alias else None,
    )


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table, quoted=True)


def _ks(n: int, alias: str = "") -> list[exp.Column]:
    return [_col(f"k{i}", alias or None) for i in range(n)]


def _fl_cols() -> list[exp.Column]:
    return [_col(c) for c in _FL_COLS]


def _null(type_: str, name: str) -> exp.Alias:
    """``NULL::type_ AS name``."""
    return exp.alias_(exp.cast(exp.null(), type_), name, quoted=True)


def _match(pairs: Iterable[tuple[exp.Expression, exp.Expression]]) -> exp.Expression:
    conds = [exp.NullSafeEQ(this=a, expression=b) for a, b in pairs]
    return exp.and_(*conds) if conds else exp.true()


def _star(table: str | exp.Expression, alias: str | None = None) -> exp.Select:
    """``SELECT * FROM table`` (a name, or a query as a subquery)."""
    if isinstance(table, str):
        return exp.select("*").from_(_tbl(table, alias))
    return exp.select("*").from_(
        exp.Subquery(
            this=table, alias=exp.TableAlias(this=exp.to_identifier(alias)) if alias else None
        )
    )


def _exists(table: str, alias: str, cond: exp.Expression) -> exp.Exists:
    """``EXISTS (SELECT 1 FROM table AS alias WHERE cond)``."""
    return exp.Exists(this=exp.select(exp.Literal.number(1)).from_(_tbl(table, alias)).where(cond))


def _count(
    con: duckdb.DuckDBPyConnection, query: exp.Expression | str, params: Sequence[Any] = ()
) -> int:
    sql = query if isinstance(query, str) else _sql(query)
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


def _count_of(table: str | exp.Expression) -> exp.Select:
    """``SELECT count(*) FROM table``."""
    src = _tbl(table) if isinstance(table, str) else exp.Subquery(this=table)
    return exp.select(exp.Count(this=exp.Star())).from_(src)


def _eq(a: exp.Expression, b: exp.Expression) -> exp.EQ:
    return exp.EQ(this=a, expression=b)


def _union_all(parts: list[exp.Query]) -> exp.Query:
    """The parts one after the other (``UNION ALL``); one part is itself."""
    return exp.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


def _create(table: str, query: exp.Expression, kind: str = "TABLE") -> str:
    """``CREATE OR REPLACE TEMP TABLE|VIEW table AS query``, rendered."""
    stmt = exp.Create(
        this=exp.Table(this=exp.to_identifier(table)),
        kind=kind,
        replace=True,
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    return _sql(stmt)


def _drop(name: str, kind: str = "TABLE") -> str:
    """``DROP TABLE|VIEW IF EXISTS temp.name``, rendered."""
    return _sql(exp.Drop(this=_tbl(name, db="temp"), kind=kind, exists=True))


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
