"""Build step: the query index, which makes the answers' reads point look-ups.

The index lives in a schema of its own (:data:`foedus.build.schema.INDEX_SCHEMA`), so that the
database's ``main`` tables (what ``export csv|parquet`` writes) stay as they were.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.build.schema import (
    BEGIN,
    BREACH_KEYS,
    BREACHES_AGAINST,
    COMMIT,
    INDEX_META,
    INDEX_SCHEMA,
    MENTIONS,
    STORED_EVENTS,
    create,
    create_temp,
    set_setting,
    setting,
)
from foedus.duck import duckdb

__all__ = [
    "BREACHES_AGAINST",
    "BREACH_KEYS",
    "COLUMNS",
    "INDEX_META",
    "INDEX_SCHEMA",
    "MENTIONS",
    "index_current",
    "index_version",
    "store_breaches_against",
    "store_events_index",
    "store_index",
    "store_mentions",
    "update_index",
]

COLUMNS = 'fluent, args, value, start, "end", certainty, rule, initiated_by, terminated_by'


def store_index(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """Build step: the tables and indexes that make the answers' reads point look-ups.

    ``foedus_index.mentions`` holds every ``fluents`` row once for each actor it names (in
    its arguments or as its value), with that actor as ``who``, stored sorted by
    ``(perspective, who)``: the rows about one actor are then a few adjacent blocks, which
    DuckDB's min/max block statistics find without reading the others (instead of a scan of
    every row and a test of its argument list). ``foedus_index.breaches_against`` holds
    every ``breaches`` row once for each actor it is against (its beneficiary and its
    target), with the breaching event's type and earliest day, sorted the same way. The
    stored events (:data:`foedus.build.schema.STORED_EVENTS`: an event, its actors, targets
    and quotes in one row) get an ART index on the id (made here, after the rows: cheaper
    than a key checked row by row), so that a few events are read back by id without making
    every record.

    ``foedus_index.meta`` records the corpus content hash the index was made for: a database
    whose ``meta`` says otherwise (changed in place after the build) is read without the
    index (:func:`index_current`). Running the step again remakes the index.
    """
    store_mentions(con)
    store_events_index(con)
    store_breaches_against(con)


def store_mentions(con: duckdb.DuckDBPyConnection) -> None:
    """The part of :func:`store_index` that reads only ``fluents`` (:data:`MENTIONS`): a
    build makes it beside the breaches step, on a connection of its own, and then the
    events' index (:func:`foedus.build.builder._run_steps`)."""
    con.execute(_sql(exp.Create(this=exp.to_table(INDEX_SCHEMA), kind="SCHEMA", exists=True)))
    with _ordered(con):
        con.execute(_sql(exp.Drop(this=exp.to_table(MENTIONS), kind="TABLE", exists=True)))
        con.execute(create(MENTIONS))
        con.execute(_sql(exp.insert(_mentions_sql(con, ordered=True), MENTIONS)))


def store_events_index(con: duckdb.DuckDBPyConnection) -> None:
    """The stored events' ART index on their id (:func:`store_index`)."""
    index = exp.Index(
        this=exp.to_identifier(f"{INDEX_SCHEMA}_events"),
        table=exp.to_table(STORED_EVENTS),
        params=exp.IndexParameters(columns=[exp.Ordered(this=exp.column("id"))]),
    )
    con.execute(_sql(exp.Create(this=index, kind="INDEX", exists=True)))


def store_breaches_against(con: duckdb.DuckDBPyConnection) -> None:
    """The rest of :func:`store_index`: :data:`BREACHES_AGAINST` (it reads ``breaches``),
    and the stamp of the corpus the index was made for."""
    con.execute(_sql(exp.Create(this=exp.to_table(INDEX_SCHEMA), kind="SCHEMA", exists=True)))
    against = _breaches_against_sql().order_by("b.perspective", "w.who", dialect="duckdb")
    with _ordered(con):
        con.execute(_sql(exp.Drop(this=exp.to_table(BREACHES_AGAINST), kind="TABLE", exists=True)))
        made = exp.Create(this=exp.to_table(BREACHES_AGAINST), kind="TABLE", expression=against)
        con.execute(_sql(made))
    _stamp_index(con)


@contextmanager
def _ordered(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB keeping the rows of a table in the order inserted while the block runs (the
    ORDER BY is the point), then as before."""
    kept = con.execute(setting(_ORDER)).fetchone()
    con.execute(set_setting(_ORDER, True))
    try:
        yield
    finally:
        con.execute(set_setting(_ORDER, bool(kept and kept[0])))


#: DuckDB's setting that keeps the rows of a table in the order they were inserted
_ORDER = "preserve_insertion_order"
#: Whether the table ``?`` of the schema ``?`` exists (a count).
_HAS_TABLE = (
    exp.select(exp.Count(this=exp.Star()))
    .from_("information_schema.tables")
    .where(exp.column("table_schema").eq(exp.Placeholder()))
    .where(exp.column("table_name").eq(exp.Placeholder()))
)


def _sql(e: exp.Expression) -> str:
    return e.sql(dialect="duckdb")


def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    """DuckDB's function ``name`` as written (``len``, ``list_position``, ...)."""
    return exp.Anonymous(this=name, expressions=list(args))


def _columns() -> list[exp.Column]:
    return [exp.column(c.strip().strip('"'), quoted=True) for c in COLUMNS.split(",")]


def _mentions_sql(
    con: duckdb.DuckDBPyConnection, fluents: str = "fluents", ordered: bool = False
) -> exp.Select:
    """The rows of :data:`MENTIONS` for the rows of ``fluents`` (a table with the
    columns of ``fluents``): each once for every actor it names (in its arguments or as its
    value, each distinct name once); ``ordered``: sorted by perspective and actor (each by its
    rank among the perspectives and the actor ids, an integer: the same order as by their
    text, and a cheaper sort of the 10^7 wide rows).

    One scan of ``fluents`` per argument position and one for the value, each keeping a name
    that no earlier position holds (as many positions as the longest argument list): one scan
    that unnested the distinct names of ``list_append(args, value)`` copied every wide row
    once per name, 0.17 s of the 10^6 world's 0.5 s (0.30 s against 0.38 s this way, the same
    rows; docs/performance.md, "Session 32")."""
    (longest,) = con.execute(
        _sql(
            exp.select(
                _fn("coalesce", _fn("max", _fn("len", exp.column("args"))), exp.Literal.number(0))
            ).from_(fluents)
        )
    ).fetchone() or (0,)
    args = exp.column("args")

    def at(i: int) -> exp.Expression:  # the i-th argument, from 1
        return exp.maybe_parse(f"args[{i}]", dialect="duckdb")

    def scan(who: exp.Expression, *unless: exp.Expression) -> exp.Select:
        named = exp.and_(exp.not_(exp.Is(this=who.copy(), expression=exp.null())), *unless)
        return (
            exp.select("perspective", *_columns(), exp.alias_(who, "who"))
            .from_(fluents)
            .where(named)
        )

    scans = [
        scan(at(i), *(exp.NullSafeNEQ(this=at(i), expression=at(j)) for j in range(1, i)))
        for i in range(1, int(longest) + 1)
    ]
    in_args = _fn("coalesce", _fn("list_contains", args.copy(), exp.column("value")), exp.false())
    scans.append(scan(exp.column("value"), exp.not_(in_args)))
    each = exp.union(*scans, distinct=False) if len(scans) > 1 else scans[0]
    named = [exp.column(c.name, "m", quoted=True) for c in _columns()]
    q = (
        exp.select("m.perspective", "m.who", *named)
        .from_(exp.Subquery(this=each, alias=exp.TableAlias(this=exp.to_identifier("m"))))
        .join(_ranked(exp.to_table("actors"), "id", "k"), on="k.id = m.who")
    )
    if not ordered:
        return q
    # sorted by two integers, not by the perspective's text: 0.46-0.50 s against 0.54-0.58 s
    # for the 10^6 world's 750,000 rows, alone (docs/performance.md, "Session 35")
    views = exp.select("perspective").distinct().from_(fluents)
    q = q.join(_ranked(views.subquery(), "perspective", "pk"), on="pk.perspective = m.perspective")
    return q.order_by("pk.rank", "k.rank", dialect="duckdb")


def _ranked(source: exp.Expression, column: str, alias: str) -> exp.Subquery:
    """``column`` of ``source`` with its ``rank`` among them (1, 2, .. in its sort order), as
    the subquery ``alias``."""
    order = exp.Order(expressions=[exp.Ordered(this=exp.column(column))])
    rank = exp.alias_(exp.Window(this=exp.RowNumber(), order=order), "rank")
    ranked = exp.select(column, rank).from_(source)
    return exp.Subquery(this=ranked, alias=exp.TableAlias(this=exp.to_identifier(alias)))


@cache
def _breaches_against() -> exp.Expression:
    """The rows of :data:`BREACHES_AGAINST` for the rows of ``breaches`` (``b``), parsed on
    first use (this module is on a warm command's start-up path: the parse cost ~6 ms)."""
    return sqlglot.parse_one(
        "SELECT b.perspective, w.who, b.event_id, b.actor, b.target, b.beneficiary, b.via, "
        "b.instrument, b.clause, b.certainty, "
        "e.type AS event_type, e.date_earliest AS event_earliest FROM breaches AS b "
        "CROSS JOIN LATERAL (SELECT DISTINCT unnest([b.beneficiary, b.target]) AS who) AS w "
        "JOIN events AS e ON e.id = b.event_id WHERE w.who IS NOT NULL",
        read="duckdb",
    )


def _breaches_against_sql(where: exp.Expression | None = None) -> exp.Select:
    """The rows of :data:`BREACHES_AGAINST` for the rows of ``breaches`` (``b``) that
    satisfy ``where``."""
    q = _breaches_against().copy()
    assert isinstance(q, exp.Select)
    return q.where(exp.paren(where)) if where is not None else q


def _stamp_index(con: duckdb.DuckDBPyConnection) -> None:
    rows = (
        exp.select(exp.alias_(exp.column("value"), "content_hash"))
        .from_("meta")
        .where(exp.EQ(this=exp.column("key"), expression=exp.Literal.string("content_hash")))
    )
    stamp = exp.Create(this=exp.to_table(INDEX_META), kind="TABLE", replace=True, expression=rows)
    con.execute(_sql(stamp))


def update_index(con: duckdb.DuckDBPyConnection, corpus: Any, changes: Any) -> None:
    """The query index of :func:`store_index` after an incremental update
    (:class:`foedus.build.incremental.sql.Changes`): the rows of the keys whose ``fluents``
    rows were replaced, and of the events whose breaches were, are replaced in turn
    (appended after the sorted rows: a few more blocks to read for the actors they name). A
    database without the index gets it in full."""
    row = con.execute(_sql(_HAS_TABLE), INDEX_META.split(".")).fetchone()
    if not row or not row[0]:
        store_index(con, corpus)
        return

    # row values IN a subquery: a hash semi-join (a correlated EXISTS on the list column
    # is planned as a slow per-row comparison: 14 s instead of 1.5 s at 10^6)
    def key() -> exp.Tuple:
        return exp.Tuple(expressions=[exp.column(c) for c in ("perspective", "fluent", "args")])

    def is_changed() -> exp.In:
        keys = exp.select(key()).from_(changes.changed_keys)
        return exp.In(this=key(), query=exp.Subquery(this=keys))

    changed = "_foedus_index_changed"
    con.execute(BEGIN)
    con.execute(_sql(exp.delete(MENTIONS, where=is_changed())))
    rows = exp.select("*").from_("fluents").where(is_changed())
    con.execute(create_temp(changed, rows))
    con.execute(_sql(exp.insert(_mentions_sql(con, changed), MENTIONS)))
    con.execute(_sql(exp.Drop(this=exp.table_(changed, db="temp"), kind="TABLE")))

    def of_events(column: exp.Column) -> exp.In:
        events = exp.select("event_id").from_(changes.breach_events)
        return column.isin(query=events)

    con.execute(_sql(exp.delete(BREACHES_AGAINST, where=of_events(exp.column("event_id")))))
    against = _breaches_against_sql(of_events(exp.column("event_id", "b")))
    con.execute(_sql(exp.insert(against, BREACHES_AGAINST)))
    _stamp_index(con)
    con.execute(COMMIT)


store_index.incremental = update_index  # type: ignore[attr-defined]


def index_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database has the query index of :func:`store_index`, made for its
    content (a database without it is read without it, and answers the same, more slowly)."""
    row = con.execute(_sql(_HAS_TABLE), INDEX_META.split(".")).fetchone()
    if not row or not row[0]:
        return False
    stamped = (
        exp.select(exp.Count(this=exp.Star()))
        .from_(exp.to_table(INDEX_META).as_("i"))
        .join("meta AS m", on="m.key = 'content_hash' AND m.value = i.content_hash")
    )
    row = con.execute(_sql(stamped)).fetchone()
    return bool(row and row[0])


def index_version() -> str:
    """The cache version of :func:`store_index`: a hash of this module's bytes (its code and
    its SQL constants; any edit of the module gives a new version), made once per process
    (a warm command reads the version to find its database: reading the functions' source
    with :mod:`inspect` cost ~25 ms each time)."""
    global _index_version
    if _index_version is None:
        try:
            with open(inspect.getsourcefile(store_index) or "", "rb") as f:
                code = f.read()
        except OSError:  # no source (a frozen install): the bytecode and its constants
            parts = (
                store_index,
                store_mentions,
                store_breaches_against,
                _mentions_sql,
                _breaches_against_sql,
                _stamp_index,
                update_index,
            )
            code = repr([(p.__code__.co_code, p.__code__.co_consts) for p in parts]).encode()
        text = COLUMNS + MENTIONS + INDEX_META + BREACHES_AGAINST + ",".join(BREACH_KEYS)
        _index_version = hashlib.sha256(code + text.encode()).hexdigest()[:12]
    return _index_version


_index_version: str | None = None
