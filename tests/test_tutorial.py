"""docs/tutorial.md as written: its files are tests/corpora/any's, and every command it shows
prints what it shows (the first lines of the output, with trailing spaces dropped)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
FILES = re.findall(r"```\w+ file=(\S+)\n(.*?)```\n", DOC, flags=re.S)
SESSIONS = re.findall(r"```console\n(.*?)```\n", DOC, flags=re.S)


def test_the_tutorial_shows_every_file_of_the_corpus() -> None:
    corpus = ROOT / "tests" / "corpora" / "any"
    shown = {name: text for name, text in FILES}
    on_disk = {
        f.relative_to(corpus).as_posix(): f.read_text(encoding="utf-8")
        for f in corpus.rglob("*")
        if f.is_file()
    }
    assert shown == on_disk


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("tutorial")
    for name, text in FILES:
        f = here / "straits" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return here


@pytest.mark.parametrize("session", SESSIONS, ids=lambda s: s.splitlines()[0][2:])
def test_every_command_prints_what_the_tutorial_shows(
    session: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    monkeypatch.setenv("COLUMNS", "80")
    command, *expected = session.rstrip("\n").splitlines()
    args = shlex.split(command.removeprefix("$ "))
    assert args[0] == "foedus"
    out = CliRunner().invoke(app, args[1:], terminal_width=80)
    assert out.exit_code == 0, out.output
    got = [line.rstrip() for line in out.output.splitlines()][: len(expected)]
    assert got == expected
