"""The rows of the query index's ``mentions`` (foedus.build.index): one per actor a
``fluents`` row names, stored by perspective and actor."""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb
import pytest

from foedus.build import index
from foedus.build.schema import create

ACTORS = ["a", "b", "c", "s10", "s9"]
ROWS: list[tuple[Any, ...]] = [
    # perspective, fluent, args, value
    ("p1", "binds", ["t1", "a", "b"], "true"),  # an instrument id and two actors
    ("p1", "protected", ["b", "a", "war"], "true"),  # an event type is no actor
    ("p1", "controlled_by", ["c"], "a"),  # the value names an actor
    ("p1", "controlled_by", ["a"], "a"),  # ... the one its argument names: once
    ("p1", "twice", ["b", "b", "c"], "c"),  # each actor once, however often named
    ("p1", "odd", ["nobody"], None),  # a NULL value, no actor: no row
    ("p0", "exists", ["s9"], "true"),
    ("p0", "exists", ["s10"], "true"),
    ("p0", "exists", ["s10"], "true"),  # the same row twice: two rows of each
    ("p2", "empty", [], "s9"),
    ("p2", "gap", [None, "a", "a"], "a"),  # a NULL argument names no one; "a" once
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE actors (id VARCHAR)")
    con.executemany("INSERT INTO actors VALUES (?)", [(a,) for a in reversed(ACTORS)])
    con.execute(create("fluents"))
    con.executemany(
        "INSERT INTO fluents VALUES (?, ?, ?, ?, 0, NULL, 'certain', 'r', NULL, NULL)", ROWS
    )
    return con


def expected() -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    for p, fluent, args, value in ROWS:
        for who in {x for x in [*args, value] if x in ACTORS}:
            out[(p, who, fluent, tuple(args), value)] += 1
    return out


def test_each_row_once_per_actor_it_names(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(index._mentions_sql(con).sql("duckdb")).fetchall()
    got = Counter((r[0], r[1], r[2], tuple(r[3]), r[4]) for r in rows)
    assert got == expected()
    assert sum(got.values()) == 14


def test_stored_by_perspective_and_actor(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET preserve_insertion_order = true")
    rows = con.execute(index._mentions_sql(con, ordered=True).sql("duckdb")).fetchall()
    keys = [(r[0], r[1]) for r in rows]
    assert keys == sorted(keys)  # the actor ids sort as text: s10 before s9
    assert keys[:3] == [("p0", "s10"), ("p0", "s10"), ("p0", "s9")]


def test_the_columns_given_a_compression_are_stored_with_it(kb_factory: Any) -> None:
    """The event ids, summaries and dates, and the provenance's event ids, are stored with
    the compression :data:`foedus.build.schema.COMPRESSION` gives them (zstd: DuckDB's own
    choice tries its dictionary and FSST on every block first), and no other text column is:
    the bundled corpus's shipped database, made by a build as any other."""
    from foedus.build.schema import COMPRESSION

    con = duckdb.connect(str(kb_factory().db_path), read_only=True)
    for table, given in COMPRESSION.items():
        stored = dict(
            con.execute(
                "SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info(?) "
                "WHERE segment_type = 'VARCHAR' AND count > 0 GROUP BY ALL",
                [table],
            ).fetchall()
        )
        for column, method in given.items():
            assert stored[column] == [method.upper()], (table, column, stored[column])
        others = {c for c, ms in stored.items() if c not in given and "ZSTD" in ms}
        assert not others, (table, others)
    con.close()
