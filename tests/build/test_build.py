"""Building the database: tables, atomic replacement, the cache, and the steps hook."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from foedus import build as foedus_build
from foedus.corpus import Corpus, bundled_path, load_corpus
from foedus.errors import UserError

GOOD = Path(__file__).parents[1] / "corpora" / "good"


@pytest.fixture(scope="module")
def good() -> Corpus:
    return load_corpus(GOOD)


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = foedus_build.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_tables_hold_the_corpus(good: Corpus, tmp_path: Path) -> None:
    db = foedus_build.build_database(good, tmp_path / "good.duckdb")
    tables = {r[0] for r in rows(db, "SELECT table_name FROM information_schema.tables")}
    assert tables == set(foedus_build.TABLES)
    assert rows(db, "SELECT count(*) FROM actors") == [(3,)]
    assert rows(db, "SELECT actor_id FROM aliases WHERE alias_lower = 'the north'") == [
        ("northland",)
    ]
    assert rows(db, "SELECT actor_id, how, date_text FROM parties ORDER BY seq") == [
        ("northland", "signature", "March 3, 1921"),
        ("southland", "signature", "March 3, 1921"),
    ]
    assert rows(db, "SELECT clause_id, kind, beneficiaries FROM norms ORDER BY clause_id") == [
        ("art-1", "prohibition", None),
        ("art-2", "guarantee", ["northland"]),
    ]
    assert rows(db, "SELECT category_id FROM norm_categories") == [("aggression",)] * 2
    assert rows(
        db,
        "SELECT date_earliest::VARCHAR, date_latest::VARCHAR FROM events "
        "WHERE id = 'southland-invades-northland'",
    ) == [("1940-06-11", "1940-06-20")]
    assert rows(db, "SELECT event_id, actor_id FROM event_targets ORDER BY event_id") == [
        ("southland-invades-northland", "northland"),
        ("us-non-recognition", "northland"),
    ]
    assert rows(db, "SELECT count(*) FROM quotes") == [(good.counts()["quotes"],)]
    assert rows(db, "SELECT value FROM meta WHERE key = 'content_hash'") == [(good.content_hash,)]


def test_steps_run_after_the_tables(good: Corpus, tmp_path: Path) -> None:
    def fluents(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
        con.execute("CREATE TABLE fluents AS SELECT id AS actor FROM actors")

    db = foedus_build.build_database(good, tmp_path / "x.duckdb", [fluents])
    assert rows(db, "SELECT count(*) FROM fluents") == [(3,)]


def test_a_failed_build_keeps_the_previous_file(good: Corpus, tmp_path: Path) -> None:
    target = foedus_build.build_database(good, tmp_path / "db.duckdb")
    before = target.read_bytes()

    def broken(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        foedus_build.build_database(good, target, [broken])
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb"]


def test_a_killed_build_leaves_the_old_database_intact(good: Corpus, tmp_path: Path) -> None:
    target = foedus_build.build_database(good, tmp_path / "db.duckdb")
    marker = tmp_path / "started"
    script = textwrap.dedent(f"""
        import pathlib, time
        from foedus import build
        from foedus.corpus import load_corpus
        def slow(con, corpus):
            con.execute("CREATE TABLE fluents AS SELECT 1 AS x")
            pathlib.Path({str(marker)!r}).write_text("x")
            time.sleep(60)
        build.build_database(load_corpus({str(GOOD)!r}), {str(target)!r}, [slow])
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert proc.poll() is None, "the build ended early"
            assert time.monotonic() < deadline, "the build did not start"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert rows(target, "SELECT count(*) FROM actors") == [(3,)]
    tables = {r[0] for r in rows(target, "SELECT table_name FROM information_schema.tables")}
    assert "fluents" not in tables
    foedus_build.build_database(good, target)  # the next build removes what the killed one left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb", "started"]


def test_concurrent_builds_do_not_corrupt(good: Corpus, tmp_path: Path) -> None:
    target = tmp_path / "db.duckdb"
    errors: list[BaseException] = []

    def build() -> None:
        try:
            foedus_build.build_database(good, target)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert rows(target, "SELECT count(*) FROM events") == [(4,)]
    assert [p.name for p in tmp_path.iterdir()] == ["db.duckdb"]


def test_ensure_built_caches_by_content_and_steps(good: Corpus, tmp_path: Path) -> None:
    first = foedus_build.ensure_built(good, "")
    assert first.parent == tmp_path / "cache" and first.exists()
    mtime = first.stat().st_mtime_ns
    assert foedus_build.ensure_built(good, "") == first and first.stat().st_mtime_ns == mtime
    other = foedus_build.ensure_built(good, "fluents@1")
    assert other != first and other.exists()


def test_readers_open_read_only(good: Corpus, tmp_path: Path) -> None:
    db = foedus_build.build_database(good, tmp_path / "db.duckdb")
    con = foedus_build.connect(db)
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE t (x INTEGER)")
    con.close()


def test_the_steps_key_is_known_without_the_steps() -> None:
    """A reader finds its database by :func:`foedus.build.version.steps_key`, which must be the
    key of the steps a build runs (else every query would rebuild, or read a stale file)."""
    from foedus.build import steps, version

    assert version.steps_key() == steps.key() == foedus_build.default_steps()[0]
    assert [s.name for s in steps.STEPS] == list(version.STEP_NAMES)


def test_a_build_runs_under_a_memory_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def setting(name: str) -> object:
        con = foedus_build.connect_rw(
            tmp_path / f"{name}-{os.environ.get('FOEDUS_MEMORY_LIMIT')}.db"
        )
        try:
            row = con.execute(f"SELECT current_setting('{name}')").fetchone()
        finally:
            con.close()
        assert row is not None
        return row[0]

    monkeypatch.delenv("FOEDUS_MEMORY_LIMIT", raising=False)
    default = foedus_build.memory_limit()
    assert default.endswith("MiB") and 256 <= int(default[:-3]) <= 3 * 1024
    number, unit = str(setting("memory_limit")).split()
    assert float(number) * {"MiB": 2**20, "GiB": 2**30}[unit] == pytest.approx(
        int(default[:-3]) * 2**20, rel=1e-3
    )
    assert setting("preserve_insertion_order") is False
    # no automatic checkpoint (a build ends with its own): DuckDB's default is 16 MiB
    number, unit = str(setting("checkpoint_threshold")).split()
    assert unit == "TiB" and float(number) > 100
    spill = str(setting("temp_directory"))  # DuckDB spills beside the file it writes
    assert spill == str(tmp_path / "temp_directory-None.db.tmp")
    monkeypatch.setenv("FOEDUS_MEMORY_LIMIT", "1GB")
    assert setting("memory_limit") == "953.6 MiB"  # DuckDB's GB are 10^9 bytes
    monkeypatch.setenv("FOEDUS_MEMORY_LIMIT", "3 gigs")
    with pytest.raises(UserError, match="FOEDUS_MEMORY_LIMIT: '3 gigs' is not a memory size"):
        foedus_build.connect_rw(tmp_path / "never.db")
    assert not (tmp_path / "never.db").exists()


def test_a_new_database_is_not_vacuumed(good: Corpus, tmp_path: Path) -> None:
    """A build's final checkpoint does not rewrite the row groups its inserts left part-full
    (nothing in a new database was deleted); a connection that may update a database vacuums
    as DuckDB does by default."""
    seen: list[object] = []

    def spy(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
        row = con.execute("SELECT current_setting('max_vacuum_tasks')").fetchone()
        seen.append(row[0] if row else None)

    foedus_build.build_database(good, tmp_path / "db.duckdb", [spy])
    assert seen == [0]
    con = foedus_build.connect_rw(tmp_path / "update.db")
    try:
        row = con.execute("SELECT current_setting('max_vacuum_tasks')").fetchone()
    finally:
        con.close()
    assert row is not None and int(row[0]) > 0


def test_running_out_of_memory_is_one_clear_error(
    good: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = foedus_build.build_database(good, tmp_path / "db.duckdb")
    before = target.read_bytes()

    def greedy(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
        con.execute(
            "CREATE TABLE big AS SELECT range AS i, repeat('x', 100) AS s FROM range(2000000)"
        )

    monkeypatch.setenv("FOEDUS_MEMORY_LIMIT", "2MB")
    with pytest.raises(
        foedus_build.OutOfMemory,
        match=r"^out of memory in build stage '(table|step) [a-z_]+' under a "
        r"limit of 2MB: Out of Memory Error: .*; set FOEDUS_MEMORY_LIMIT above 2MB "
        r"\(DuckDB spills to disk beyond it\) or free disk space in ",
    ):
        foedus_build.build_database(good, target, [greedy])
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.duckdb"]  # no file, no spill


def test_out_of_memory_on_the_cli_names_the_stage(tmp_path: Path) -> None:
    """A generated world built under a limit too small for its fluents: one line that names
    the stage and what to do, exit 1, no traceback, nothing left behind."""
    from foedus.generate import generate_world

    world = generate_world(tmp_path / "world", 30, 12, 300, seed=3, format="yaml").path
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "foedus", "build", str(world), "-o", str(out / "w.duckdb")],
        env={**os.environ, "FOEDUS_MEMORY_LIMIT": "16MB", "FOEDUS_CACHE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "out of memory in build stage 'step fluents' under a limit of 16MB: Out of Memory Error"
    )
    assert done.stderr.rstrip().endswith(
        "; set FOEDUS_MEMORY_LIMIT above 16MB (DuckDB spills to disk beyond it) or free disk "
        f"space in {out}"
    )
    assert not list(out.iterdir())  # no database, no temporary file, no spill folder


def test_a_bad_memory_limit_is_a_one_line_error_on_the_cli(tmp_path: Path) -> None:
    env = {**os.environ, "FOEDUS_MEMORY_LIMIT": "lots"}
    done = subprocess.run(
        [sys.executable, "-m", "foedus", "build", str(GOOD), "-o", str(tmp_path / "x.duckdb")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "FOEDUS_MEMORY_LIMIT: 'lots' is not a memory size (e.g. 3GB, 512MB, 8GiB)"
    )
    assert not list(tmp_path.iterdir())


def test_the_rules_are_stored_as_written(tmp_path: Path) -> None:
    """The table ``rules``: one row per rule of each perspective, with its kind, head fluent,
    triggering event and text as written (what queries read instead of parsing rules)."""
    from foedus.build.fluents import store_rules
    from foedus.corpus import bundled_path
    from foedus.corpus.perspectives import perspective_ids
    from foedus.rules.programs import program_for, rule_texts

    corpus = load_corpus(bundled_path())
    db = foedus_build.build_database(corpus, tmp_path / "rules.duckdb", [store_rules])
    con = foedus_build.connect(db)
    try:
        rows = con.execute(
            "SELECT perspective, label, kind, fluent, event, text FROM rules"
        ).fetchall()
    finally:
        con.close()
    for pid in perspective_ids(corpus):
        program = program_for(corpus, pid)
        mine = {r[1]: r for r in rows if r[0] == pid}
        assert set(mine) == {rule.label for rule in program.rules}
        assert {label: r[5] for label, r in mine.items()} == rule_texts(corpus, pid)
    row = next(r for r in rows if r[:2] == ("de-facto", "sovereignty_lost_by_annexation"))
    assert row[2:5] == ("terminated", "sovereign", "annexation")
    assert row[5] == (
        "sovereignty_lost_by_annexation: terminated sovereign(X) when annexation(_, X). "
        "(de-facto.rules:7)"
    )
    assert {r[2] for r in rows} == {"initiated", "terminated", "static"}
    assert all((r[4] is None) == (r[2] == "static") for r in rows)


def test_every_table_is_in_the_one_schema_module() -> None:
    from foedus.build import schema

    assert set(schema.TABLES) | {"fluents", "breaches", "rules", "state_fluents"} <= set(schema.ALL)
    assert schema.create("rules").startswith("CREATE TABLE rules (perspective")


def test_the_index_of_mentions_is_made_beside_the_breaches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts of the query index that read only ``fluents`` and the stored events (the
    mentions, then the events' index) are made on connections of their own, in another
    thread, while the breaches step runs; the breaches' part once the mentions are, and the
    database holds every part."""
    from foedus.build import breaches, index

    seen: dict[str, tuple[str, bool]] = {}
    made, store = index.store_mentions, breaches.store_breaches
    indexed, against = index.store_events_index, index.store_breaches_against

    def mentions(con: duckdb.DuckDBPyConnection) -> None:
        seen["mentions"] = (threading.current_thread().name, "breaches" in seen)
        made(con)

    def events_index(con: duckdb.DuckDBPyConnection) -> None:
        seen["events"] = (threading.current_thread().name, "mentions" in seen)
        indexed(con)

    def breaches_against(con: duckdb.DuckDBPyConnection) -> None:
        seen["against"] = (threading.current_thread().name, "mentions" in seen)
        against(con)

    def breaches_step(con: duckdb.DuckDBPyConnection, corpus: Corpus) -> None:
        seen["breaches"] = (threading.current_thread().name, "mentions" in seen)
        store(con, corpus)

    monkeypatch.setattr(index, "store_mentions", mentions)
    monkeypatch.setattr(index, "store_events_index", events_index)
    monkeypatch.setattr(index, "store_breaches_against", breaches_against)
    _, steps = foedus_build.default_steps()
    steps = [breaches_step if s is store else s for s in steps]
    bundled = load_corpus(bundled_path())
    target = foedus_build.build_database(bundled, tmp_path / "db.duckdb", steps)
    assert seen["breaches"][0] == threading.main_thread().name
    assert seen["mentions"][0] != threading.main_thread().name
    assert seen["events"] == (seen["mentions"][0], True)  # after the mentions, on their thread
    assert seen["against"] == (threading.main_thread().name, True)
    counts = rows(
        target,
        "SELECT (SELECT count(*) FROM foedus_index.mentions), "
        "(SELECT count(*) FROM foedus_index.breaches_against), "
        "(SELECT count(*) FROM duckdb_indexes() WHERE index_name = 'foedus_index_events'), "
        "(SELECT count(*) FROM foedus_index.meta)",
    )
    assert counts[0][0] > 0 and counts[0][2:] == (1, 1)


def test_the_mentions_start_once_every_row_of_fluents_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that is not small (its statements each their own transaction) starts the query
    index's mentions as soon as every perspective's rows of ``fluents`` are in, before the
    fluents step has written the last perspective's ``scenario_fluents``; a small run (one
    transaction, committed at the step's end) after the step. The same database either
    way."""
    from concurrent.futures import Future, ThreadPoolExecutor
    from typing import Any

    from foedus.backends import duckdb as backend
    from foedus.build import builder, index

    seen: list[tuple[object, ...]] = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            if args and args[0] is index.store_mentions:  # read on its cursor, before it runs
                found = (
                    args[1]
                    .execute(
                        "SELECT (SELECT count(*) FROM fluents), "
                        "(SELECT count(*) FROM scenario_fluents)"
                    )
                    .fetchone()
                )
                seen.append(found)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(builder, "ThreadPoolExecutor", Recording)
    bundled = load_corpus(bundled_path())
    _, steps = foedus_build.default_steps()
    counts = (
        "SELECT (SELECT count(*) FROM fluents), (SELECT count(*) FROM scenario_fluents), "
        "(SELECT count(*) FROM foedus_index.mentions)"
    )
    small = rows(foedus_build.build_database(bundled, tmp_path / "small.duckdb", steps), counts)
    assert seen == [small[0][:2]] and small[0][1] > 0  # after the step: both written
    seen.clear()
    monkeypatch.setattr(backend, "SMALL_ROWS", -1)  # run as a large corpus's plans run
    large = rows(foedus_build.build_database(bundled, tmp_path / "large.duckdb", steps), counts)
    # every row of fluents; of scenario_fluents, the earlier perspectives' rows only
    ((fluents, scenario),) = seen
    assert fluents == large[0][0] and 0 < scenario < large[0][1]
    assert large == small


def test_a_failure_beside_the_breaches_is_the_build_s_failure(
    good: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foedus.build import index

    def failing(con: duckdb.DuckDBPyConnection) -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate (test)")

    monkeypatch.setattr(index, "store_mentions", failing)
    _, steps = foedus_build.default_steps()
    with pytest.raises(foedus_build.OutOfMemory, match="^out of memory in build stage"):
        foedus_build.build_database(good, tmp_path / "db.duckdb", steps)
    assert list(tmp_path.iterdir()) == [tmp_path / "cache"] or not list(tmp_path.iterdir())
