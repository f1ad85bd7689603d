"""A large build's plan run side by side on two connections (foedus.backends.side): what each
statement waits for, the run itself, and the same database as a run in order."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest

from databases import dump
from foedus import build as foedus_build
from foedus.backends import duckdb as duck_backend
from foedus.backends import side
from foedus.backends.base import Loop
from foedus.backends.duckdb import DuckDBBackend
from foedus.build import fluents
from foedus.corpus import bundled_path, load_corpus
from foedus.generate import generate_world

GULF = Path(__file__).parents[1] / "corpora" / "gulf"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))


def test_what_each_statement_writes_and_mentions() -> None:
    script: list[Any] = [
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."_foedus_a" AS SELECT "x" FROM "h"',
        'CREATE OR REPLACE TEMP TABLE intervals (fluent VARCHAR, "end" BIGINT)',
        'DROP TABLE IF EXISTS "_foedus_a"; ALTER TABLE "_foedus_b" RENAME TO "_foedus_a"',
        'DELETE FROM "_foedus_c" WHERE "k0" IN (SELECT "k0" FROM "_foedus_d")',
        'INSERT INTO intervals SELECT * FROM "_foedus_e"',
        "BEGIN TRANSACTION",
        'INSERT INTO "t" SELECT 1',
        "COMMIT",
        'SELECT SUM("n") AS "changed" FROM "_foedus_f"',
        "CHECKPOINT",
        'ALTER TABLE "_foedus_g" ADD COLUMN "y" INT',
    ]
    got = list(side.units(script))
    assert [len(u.ops) for u in got] == [1, 1, 1, 1, 1, 3, 1, 1, 1]
    first, out, moved, patched, append, transaction, changed, checkpoint, altered = got
    assert first.writes == {"_foedus_a"} and {"x", "h"} <= first.mentions
    assert "_foedus_a" not in first.mentions  # the table it makes is what it writes
    assert out.writes == {"intervals"} and not out.barrier
    assert moved.writes == {"_foedus_a", "_foedus_b"}  # a rename writes both names
    assert patched.writes == {"_foedus_c"} and "_foedus_d" in patched.mentions
    assert append.appends == {"intervals"} and not append.writes
    assert "_foedus_e" in append.mentions
    assert transaction.appends == {"t"} and not transaction.barrier
    assert not changed.writes and not changed.appends and not changed.barrier
    assert checkpoint.barrier  # not one table's: before and after everything
    assert altered.barrier  # an ALTER that is not a rename
    with pytest.raises(ValueError, match="COMMIT"):
        list(side.units(["BEGIN TRANSACTION", "SELECT 1"]))


def test_what_each_statement_waits_for() -> None:
    script = [
        'CREATE OR REPLACE TABLE "a" AS SELECT 1 AS "v"',  # 0
        'CREATE OR REPLACE TABLE "b" AS SELECT 2 AS "v"',  # 1
        'CREATE OR REPLACE TABLE "c" AS SELECT * FROM "a"',  # 2: reads what 0 writes
        'INSERT INTO "out" SELECT * FROM "b"',  # 3
        'INSERT INTO "out" SELECT * FROM "c"',  # 4: another append to "out"
        'DROP TABLE IF EXISTS "a"',  # 5: after 2, which reads it
        'SELECT count(*) FROM "out"',  # 6: after both appends
        "CHECKPOINT",  # 7: after everything
        'SELECT 1 AS "v"',  # 8: after the barrier
    ]
    plan = list(side.units(script))
    waits = [side.waits_for(plan[:i], u) for i, u in enumerate(plan)]
    assert waits[0] == [] and waits[1] == []
    assert waits[2] == [0]
    assert waits[3] == [1]
    assert waits[4] == [2]  # not 3: two appends to one table, in either order
    assert waits[5] == [0, 2]
    assert waits[6] == [3, 4]
    assert waits[7] == list(range(7))
    assert waits[8] == [7]


def _scratch_backend(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, DuckDBBackend]:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    backend = DuckDBBackend(con)
    backend.output_in_one_transaction = True
    backend.workers = 2
    return con, backend


def test_a_run_side_by_side_makes_every_table(tmp_path: Path) -> None:
    """Units that read nothing of each other run on two connections at once (the two marked
    statements each wait until the other has started); a table made on one is read on the
    other; what reads a temporary table of the calling connection runs there; appends to one
    table run in any order; a cycle runs until it settles."""
    con, backend = _scratch_backend(tmp_path)
    con.execute("CREATE TABLE intervals (v INT)")
    con.execute("CREATE TEMP TABLE here AS SELECT 40 AS v")
    both = threading.Barrier(2, timeout=30)
    seen: list[str] = []
    meeting: set[int] = set()
    execute = duckdb.DuckDBPyConnection.execute

    class Spy(DuckDBBackend):
        def execute(self, sql: str) -> None:
            seen.append(sql)
            if "AS meet" in sql:  # each waits until the other has started
                meeting.add(id(self.con))
                both.wait()
            super().execute(sql)

    backend.__class__ = Spy
    script: list[Any] = [
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."a" AS SELECT 1 AS "v", 1 AS meet',
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."b" AS SELECT 2 AS "v", 1 AS meet',
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."c" AS SELECT "v" + 1 AS "v" FROM "a"',
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."d" AS SELECT "v" FROM "here"',
        Loop(
            body=(
                'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."n" AS SELECT "v" + 1 AS "v" '
                'FROM "b"',
            ),
            changed='SELECT count(*) FROM "n" WHERE "v" < 5',
            swap=('DROP TABLE IF EXISTS "b"; ALTER TABLE "n" RENAME TO "b"',),
            max_rounds=10,
            fluents=("b",),
        ),
        'INSERT INTO intervals SELECT "v" FROM "c"',
        'INSERT INTO intervals SELECT "v" FROM "d"',
        'INSERT INTO intervals SELECT "v" FROM "b"',
        'DROP TABLE IF EXISTS "a"',
    ]
    with side.scratch_catalog(con):
        backend.play(script)
        assert execute(con, 'SELECT "v" FROM "c"').fetchall() == [(2,)]
    assert sorted(v for (v,) in con.execute("SELECT v FROM intervals").fetchall()) == [2, 4, 40]
    assert sum(s.startswith("INSERT INTO intervals") for s in seen) in (1, 2, 3)
    assert len(meeting) == 2  # on two connections
    attached = con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    assert (side.SCRATCH,) not in attached  # detached after: its tables freed
    con.close()


def test_appends_that_can_run_together_are_one_statement(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("CREATE TABLE out (v INT, w VARCHAR)")
    run = side._Run(set(), 'INSERT INTO "out" ')
    for v in (1, 2, 3):
        for unit in side.units([f"INSERT INTO \"out\" SELECT {v} AS v, 'x{v}' AS w"]):
            run.add(unit)
    assert run.ready == [0, 1, 2]  # none waits for another
    (one,) = run._ops([0, 2])
    assert one.startswith('INSERT INTO "out" ') and one.count("UNION ALL") == 1
    con.execute(one)
    assert sorted(con.execute("SELECT * FROM out").fetchall()) == [(1, "x1"), (3, "x3")]
    assert run._ops([1]) == run.plan[1].ops
    con.close()


def test_the_first_error_stops_the_run_and_is_raised(tmp_path: Path) -> None:
    con, backend = _scratch_backend(tmp_path)
    script = [
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."slow" AS '
        "SELECT count(*) AS n FROM range(200000000)",
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."bad" AS SELECT * FROM "missing"',
        'CREATE OR REPLACE TABLE "_foedus_scratch"."main"."later" AS SELECT * FROM "bad"',
    ]
    with side.scratch_catalog(con), pytest.raises(duckdb.CatalogException, match="missing"):
        backend.play(script)
    ours = ("foedus-side-", "foedus-script")  # the run's own threads, every one joined
    assert not any(t.name.startswith(ours) for t in threading.enumerate())
    con.close()


@pytest.mark.parametrize("which", ["bundled", "gulf", "generated"])
def test_side_by_side_makes_the_same_database(
    which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run as a large corpus's plans run (not small), the database is the same with its plan
    on two connections as on one: the bundled corpus (three perspectives, fluents lent from
    one to the next in temporary tables of the build's connection), the gulf corpus, and a
    generated world with fuzzy dates (two scenarios) and through-time cycles."""
    if which == "generated":
        root = generate_world(tmp_path / "world", states=12, instruments=10, events=3000, seed=3)
        corpus = load_corpus(root.path)
    else:
        corpus = load_corpus(bundled_path() if which == "bundled" else GULF)
    _, steps = foedus_build.default_steps()
    monkeypatch.setattr(duck_backend, "SMALL_ROWS", -1)  # run as a large corpus's plans run
    runs: dict[int, Path] = {}
    played: list[int] = []
    play = side.play

    def counting(*args: Any) -> None:
        played.append(1)
        play(*args)

    monkeypatch.setattr(side, "play", counting)
    for workers in (1, 2):
        monkeypatch.setattr(fluents, "SIDE_BY_SIDE", workers)
        runs[workers] = foedus_build.build_database(corpus, tmp_path / f"{workers}.duckdb", steps)
        assert bool(played) == (workers == 2)
    one, two = dump(runs[1]), dump(runs[2])
    assert one.keys() == two.keys() and one["main.fluents"]
    for table in one:
        if table != "main.meta":  # the build's own facts (when, where)
            assert one[table] == two[table], table


def test_the_switch_interval_is_restored_when_the_last_run_ends() -> None:
    before = sys.getswitchinterval()
    side._switching(+1)
    side._switching(+1)  # a second build in the same process
    assert sys.getswitchinterval() == side._SWITCH
    side._switching(-1)
    assert sys.getswitchinterval() == side._SWITCH  # the other still runs
    side._switching(-1)
    assert sys.getswitchinterval() == before
