"""A small corpus's fluents step runs in one transaction on one thread (docs/performance.md,
cold start): the same rows, fewer of DuckDB's fixed costs per statement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from foedus import build as foedus_build
from foedus.backends.duckdb import SMALL_ROWS, input_rows, small_run
from foedus.build import fluents
from foedus.corpus import bundled_path, load_corpus


def threads(con: duckdb.DuckDBPyConnection) -> int:
    ((n,),) = con.execute("SELECT current_setting('threads')").fetchall()
    return int(n)


def test_a_small_run_is_one_transaction_on_one_thread(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    con.execute("SET threads = 2")
    con.execute("CREATE TABLE t (x INT)")
    other = con.cursor()
    with small_run(con, 10) as small:
        assert small
        assert threads(con) == 1
        con.execute("INSERT INTO t VALUES (1)")
        # another connection sees nothing before the commit: one transaction
        assert other.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    assert other.execute("SELECT count(*) FROM t").fetchall() == [(1,)]
    assert threads(con) == 2


def test_a_large_run_is_as_before(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    con.execute("SET threads = 2")
    con.execute("CREATE TABLE t (x INT)")
    other = con.cursor()
    with small_run(con, SMALL_ROWS + 1) as small:
        assert not small
        assert threads(con) == 2
        con.execute("INSERT INTO t VALUES (1)")
        assert other.execute("SELECT count(*) FROM t").fetchall() == [(1,)]


def test_a_failed_small_run_rolls_back_and_restores_the_threads(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "db.duckdb"))
    con.execute("SET threads = 2")
    con.execute("CREATE TABLE t (x INT)")
    with pytest.raises(RuntimeError), small_run(con, 10):
        con.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    assert threads(con) == 2


def test_input_rows_counts_the_tables_named() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE happenings AS SELECT range AS a FROM range(7)")
    con.execute("CREATE TABLE facts_x AS SELECT range AS a FROM range(5)")
    con.execute("CREATE TABLE other AS SELECT range AS a FROM range(100)")
    assert input_rows(con, ["happenings", "facts_x"]) == 12
    assert input_rows(con, []) == 0


def test_the_fluents_step_of_a_small_corpus_runs_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    run = fluents._run_perspectives

    def spy(con: duckdb.DuckDBPyConnection, *args: Any) -> None:
        seen.append(threads(con))
        run(con, *args)

    monkeypatch.setattr(fluents, "_run_perspectives", spy)
    db = foedus_build.build_database(
        load_corpus(bundled_path()), tmp_path / "bundled.duckdb", [fluents.store_fluents]
    )
    assert seen == [1]
    con = foedus_build.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM fluents").fetchall()[0][0] > 0
    finally:
        con.close()
