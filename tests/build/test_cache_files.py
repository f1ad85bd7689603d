"""The cache of built databases as a corpus author meets it, editing all day: a damaged cache
file is built again (never an internal error), a damaged previous database is built from
scratch (never a crash of the update), the cache keeps a bounded number of databases per
corpus, and a reverted edit is answered from its database, which the next edit starts from."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus import build
from foedus.build import database
from foedus.cli import app
from foedus.corpus import load_corpus

GOOD = Path(__file__).parents[1] / "corpora" / "good"

EVENT = """
  - id: southland-blockade-{n}
    type: naval_blockade
    date: 3 March 194{n}
    actors: [southland]
    targets: [northland]
    summary: Southland blockades Northland.
    sources:
      - In mid-June 1940, Southland invaded Northland.
"""


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    return Path(shutil.copytree(GOOD, tmp_path / "good"))


def add_event(corpus: Path, n: int) -> None:
    with (corpus / "events.yaml").open("a", encoding="utf-8") as f:
        f.write(EVENT.format(n=n))


def ask(corpus: Path) -> str:
    out = CliRunner().invoke(
        app, ["status", "northland", "--on", "1950-01-01", "--json", "--corpus", str(corpus)]
    )
    assert out.exit_code == 0, out.output
    return out.stdout


def cached(corpus: Path) -> Path:
    return database.cached_path(load_corpus(corpus), build.default_steps()[0])


def damage(path: Path, how: str) -> None:
    if how == "emptied":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"not a database\n" * 100)
    else:  # cut short: the blocks its header counts are not all there
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size - 300_000)


@pytest.mark.parametrize("how", ["emptied", "garbage", "cut"])
def test_a_damaged_cache_file_is_built_again(corpus: Path, how: str) -> None:
    answer = ask(corpus)
    db = cached(corpus)
    assert database.intact(db)
    damage(db, how)
    assert not database.intact(db)
    assert ask(corpus) == answer  # was: internal error: IOException ... (exit 1), every time
    assert database.intact(db)


def test_a_damaged_previous_database_is_built_from_scratch(corpus: Path, tmp_path: Path) -> None:
    """A block of the previous database damaged (its checksum wrong): an update that reads
    it falls back to a full build, whether it meets it comparing the corpora or updating."""
    key, steps = build.default_steps()
    old = tmp_path / "old.duckdb"
    build.build(load_corpus(corpus), old, steps)
    add_event(corpus, 1)
    new = load_corpus(corpus)
    reasons = set()
    blocks = (old.stat().st_size - 3 * 4096) // 2**18
    for block in range(1, blocks):
        bad = tmp_path / "bad.duckdb"
        shutil.copyfile(old, bad)
        with bad.open("r+b") as f:
            f.seek(3 * 4096 + block * 2**18 + 1000)
            f.write(os.urandom(2000))
        out = tmp_path / "out.duckdb"
        result = build.build(new, out, steps, previous=bad)  # was: duckdb.IOException
        if result.update is None:
            assert result.full_reason is not None
            reasons.add(result.full_reason.split(":")[0].split(" in stage")[0])
        con = database.connect(out)
        try:
            (content,) = con.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
        finally:
            con.close()
        assert content == new.content_hash
        if {"cannot read the previous database", "the update failed"} <= reasons:
            break
    assert {"cannot read the previous database", "the update failed"} <= reasons, reasons


def test_the_cache_keeps_a_few_databases_per_corpus(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "KEEP", 2)
    other = Path(shutil.copytree(corpus, corpus.with_name("other")))
    text = (other / "corpus.yaml").read_text().replace("name: good", "name: good-other")
    (other / "corpus.yaml").write_text(text)
    ask(other)  # another corpus (its name sharing a prefix): not this one's to remove
    ask(corpus)
    for n in range(1, 4):
        add_event(corpus, n)
        ask(corpus)  # was: one more database in the cache for each version, never removed
    files = sorted(p.name for p in database.cache_dir().glob("*.duckdb"))
    assert len(files) == 3, files
    assert cached(corpus).name in files
    assert sum(name.startswith("good-other-") for name in files) == 1


def test_a_reverted_edit_is_answered_from_its_database_and_the_next_starts_from_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ask(corpus)
    a = cached(corpus)
    before = (corpus / "events.yaml").read_text()
    add_event(corpus, 1)
    ask(corpus)
    b = cached(corpus)
    assert b.stat().st_mtime_ns > a.stat().st_mtime_ns
    (corpus / "events.yaml").write_text(before)  # reverted

    built: list[Path] = []
    real = build.builder.build
    monkeypatch.setattr(build.builder, "build", lambda *a, **k: built.append(a[1]) or real(*a, **k))
    assert ask(corpus) == first and built == []  # its database, not a build
    add_event(corpus, 2)
    assert database.latest_cached(cached(corpus)) == a  # was: b, the version left behind


def test_what_a_killed_build_of_another_version_left_is_removed(corpus: Path) -> None:
    ask(corpus)
    db = cached(corpus)
    dead = 2**22 + 12345  # above the default pid_max: no process has it
    left = [
        db.with_name(f".{db.name[:-44]}{'0' * 24}-{db.name[-19:]}.{dead}.abcd1234.tmp"),
        db.with_name(f".{db.name[:-44]}{'0' * 24}-{db.name[-19:]}.{dead}.abcd1234.tmp.wal"),
    ]
    alive = db.with_name(f".{db.name[:-44]}{'1' * 24}-{db.name[-19:]}.{os.getpid()}.ab.tmp")
    for f in [*left, alive]:
        f.write_bytes(b"half a database")
    add_event(corpus, 1)
    ask(corpus)  # was: left in the cache for good, as large as a database each
    assert [f.exists() for f in left] == [False, False] and alive.exists()


def test_foedus_demand_set_is_its_own_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``FOEDUS_DEMAND=off`` (docs/incremental.md: build so to update a corpus of many
    co-parties) after a build on demand was answered from the database built on demand, in
    the same cache: the setting was not in the cache key."""
    from foedus.query import KnowledgeBase
    from small_corpora import n_party_corpus

    corpus = n_party_corpus(tmp_path / "corpus", 6, norm=True)
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    stored = {}
    for mode in ("on", "off", "auto"):
        monkeypatch.setenv("FOEDUS_DEMAND", mode)
        kb = KnowledgeBase(corpus)
        with kb.connect() as con:
            tables = {
                t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            }
        stored[mode] = "on_demand" in tables
    assert stored == {"on": True, "off": False, "auto": False}
