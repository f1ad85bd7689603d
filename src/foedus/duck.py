"""DuckDB, as the rest of foedus imports it: its compiled extension, ``_duckdb``, alone.

The ``duckdb`` package re-exports that extension and adds, on import, a version lookup
through ``importlib.metadata``, DB-API type objects and its Python helpers; foedus uses
none of them (connections, relations and exceptions are the extension's own classes,
the same objects the package re-exports). Importing the extension alone saves 40–50 ms
of every process's start (a ``foedus run`` of a tiny narrative on its DuckDB path, a warm
CLI command): docs/decisions/0012-duckdb-extension-import.md. A DuckDB whose extension is
not importable under that name falls back to the package; types are checked against it.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb as duckdb
    import pyarrow as pa
else:
    try:
        import _duckdb as duckdb
    except ImportError:  # pragma: no cover - a DuckDB packaged differently
        import duckdb

__all__ = ["arrow_table", "duckdb", "insert_arrow", "with_arrow"]


def with_arrow() -> None:
    """Make DuckDB 2's extension read and write Arrow data. The extension alone neither scans
    an Arrow table (``register`` then fails: "Python Arrow objects cannot be scanned") nor
    returns one: the ``duckdb`` package sets both up, with its relational API, when it is
    imported. So the package is imported here, on first use, by the few steps that move many
    rows at once (a build, an evaluation, a Parquet corpus's checks); a warm answer never
    gets here (decision 0015)."""
    import duckdb as package  # noqa: F401 - the import is the point


def arrow_table(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """The rows of ``sql`` as one Arrow table (see :func:`with_arrow`)."""
    with_arrow()
    rel = con.sql(sql)
    assert rel is not None, sql
    return rel.to_arrow_table()


def insert_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Append an Arrow table to table ``name`` (maybe ``schema.table``) in one scan: the
    table registered as a view, inserted, unregistered (rows bound as parameters instead,
    DuckDB's client tries to import pandas once for every value)."""
    from sqlglot import exp  # here: this module is imported by every command's start

    with_arrow()
    view = f"_foedus_in_{name.replace('.', '_')}"
    con.register(view, table)
    try:
        con.execute(exp.insert(exp.select("*").from_(view), name).sql("duckdb"))
    except BaseException:
        # the insert's own error, not the one DuckDB 2 gives for unregistering in the
        # transaction it aborted ("Current transaction is aborted")
        with suppress(duckdb.Error):
            con.unregister(view)
        raise
    con.unregister(view)
