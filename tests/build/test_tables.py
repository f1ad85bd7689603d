"""The corpus tables of a YAML corpus are written in bulk (one Arrow table each), with the
values the records hold."""

from __future__ import annotations

from typing import Any

import duckdb

from foedus.build.schema import TABLES
from foedus.build.tables import _rows, write_tables
from foedus.corpus import bundled_path, load_corpus


class Recording:
    """A DuckDB connection that keeps the SQL text it is given."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.sql: list[str] = []

    def execute(self, sql: str, *args: Any) -> Any:
        self.sql.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def test_corpus_tables_are_written_in_bulk_with_the_records_values() -> None:
    corpus = load_corpus(bundled_path())
    con = Recording(duckdb.connect())
    write_tables(con, corpus)  # type: ignore[arg-type]
    # no statement carries the rows as SQL text (the old way: one INSERT ... VALUES of them all)
    assert max(len(s) for s in con.sql) < 2_000
    rows = _rows(corpus)
    for name in TABLES:
        stored = con.con.execute(f"SELECT * FROM {name}").fetchall()
        assert sorted(map(repr, stored)) == sorted(map(repr, rows[name])), name
    assert con.con.execute("SELECT count(*) FROM parties").fetchone() == (len(rows["parties"]),)
