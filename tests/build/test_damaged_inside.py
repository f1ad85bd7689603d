"""A cache database whose header is whole but whose bytes are damaged inside (a header's or a
block's checksum fails when DuckDB reads it): the command is answered right after the file is
built again, with one line on stderr saying so; or, when it cannot be built again here, one
line naming the file and what to do, exit 2 (the API: 503 with the error list). Never an
internal error. Every damaged file is a copy in ``tmp_path``."""

from __future__ import annotations

import gc
import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from foedus import build
from foedus.build import database, shipped
from foedus.cli import app
from foedus.corpus import load_corpus
from foedus.duck import duckdb
from foedus.server.app import create_app

GOOD = Path(__file__).parents[1] / "corpora" / "good"
BLOCKS = 3 * 4096  # the three headers; then the blocks
QUERIES = [
    ["status", "northland", "--on", "1950-01-01"],
    ["treaties", "--between", "northland", "southland", "--on", "1935-01-01"],
    ["breaches", "--by", "southland"],
    ["ask", "Which treaties bound Northland and Southland on 1 January 1935?"],
]


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(shipped, "SHIPPED", tmp_path / "shipped")  # none unless a test ships one
    return Path(shutil.copytree(GOOD, tmp_path / "good"))


def run(corpus: Path, args: list[str]) -> Any:
    """The command, in this process (what it had open is gone when it ends: a later command
    opens the file afresh, as a new process does)."""
    out = CliRunner().invoke(app, [*args, "--json", "--corpus", str(corpus)])
    gc.collect()
    return out


def cached(corpus: Path) -> Path:
    return database.cached_path(load_corpus(corpus), build.default_steps()[0])


def block_of(db: Path, table: str) -> int:
    """Where the first block holding ``table``'s rows starts in the file ``db``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(
            f"SELECT min(block_id) FROM pragma_storage_info('{table}') WHERE block_id >= 0"
        ).fetchone()
    finally:
        con.close()
    assert row is not None and row[0] is not None
    return BLOCKS + int(row[0]) * 256 * 1024


def overwrite(db: Path, at: int) -> None:
    """Bytes overwritten at ``at``: 64 of them, no two 8-byte words alike (DuckDB's checksum
    XORs a hash of each word, so that pairs of equal words cancel: see docs/reliability.md)."""
    with db.open("r+b") as f:
        f.seek(at)
        f.write(bytes(range(7, 71)))


WHERE = {
    "main header": lambda db: 200,
    "database header": lambda db: 4096 + 200,
    "metadata block": lambda db: BLOCKS + 100,
    "a table's block": lambda db: block_of(db, "meta") + 8,
}


ANSWERS = """
import json, sys
from typer.testing import CliRunner
from foedus.cli import app
found = {}
for args in json.loads(sys.argv[1]):
    out = CliRunner().invoke(app, [*args, "--json", "--corpus", sys.argv[2]])
    assert out.exit_code == 0, out.output
    found[args[0]] = out.stdout
print(json.dumps(found))
"""


@pytest.fixture
def answers(corpus: Path) -> dict[str, str]:
    """Each query's answer on the database as built, in a process of its own (this one opens
    the file afresh, as a later command does: ask's threads would keep it open here)."""
    done = subprocess.run(
        [sys.executable, "-c", ANSWERS, json.dumps(QUERIES), str(corpus)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def one_notice(stderr: str, db: Path) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert str(db) in lines[0] and "damaged" in lines[0] and "building it again" in lines[0]
    assert "Traceback" not in stderr and "internal error" not in stderr


@pytest.mark.parametrize("where", list(WHERE))
def test_a_damaged_cache_file_is_built_again_and_answered(
    corpus: Path, answers: dict[str, str], where: str
) -> None:
    db = cached(corpus)
    damaged = db.with_name("damaged.copy")
    shutil.copy(db, damaged)
    overwrite(damaged, WHERE[where](db))
    for args in QUERIES[:2]:  # both read the damaged part, wherever it is
        shutil.copy(damaged, db)
        assert database.intact(db)  # the header says nothing is wrong
        out = run(corpus, args)
        # was: internal error: IOException: IO Error: Corrupt database file: ..., exit 1
        assert out.exit_code == 0, out.output
        assert out.stdout == answers[args[0]]
        one_notice(out.stderr, db)
        assert db.read_bytes() != damaged.read_bytes()  # built again
        again = run(corpus, args)  # and read without a word
        assert (again.exit_code, again.stdout, again.stderr) == (0, answers[args[0]], "")


def test_every_query_is_answered_right_or_rebuilds(corpus: Path, answers: dict[str, str]) -> None:
    db = cached(corpus)
    damaged = db.with_name("damaged.copy")
    shutil.copy(db, damaged)
    overwrite(damaged, WHERE["a table's block"](db))
    for args in QUERIES:
        shutil.copy(damaged, db)
        out = run(corpus, args)
        assert out.exit_code == 0, out.output
        assert out.stdout == answers[args[0]]  # never a wrong answer
        if out.stderr:  # the query read the damaged block
            one_notice(out.stderr, db)


def _damaged_and_not_removable(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The corpus's cache database, a table's block damaged, in a cache folder that refuses
    to remove it (a read-only folder: the tests run as root, so unlink is made to refuse)."""
    db = cached(corpus)
    overwrite(db, WHERE["a table's block"](db))
    unlink = Path.unlink

    def refused(self: Path, missing_ok: bool = False) -> None:
        if self == db:
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", refused)
    return db


def test_a_damaged_file_that_cannot_be_removed_is_one_line_exit_2(
    corpus: Path, answers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _damaged_and_not_removable(corpus, monkeypatch)
    out = run(corpus, QUERIES[0])
    assert out.exit_code == 2, out.output
    assert out.stdout == ""
    line = out.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, out.stderr
    assert line.startswith(f"{db}: the cached database is damaged (the block at byte ")
    assert "cannot be removed (Permission denied)" in line and "FOEDUS_CACHE_DIR" in line


def ship(db: Path, into: Path) -> Path:
    into.mkdir(exist_ok=True)
    gz = into / f"{db.name}.gz"
    with db.open("rb") as f, gzip.open(gz, "wb") as out:
        shutil.copyfileobj(f, out)
    return gz


def test_a_shipped_database_damaged_in_its_gzip_is_built_instead(
    corpus: Path, answers: dict[str, str], tmp_path: Path
) -> None:
    db = cached(corpus)
    gz = ship(db, tmp_path / "shipped")
    data = bytearray(gz.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = bytes(range(7, 71))
    gz.write_bytes(bytes(data))
    db.unlink()
    out = run(corpus, QUERIES[0])  # gzip's CRC-32 refuses it: built instead
    assert (out.exit_code, out.stdout, out.stderr) == (0, answers["status"], "")
    assert database.intact(db)


def test_a_database_damaged_again_after_it_is_made_again_is_one_line_exit_2(
    corpus: Path, answers: dict[str, str], tmp_path: Path
) -> None:
    """The file made again is damaged too (here: the package ships a damaged one)."""
    db = cached(corpus)
    overwrite(db, WHERE["a table's block"](db))
    ship(db, tmp_path / "shipped")
    out = run(corpus, QUERIES[0])
    assert out.exit_code == 2, out.output
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 2, out.stderr  # the notice, then the error
    assert "building it again" in lines[0]
    assert lines[1].startswith(f"{db}: the database is damaged again after it was built anew")
    assert "Traceback" not in out.stderr


# ------------------------------------------------------------------------------------ the API


class Client:
    """A synchronous face on ``httpx.AsyncClient`` over the app's ASGI interface."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, url: str) -> httpx.Response:
        import asyncio

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.get(url)

        return asyncio.run(go())


STATUS = "/api/v1/status?actor=northland&on=1950-01-01"


@pytest.fixture
def api_answer(corpus: Path) -> dict[str, Any]:
    """The answer on the database as built (by a server closed afterwards: a server started
    later opens the file afresh, as another process would)."""
    served = create_app(corpus, log=None, cache_size=0)
    got = Client(served).get(STATUS)
    assert got.status_code == 200, got.text
    served.state.foedus.base.close()
    return got.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("where", ["metadata block", "a table's block"])
@pytest.mark.parametrize("warm", [True, False])
def test_the_server_builds_a_damaged_database_again(
    corpus: Path,
    api_answer: dict[str, Any],
    where: str,
    warm: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = cached(corpus)
    overwrite(db, WHERE[where](db))
    capsys.readouterr()
    client = Client(create_app(corpus, log=None, cache_size=0, warm=warm))
    got = client.get(STATUS)
    assert got.status_code == 200, got.text  # was: 500 internal error: IOException: ...
    assert got.json() == api_answer
    one_notice(capsys.readouterr().err, db)
    assert client.get(STATUS).json() == api_answer


def test_the_server_answers_503_when_it_cannot_remove_the_file(
    corpus: Path, api_answer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = _damaged_and_not_removable(corpus, monkeypatch)
    client = Client(create_app(corpus, log=None, cache_size=0, warm=False))
    got = client.get(STATUS)
    assert got.status_code == 503, got.text
    error = got.json()["error"]
    assert error["status"] == 503
    assert error["message"].startswith(f"{db}: the cached database is damaged")
    assert error["errors"] == [{"message": error["message"], "file": str(db)}]
