"""What tests compare databases by."""

from __future__ import annotations

from pathlib import Path

import duckdb


def dump(db: Path) -> dict[str, list[str]]:
    """Every table (and view) of a database as sorted rows."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables ORDER BY ALL"
        ).fetchall()
        return {
            f"{s}.{t}": sorted(map(repr, con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall()))
            for s, t in names
        }
    finally:
        con.close()
