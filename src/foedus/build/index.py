"""Build step: the query index, which makes the answers' reads point look-ups.

The index lives in a schema of its own (:data:`foedus.build.schema.INDEX_SCHEMA`), so that the
database's ``main`` tables (what ``export csv|parquet`` writes) stay as they were.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

import duckdb

from foedus.build.schema import BREACHES_AGAINST, INDEX_META, INDEX_SCHEMA, MENTIONS

__all__ = [
    "BREACHES_AGAINST",
    "BREACH_KEYS",
    "COLUMNS",
    "INDEX_META",
    "INDEX_SCHEMA",
    "MENTIONS",
    "index_current",
    "index_version",
    "store_index",
    "update_index",
]

COLUMNS = 'fluent, args, value, start, "end", certainty, rule, initiated_by, terminated_by'
BREACH_KEYS = (
    "event_id",
    "actor",
    "target",
    "beneficiary",
    "via",
    "instrument",
    "clause",
    "certainty",
)


def store_index(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """Build step: the tables and indexes that make the answers' reads point look-ups.

    ``foedus_index.mentions`` holds every ``fluents`` row once for each actor it names (in
    its arguments or as its value), with that actor as ``who``, stored sorted by
    ``(perspective, who)``: the rows about one actor are then a few adjacent blocks, which
    DuckDB's min/max block statistics find without reading the others (instead of a scan of
    every row and a test of its argument list). ``foedus_index.breaches_against`` holds
    every ``breaches`` row once for each actor it is against (its beneficiary and its
    target), with the breaching event's type and earliest day, sorted the same way. The
    event tables get ART indexes on the event id, so that a few events are read back by id
    without making every record.

    ``foedus_index.meta`` records the corpus content hash the index was made for: a database
    whose ``meta`` says otherwise (changed in place after the build) is read without the
    index (:func:`index_current`). Running the step again remakes the index.
    """
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = true")  # the ORDER BY is the point
    try:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {INDEX_SCHEMA}")
        con.execute(f"DROP TABLE IF EXISTS {MENTIONS}")
        con.execute(f"CREATE TABLE {MENTIONS} AS {_mentions_sql(con, ordered=True)}")
        con.execute(f"DROP TABLE IF EXISTS {BREACHES_AGAINST}")
        con.execute(
            f"CREATE TABLE {BREACHES_AGAINST} AS {_breaches_against_sql()} "
            "ORDER BY b.perspective, w.who"
        )
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(kept and kept[0])}")
    for table, column in (
        ("event_actors", "event_id"),
        ("event_targets", "event_id"),
        ("quotes", "owner_id"),
    ):
        con.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_SCHEMA}_{table} ON {table} ({column})")
    _stamp_index(con)


def _mentions_sql(
    con: duckdb.DuckDBPyConnection, fluents: str = "fluents", ordered: bool = False
) -> str:
    """The rows of :data:`MENTIONS` for the rows of ``fluents`` (a table or a query with the
    columns of ``fluents``): each once for every actor it names; ``ordered``: sorted by
    perspective and actor (the actor by its rank among the actor ids, an integer: the same
    order as by the id, and a cheaper sort of the 10^7 wide rows)."""
    row = con.execute("SELECT coalesce(max(len(args)), 0) FROM fluents").fetchone()
    arity = int(row[0]) if row else 0
    cols = f"perspective, {COLUMNS}"
    parts = [
        f"SELECT {cols}, args[{i}] AS who FROM {fluents} "
        f"WHERE len(args) >= {i} AND list_position(args, args[{i}]) = {i}"
        for i in range(1, arity + 1)
    ]
    parts.append(f"SELECT {cols}, value AS who FROM {fluents} WHERE NOT list_contains(args, value)")
    named = ", ".join("m." + c.strip() for c in COLUMNS.split(","))
    return (
        f"SELECT m.perspective, m.who, {named} FROM ("
        + " UNION ALL ".join(parts)
        + ") AS m JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM actors) "
        "AS k ON k.id = m.who" + (" ORDER BY m.perspective, k.rank" if ordered else "")
    )


def _breaches_against_sql(where: str = "TRUE") -> str:
    """The rows of :data:`BREACHES_AGAINST` for the rows of ``breaches`` (``b``) that
    satisfy ``where``."""
    return (
        f"SELECT b.perspective, w.who, {', '.join('b.' + k for k in BREACH_KEYS)}, "
        "e.type AS event_type, e.date_earliest AS event_earliest FROM breaches AS b "
        "CROSS JOIN LATERAL (SELECT DISTINCT unnest([b.beneficiary, b.target]) AS who) AS w "
        f"JOIN events AS e ON e.id = b.event_id WHERE w.who IS NOT NULL AND ({where})"
    )


def _stamp_index(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {INDEX_META} AS SELECT value AS content_hash "
        "FROM meta WHERE key = 'content_hash'"
    )


def update_index(con: duckdb.DuckDBPyConnection, corpus: Any, changes: Any) -> None:
    """The query index of :func:`store_index` after an incremental update
    (:class:`foedus.build.incremental.sql.Changes`): the rows of the keys whose ``fluents``
    rows were replaced, and of the events whose breaches were, are replaced in turn
    (appended after the sorted rows: a few more blocks to read for the actors they name). A
    database without the index gets it in full."""
    schema, table = INDEX_META.split(".")
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    if not row or not row[0]:
        store_index(con, corpus)
        return
    # row values IN a subquery: a hash semi-join (a correlated EXISTS on the list column
    # is planned as a slow per-row comparison: 14 s instead of 1.5 s at 10^6)
    keys = f"(SELECT (perspective, fluent, args) FROM {changes.changed_keys})"
    changed = "_foedus_index_changed"
    con.execute("BEGIN TRANSACTION")
    con.execute(f"DELETE FROM {MENTIONS} WHERE (perspective, fluent, args) IN {keys}")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {changed} AS SELECT * FROM fluents "
        f"WHERE (perspective, fluent, args) IN {keys}"
    )
    con.execute(f"INSERT INTO {MENTIONS} {_mentions_sql(con, changed)}")
    con.execute(f"DROP TABLE temp.{changed}")
    events = f"(SELECT event_id FROM {changes.breach_events})"
    con.execute(f"DELETE FROM {BREACHES_AGAINST} WHERE event_id IN {events}")
    con.execute(
        f"INSERT INTO {BREACHES_AGAINST} " + _breaches_against_sql(f"b.event_id IN {events}")
    )
    _stamp_index(con)
    con.execute("COMMIT")


store_index.incremental = update_index  # type: ignore[attr-defined]


def index_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database has the query index of :func:`store_index`, made for its
    content (a database without it is read without it, and answers the same, more slowly)."""
    schema, table = INDEX_META.split(".")
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    if not row or not row[0]:
        return False
    row = con.execute(
        f"SELECT count(*) FROM {INDEX_META} AS i JOIN meta AS m "
        "ON m.key = 'content_hash' AND m.value = i.content_hash"
    ).fetchone()
    return bool(row and row[0])


def index_version() -> str:
    """The cache version of :func:`store_index`: a hash of its code."""
    parts = (store_index, _mentions_sql, _breaches_against_sql, _stamp_index, update_index)
    try:
        code = "".join(inspect.getsource(f) for f in parts)
    except OSError:  # no source (a frozen install): the bytecode
        code = "".join(f.__code__.co_code.hex() for f in parts)
    text = code + COLUMNS + MENTIONS + INDEX_META + BREACHES_AGAINST + ",".join(BREACH_KEYS)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
