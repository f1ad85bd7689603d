"""DuckDB, as the rest of foedus imports it: its compiled extension, ``_duckdb``, alone.

The ``duckdb`` package re-exports that extension and adds, on import, a version lookup
through ``importlib.metadata``, DB-API type objects and its Python helpers; foedus uses
none of them (connections, relations and exceptions are the extension's own classes,
the same objects the package re-exports). Importing the extension alone saves 40–50 ms
of every process's start (a ``foedus run`` of a tiny narrative on its DuckDB path, a warm
CLI command): docs/decisions/0012-duckdb-extension-import.md. A DuckDB whose extension is
not importable under that name falls back to the package; types are checked against it.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb as duckdb
else:
    try:
        import _duckdb as duckdb
    except ImportError:  # pragma: no cover - a DuckDB packaged differently
        import duckdb

__all__ = ["duckdb"]
