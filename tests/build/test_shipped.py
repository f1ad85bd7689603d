"""The bundled corpus's database shipped with the package (foedus.build.shipped,
docs/decisions/0013-bundled-database-shipped.md): it is what a build makes now, row for row;
a first use writes it into the cache instead of building; it stands only for its own corpus
content and code, and a damaged one means a build."""

from __future__ import annotations

import errno
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from foedus import build
from foedus.build import builder, shipped
from foedus.build.version import steps_key
from foedus.corpus import bundled_path, load_corpus
from foedus.query import KnowledgeBase

GOOD = Path(__file__).parents[1] / "corpora" / "good"
STALE = (
    "the shipped database (src/foedus/build/shipped/) is not what a build of the bundled "
    "corpus makes now: run `python -m foedus.build.precompile` and commit the folder"
)


@pytest.fixture(scope="module")
def corpus() -> Any:
    return load_corpus(bundled_path())


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(folder))
    return folder


def _tables(con: duckdb.DuckDBPyConnection, db: str) -> list[tuple[str, str]]:
    return sorted(
        con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [db]
        ).fetchall()
    )


def test_the_shipped_database_is_what_a_build_makes_now(corpus: Any, tmp_path: Path) -> None:
    target = build.cached_path(corpus, steps_key())
    source = shipped.shipped_for(target)
    assert source.is_file(), STALE
    assert [p.name for p in shipped.SHIPPED.glob("*.gz")] == [source.name], STALE
    fresh = builder.build(corpus, tmp_path / "fresh.duckdb", build.default_steps()[1]).path
    unpacked = tmp_path / "shipped.duckdb"
    unpacked.write_bytes(gzip.decompress(source.read_bytes()))
    con = duckdb.connect()
    con.execute(f"ATTACH '{fresh}' AS fresh (READ_ONLY)")
    con.execute(f"ATTACH '{unpacked}' AS kept (READ_ONLY)")
    tables = _tables(con, "fresh")
    assert len(tables) > 20 and ("main", "fluents") in tables and ("main", "breaches") in tables
    assert _tables(con, "kept") == tables, STALE
    for schema, table in tables:
        a, b = f'fresh."{schema}"."{table}"', f'kept."{schema}"."{table}"'
        for x, y in ((a, b), (b, a)):
            ((extra,),) = con.execute(
                f"SELECT count(*) FROM (SELECT * FROM {x} EXCEPT ALL SELECT * FROM {y})"
            ).fetchall()
            assert extra == 0, f"{schema}.{table}: {STALE}"
    ((n,),) = con.execute("SELECT count(*) FROM kept.main.fluents").fetchall()
    assert n > 10_000


def test_a_first_use_writes_the_shipped_database_instead_of_building(
    corpus: Any, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_build(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("built instead of restored")

    monkeypatch.setattr(builder, "build", no_build)
    kb = KnowledgeBase(corpus)
    assert kb.db_path == build.cached_path(corpus, steps_key())
    assert kb.db_path.parent == cache and kb.db_path.is_file()
    assert [p.name for p in cache.iterdir()] == [kb.db_path.name]  # no temporary file left
    status = kb.status("Estonia", "1960-01-01")  # read from the restored database
    assert status["status"]["part_of"][0]["value"]["id"] == "ussr"
    again = build.ensure_built(corpus, *build.default_steps())  # found: neither built nor restored
    assert again == kb.db_path


def test_the_first_answer_after_install_imports_no_build(tmp_path: Path) -> None:
    # the README's first command, with an empty cache: the answer, and not the build's steps
    code = (
        "import sys, json; from foedus.console import console\n"
        "import os; os._exit = lambda c: sys.exit(c)\n"  # the quick end, as a normal exit
        "try:\n    console()\nexcept SystemExit as e:\n    code = e.code\n"
        "print(json.dumps([code, 'foedus.build.steps' in sys.modules]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "status", "Estonia", "--on", "1960-01-01", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "FOEDUS_CACHE_DIR": str(tmp_path / "cache")},
        check=False,
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [0, False], done.stderr
    answer = json.loads(done.stdout)
    assert answer["actor"]["id"] == "estonia" and answer["status"]["sovereign"][0]["value"] is False


def test_a_damaged_shipped_file_means_a_build(
    corpus: Any, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = build.cached_path(corpus, steps_key())
    folder = tmp_path / "shipped"
    folder.mkdir()
    monkeypatch.setattr(shipped, "SHIPPED", folder)
    bad = shipped.shipped_for(target)
    bad.write_bytes(gzip.compress(b"not a database" * 100))
    assert not shipped.restore_shipped(target)
    assert not cache.exists() or list(cache.iterdir()) == []  # nothing half-written
    bad.write_bytes(b"\x1f\x8b truncated")
    assert not shipped.restore_shipped(target)
    made = build.ensure_built(corpus, *build.default_steps())
    assert made == target and made.is_file()
    con = duckdb.connect(str(made), read_only=True)
    assert con.execute("SELECT count(*) FROM fluents").fetchone()[0] > 10_000  # type: ignore[index]


def test_another_corpus_or_other_code_finds_no_shipped_database(cache: Path) -> None:
    good = load_corpus(GOOD)
    assert not shipped.shipped_for(build.cached_path(good, steps_key())).exists()
    assert not shipped.restore_shipped(build.cached_path(good, steps_key()))
    bundled = load_corpus(bundled_path())
    assert not shipped.restore_shipped(build.cached_path(bundled, "fluents@another-version"))
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_full_disk_while_writing_the_shipped_database_is_one_line(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from foedus.cli import app

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shipped.shutil, "copyfileobj", full)
    done = CliRunner().invoke(app, ["status", "Estonia", "--on", "1960-01-01"])
    assert done.exit_code == 2 and done.stdout == ""
    lines = [line for line in done.stderr.split("\n") if line]
    assert len(lines) == 1 and lines[0].startswith(f"cannot write {cache}/baltic-soviet-")
    assert "no space left on device" in lines[0] and "FOEDUS_CACHE_DIR" in lines[0]
    # nothing whole or half in the cache (``corpora/`` and ``digests.json``: the corpus's)
    assert [p.name for p in cache.iterdir() if p.name not in ("corpora", "digests.json")] == []
