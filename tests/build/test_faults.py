"""Faults: a build killed at any point, builds at the same time, readers during a build, and
queries that must not write the corpus.

``foedus build -o DB`` is run as a real process and killed with SIGKILL after random delays;
the database at ``DB`` must always be one complete build (the previous one, or the new one when
the build got as far as its rename), open read-only and answer. ``FOEDUS_FAULT_KILLS=N`` kills
more builds (docs/reliability.md gives the figures of a long run).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from foedus.build import TABLES, build_database, connect
from foedus.cli import app
from foedus.corpus import bundled_path, load_corpus

CORPORA = Path(__file__).parents[1] / "corpora"
GOOD = CORPORA / "good"
BUNDLED = bundled_path()
KILLS = int(os.environ.get("FOEDUS_FAULT_KILLS", "5"))


@pytest.fixture(scope="module")
def hashes() -> dict[str, str]:
    """content hash -> corpus: the only complete databases a test may find."""
    out = {}
    for p in (GOOD, BUNDLED):
        corpus = load_corpus(p)
        out[corpus.content_hash] = p.name
        ACTORS[p.name] = len(corpus.actors)
    return out


ACTORS: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FOEDUS_DEBUG", raising=False)


def build(corpus: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "foedus", "build", str(corpus), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "FOEDUS_DEBUG": "0"},
    )


def finish(proc: subprocess.Popen[bytes], timeout: float = 300) -> int:
    """Wait for a build; its exit code, with its stderr when it failed."""
    _, err = proc.communicate(timeout=timeout)
    assert proc.returncode in (0, -signal.SIGKILL), err.decode(errors="replace")
    return proc.returncode


def complete(db: Path, hashes: dict[str, str]) -> str:
    """The corpus whose complete build ``db`` is; fails when it is anything else."""
    con = connect(db)
    try:
        found = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
        tables = {name for schema, name in found if schema == "main"}
        assert set(TABLES) <= tables, f"missing tables {set(TABLES) - tables}"
        for schema, table in found:  # every table, the query index's too, reads to its end
            con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchall()
        (content,) = con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        assert content in hashes, "a database that is no complete build"
        n_actors = con.execute("SELECT count(*) FROM actors").fetchone()[0]
        assert n_actors == ACTORS[hashes[content]]
        return hashes[content]
    finally:
        con.close()


@pytest.mark.slow
def test_a_build_killed_at_random_points_leaves_a_usable_database(
    tmp_path: Path, hashes: dict[str, str]
) -> None:
    db = tmp_path / "db.duckdb"
    assert finish(build(GOOD, db)) == 0
    assert complete(db, hashes) == "good"
    rng = random.Random(int(os.environ.get("FOEDUS_FAULT_SEED", "9")))
    seen: list[tuple[float, str, bool]] = []
    for k in range(KILLS):
        delay = rng.uniform(0.2, 1.0) * (k + 1) * 1.5  # from loading to the last steps
        proc = build(BUNDLED, db)
        time.sleep(delay)
        killed = proc.poll() is None
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        finish(proc)
        seen.append((round(delay, 2), complete(db, hashes), killed))
        # the old database answers a query through the CLI too
        out = CliRunner().invoke(app, ["validate", str(GOOD)])
        assert out.exit_code == 0
    print("kills (delay s, database found, killed):", seen)  # the figures of a long run
    assert any(killed for _, _, killed in seen), seen
    # a build that completes replaces it, and removes what the killed ones left
    assert finish(build(BUNDLED, db)) == 0
    assert complete(db, hashes) == "baltic-soviet"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["db.duckdb"]


@pytest.mark.slow
def test_two_builds_at_once_leave_one_of_them(tmp_path: Path, hashes: dict[str, str]) -> None:
    db = tmp_path / "db.duckdb"
    procs = [build(GOOD, db), build(BUNDLED, db), build(GOOD, db)]
    assert [finish(p) for p in procs] == [0, 0, 0]
    assert complete(db, hashes) in ("good", "baltic-soviet")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["db.duckdb"]


@pytest.mark.slow
def test_readers_during_builds_see_old_or_new_never_partial(
    tmp_path: Path, hashes: dict[str, str]
) -> None:
    """One reader opens the path again and again while builds replace it.

    (One reader, in the test's thread: DuckDB shares one open instance of a path among the
    connections of a process, so overlapping readers would keep reading the first file.)
    """
    db = tmp_path / "db.duckdb"
    assert finish(build(GOOD, db)) == 0
    seen: list[str] = []
    for corpus in (BUNDLED, GOOD, BUNDLED):
        proc = build(corpus, db)
        while proc.poll() is None:
            seen.append(complete(db, hashes))
        assert finish(proc) == 0
        seen.append(complete(db, hashes))
    changes = [name for k, name in enumerate(seen) if k == 0 or seen[k - 1] != name]
    assert changes == ["good", "baltic-soviet", "good", "baltic-soviet"], changes
    assert len(seen) > 20, "the reader read during the builds"


# --------------------------------------------------------------------------- read-only queries


def tree_hash(root: Path) -> str:
    """Names, bytes and modification times of every file under ``root``."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        st = p.stat()
        h.update(f"{p.relative_to(root)}\0{st.st_mtime_ns}\0{p.is_file()}\0".encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.mark.slow
def test_queries_never_write_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    overlay = tmp_path / "what-if.yaml"
    shutil.copyfile(CORPORA.parent / "overlays" / "invasion-justified.yaml", overlay)
    before = (tree_hash(corpus), overlay.read_bytes(), overlay.stat().st_mtime_ns)
    runner = CliRunner()
    c = ["--corpus", str(corpus)]
    session = [
        ["validate", str(corpus)],
        ["coverage", *c],
        ["events", "--actor", "Estonia", *c],
        ["treaty", "Treaty of Tartu", *c],
        ["treaties", "--between", "USSR", "Latvia", "--on", "1940-06-01", *c],
        ["status", "Estonia", "--on", "1960-01-01", "--perspective", "non-recognition", *c],
        ["holds", "Latvia", "--on", "1943-01-01", *c],
        ["timeline", "Lithuania", *c],
        ["breaches", "--by", "USSR", *c],
        ["aggressor", "USSR", "Estonia", *c],
        ["compare", "--perspectives", "de-facto", "soviet", "Estonia", *c],
        ["status", "Estonia", "--on", "1940-07-01", "--assume", str(overlay), *c],
        ["build", str(corpus)],
        ["status", "Narnia", "--on", "1940-01-01", *c],
    ]
    for args in session:
        result = runner.invoke(app, [*args, "--json"])
        assert result.exit_code in (0, 2), (args, result.stderr)
    try:
        from foedus.ask import answer_question
        from foedus.query import KnowledgeBase

        kb = KnowledgeBase(corpus, assume=overlay)
        answer_question("Who was the aggressor between the USSR and Estonia?", kb)
    except ImportError:  # pragma: no cover - ask not there
        pass
    assert (tree_hash(corpus), overlay.read_bytes(), overlay.stat().st_mtime_ns) == before


def test_a_reader_cannot_write(tmp_path: Path) -> None:
    db = build_database(load_corpus(GOOD), tmp_path / "db.duckdb")
    con = connect(db)
    try:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM actors")
    finally:
        con.close()


# --------------------------------------------------------------------------- issue #23


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "C"
    shutil.copytree(GOOD, target)
    monkeypatch.chdir(tmp_path)
    return target


def test_a_build_never_writes_inside_the_corpus(corpus: Path) -> None:
    before = tree_hash(corpus)
    for out in ("C/events.yaml", "C/new.duckdb", "C/sources", "C"):
        code, _, err = run("build", "C", "-o", out)
        assert (code, err) == (
            2,
            f"{out} is inside the corpus folder C; write the database elsewhere\n",
        )
    assert tree_hash(corpus) == before


def test_a_build_replaces_only_a_foedus_database(corpus: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("a scholar's notes\n")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link.duckdb").symlink_to(notes)
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()  # a DuckDB file, but not one foedus wrote
    cases = {
        "notes.txt": "notes.txt exists and is not a foedus database; it would be replaced: "
        "remove it or choose another output path",
        "other.duckdb": "other.duckdb exists and is not a foedus database; it would be "
        "replaced: remove it or choose another output path",
        "pipe": "pipe is a FIFO (named pipe), not a database file; give the path of a "
        "database file to write",
        "link.duckdb": "link.duckdb is a symbolic link, not a database file; give the path of "
        "a database file to write",
        str(tmp_path): f"{tmp_path} is a directory, not a database file; give the path of a "
        "database file to write",
        "": "output path is empty (or '.'); give the database file to write (-o FILE)",
        "/dev/null": "/dev/null is a character device, not a database file; give the path of "
        "a database file to write",
    }
    for out, message in cases.items():
        assert run("build", "C", "-o", out)[::2] == (2, message + "\n"), out
    assert notes.read_text() == "a scholar's notes\n"
    assert (tmp_path / "pipe").is_fifo() and (tmp_path / "link.duckdb").is_symlink()
    assert run("build", "C", "-o", "db.duckdb")[0] == 0
    assert run("build", "C", "-o", "db.duckdb")[0] == 0  # its own database: replaced


def test_a_cache_dir_that_is_a_file(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("cache-file").write_text("")
    monkeypatch.setenv("FOEDUS_CACHE_DIR", "cache-file")
    code, _, err = run("events", "--corpus", "C")
    folder = Path("cache-file").absolute()
    assert (code, err) == (
        2,
        f"cannot make folder {folder}: {folder} is not a folder (FOEDUS_CACHE_DIR="
        "'cache-file'; set it to a folder you can write)\n",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_a_read_only_cache_dir(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path("ro").mkdir(mode=0o555)
    monkeypatch.setenv("FOEDUS_CACHE_DIR", "ro")
    code, _, err = run("events", "--corpus", "C")
    assert code == 2 and err.startswith(f"cannot write in folder {Path('ro').absolute()}")


def test_export_onto_a_file_where_a_folder_is_needed(corpus: Path) -> None:
    Path("a-file").write_text("keep me\n")
    code, _, err = run("export", "csv", "-o", "a-file", "--corpus", "C")
    assert code == 2 and err.count("\n") == 1 and err.startswith("a-file: "), err
    assert Path("a-file").read_text() == "keep me\n"


def test_os_errors_name_the_path_and_what_to_do() -> None:
    import errno

    from foedus.paths import os_error_line

    full = OSError(errno.ENOSPC, "No space left on device", "/data/kb.duckdb")
    assert os_error_line(full) == (
        "/data/kb.duckdb: no space left on device; free some disk space or write elsewhere"
    )


def test_a_question_past_the_last_day_is_a_user_error() -> None:
    code, out, err = run("ask", "what happened to Estonia after 31 December 9999?")
    assert (code, out) == (2, "")
    # one line: what is wrong, then (as for any question refused) one of the corpus's examples
    (line,) = err.splitlines()
    assert line.startswith(
        "there is no day after 9999-12-31 (dates run from 0001-01-01 to 9999-12-31); try: "
    )


def _disk_full(tmp: Path) -> duckdb.IOException:
    return duckdb.IOException(
        f'IO Error: Could not write all bytes to file "{tmp}": No space left on device'
    )


def test_a_full_disk_during_a_build_is_one_line_and_keeps_the_old_database(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foedus.build import builder, database

    assert run("build", "C", "-o", "db.duckdb")[0] == 0
    before = Path("db.duckdb").read_bytes()

    def full(out: Path, fill: object) -> object:
        def half(tmp: Path) -> None:
            tmp.write_bytes(b"half a database")
            raise _disk_full(tmp)

        return database.atomic(out, half)

    monkeypatch.setattr(builder, "atomic", full)
    code, out, err = run("build", "C", "-o", "db.duckdb")
    assert (code, out) == (2, "")
    # (a progress display, drawn only on a terminal, may leave a blank line)
    assert [line for line in err.split("\n") if line] == [
        "cannot write db.duckdb: no space left on device; free some disk space or write elsewhere"
    ]
    assert Path("db.duckdb").read_bytes() == before
    assert sorted(p.name for p in Path().iterdir()) == ["C", "db.duckdb"]  # no half file left
    # the cache: the line names the cache file and FOEDUS_CACHE_DIR
    monkeypatch.setenv("FOEDUS_CACHE_DIR", "cache")
    code, _, err = run("events", "--corpus", "C")
    cache = Path("cache")
    assert code == 2 and err.startswith("cannot write cache/good-"), err
    assert err.endswith(
        ": no space left on device; free some disk space or write elsewhere "
        "(FOEDUS_CACHE_DIR='cache'; set it to a folder you can write)\n"
    )
    # no database, whole or half, in the cache (``corpora/`` keeps the loaded corpus and
    # ``digests.json`` its files' digests, once they are older than a racy second)
    assert [p.name for p in cache.iterdir() if p.name not in ("corpora", "digests.json")] == []


@pytest.mark.parametrize("fmt", ["csv", "turtle"])
def test_a_full_disk_during_an_export_leaves_the_old_export(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    from foedus.interop import exports

    target = Path("out.ttl" if fmt == "turtle" else "tables")
    assert run("export", fmt, "-o", str(target), "--corpus", "C")[0] == 0
    before = tree_hash(target) if target.is_dir() else target.read_bytes()
    real = exports.atomic_files

    def full(outs: list[Path], write: object) -> object:
        def half(tmps: list[Path]) -> None:
            write(tmps)  # type: ignore[operator]  # every file written, then the disk is full
            raise _disk_full(tmps[-1])

        return real(outs, half)

    monkeypatch.setattr(exports, "atomic_files", full)
    code, out, err = run("export", fmt, "-o", str(target), "--corpus", "C")
    last = sorted(p.name for p in target.iterdir())[-1] if target.is_dir() else None
    shown = target / last if last else target
    assert (code, out, err) == (
        2,
        "",
        f"cannot write {shown}: no space left on device; free some disk space or write elsewhere\n",
    )
    assert (tree_hash(target) if target.is_dir() else target.read_bytes()) == before
    leftovers = [p for p in Path().rglob("*.tmp")]
    assert leftovers == []


def test_write_errors_word_duckdb_and_os_failures() -> None:
    import errno

    from foedus.paths import write_error

    assert str(write_error("a.db", _disk_full(Path(".a.db.1.x.tmp")))) == (
        "cannot write a.db: no space left on device; free some disk space or write elsewhere"
    )
    assert str(write_error("a.db", OSError(errno.EROFS, "Read-only file system"))) == (
        "cannot write a.db: read-only file system; choose a path on a writable disk"
    )
    odd = duckdb.IOException("IO Error: something\nelse entirely")
    assert str(write_error("a.db", odd)) == (
        "cannot write a.db: IO Error: something; check the path and the disk, and try again"
    )


def test_an_export_onto_a_folder_is_one_line_and_leaves_nothing(corpus: Path) -> None:
    Path("a-folder").mkdir()
    code, out, err = run("export", "turtle", "-o", "a-folder", "--corpus", "C")
    assert (code, out, err) == (
        2,
        "",
        "cannot write a-folder: is a directory; give a file's path\n",
    )
    assert sorted(p.name for p in Path().iterdir()) == ["C", "a-folder", "cache"]
    assert list(Path("a-folder").iterdir()) == []


def test_a_failed_step_stops_the_index_made_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query index's mentions and events' index are made on connections of their own
    beside the steps after the fluents (foedus.build.builder._run_steps); when a step fails
    (Ctrl-C among the ways), the build stops them instead of waiting for them: the running
    one's statement interrupted, the one not begun never begun, and the step's error raised,
    with nothing at the output path."""
    from foedus.build import builder, index
    from foedus.build.fluents import store_fluents

    seen: list[str] = []
    started = threading.Event()

    def slow_mentions(con: duckdb.DuckDBPyConnection) -> None:
        started.set()
        try:  # minutes of work unless interrupted
            con.execute("SELECT sum(hash(x)) FROM range(100000000000) AS t(x)").fetchall()
            seen.append("finished")
        except duckdb.InterruptException:
            seen.append("interrupted")

    def events_index(con: duckdb.DuckDBPyConnection) -> None:
        seen.append("events index begun")

    def failing_step(con: duckdb.DuckDBPyConnection, corpus: object) -> None:
        assert started.wait(60)
        raise RuntimeError("the step failed")

    monkeypatch.setattr(index, "store_mentions", slow_mentions)
    monkeypatch.setattr(index, "store_events_index", events_index)
    out = tmp_path / "out.duckdb"
    t = time.perf_counter()
    with pytest.raises(RuntimeError, match="the step failed"):
        builder.build_database(
            load_corpus(GOOD), out, [store_fluents, failing_step, index.store_index]
        )
    assert seen == ["interrupted"]
    assert time.perf_counter() - t < 60
    assert not out.exists()
