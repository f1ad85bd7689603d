"""A DuckDB build gives its plan the names as an ENUM (``encode`` of
:func:`foedus.engine.from_tables.store_engine_inputs`): the keys and values of the fluents made
from the happenings keep that type, also where a rule's value is ``_``; the happenings' kinds
are an ENUM of their own; the rows are those of
a build on the names as text; and the database keeps no type of its build, nor a column of one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foedus import build as foedus_build
from foedus.backends import duckdb as backend_module
from foedus.corpus import bundled_path, load_corpus
from foedus.engine import from_tables

GULF = Path(__file__).parents[1] / "corpora" / "gulf"
TABLES = ("fluents", "scenario_fluents", "breaches", "state_fluents")


def _rows(path: Path) -> dict[str, object]:
    con = foedus_build.connect(path)
    try:
        made = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        out: dict[str, object] = {
            t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in TABLES
            if t in made
        }
        out["types"] = con.execute(
            "SELECT type_name FROM duckdb_types() WHERE NOT internal UNION ALL "
            "SELECT data_type FROM duckdb_columns() WHERE data_type LIKE '%ENUM%'"
        ).fetchall()  # no type of the build's, no column of an ENUM
        return out
    finally:
        con.close()


@pytest.mark.parametrize("which", ["gulf", "bundled"])
def test_the_names_as_an_enum_give_the_rows_of_the_names_as_text(
    which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = load_corpus(GULF if which == "gulf" else bundled_path())
    _, steps = foedus_build.default_steps()
    made: dict[str, dict[str, str]] = {}  # a plan table -> its key and value columns' types
    execute = backend_module.DuckDBBackend.execute

    def typed(self: backend_module.DuckDBBackend, sql: str) -> None:
        execute(self, sql)
        for table in re.findall(r'^CREATE OR REPLACE TEMPORARY TABLE "(_foedus_\w+)"', sql):
            cols = self.con.execute(f'DESCRIBE "{table}"').fetchall()
            made[table] = {c[0]: c[1] for c in cols if re.fullmatch(r"k\d|value|name", c[0])}

    monkeypatch.setattr(backend_module.DuckDBBackend, "execute", typed)
    encoded = _rows(foedus_build.build_database(corpus, tmp_path / "enum.duckdb", steps))
    # the happenings' names reach the fluents' keys and values as the ENUM, a rule's "_"
    # value too (base.rules: "terminated controlled_by(X) = _ when ceases_to_exist(X)")
    term = made["_foedus_term_controlled_by"]
    assert term["k0"].startswith("ENUM(") and term["value"] == term["k0"]
    assert made["_foedus_next_controlled_by"]["value"] == term["k0"]
    # the happenings' own names (the kinds of happening the rules read) too, in sorted order:
    # the plan's event table is sorted by them, and each rule reads the rows of one
    kinds = re.findall(r"'([^']*)'", made["_foedus_ev"]["name"])
    assert made["_foedus_ev"]["name"].startswith("ENUM(") and kinds == sorted(kinds)
    assert {"occupation", "join", "comes_into_existence"} <= set(kinds)

    made.clear()
    inputs = from_tables.store_engine_inputs

    def as_text(con: object, corpus: object, stored: str, arity: int = 2, **_: object) -> None:
        inputs(con, corpus, stored, arity, encode=False)  # type: ignore[arg-type]

    monkeypatch.setattr(from_tables, "store_engine_inputs", as_text)
    text = _rows(foedus_build.build_database(corpus, tmp_path / "text.duckdb", steps))
    assert made["_foedus_term_controlled_by"]["value"] == "VARCHAR"
    assert encoded == text
    assert encoded["types"] == [] and encoded["fluents"] and encoded["breaches"]
