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
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from foedus.build import TABLES, build_database, connect
from foedus.cli import app
from foedus.corpus import bundled_path, load_corpus

CORPORA = Path(__file__).parent / "corpora"
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


def test_two_builds_at_once_leave_one_of_them(tmp_path: Path, hashes: dict[str, str]) -> None:
    db = tmp_path / "db.duckdb"
    procs = [build(GOOD, db), build(BUNDLED, db), build(GOOD, db)]
    assert [finish(p) for p in procs] == [0, 0, 0]
    assert complete(db, hashes) in ("good", "baltic-soviet")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["db.duckdb"]


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
