"""The examples of the docs that no other test ran, run as a new user runs them, literally:
README's list of examples, docs/incremental.md's update, docs/corpus-format.md's coverage
report, docs/questions.md's sessions and Python, docs/api.md's error and ``perspective=all``
shapes, docs/data.md's refusals and crosscheck (on the real datasets, where they are), and the
scripts that write docs/cli.md and README's sample output."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import shlex
import shutil
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

from foedus.cli import app
from small_corpora import SHARED_DATA

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(app, args, terminal_width=80, env={"COLUMNS": "80"})


# README.md ------------------------------------------------------------------------------------


def _readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("Examples:\n\n```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_lists_examples() -> None:
    assert len(_readme_examples()) >= 5


@pytest.mark.parametrize("line", _readme_examples())
def test_every_readme_example_answers(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example, run from the repository's root as written, answers (exit 0, something on
    stdout, nothing on stderr); with ``--json``, exactly one JSON object."""
    monkeypatch.chdir(ROOT)
    args = shlex.split(line)
    assert args[0] == "foedus"
    out = _invoke(args[1:])
    assert out.exit_code == 0, out.stderr
    assert out.stdout.strip() and not out.stderr
    if "--json" in args:
        assert isinstance(json.loads(out.stdout), dict)


# docs/incremental.md --------------------------------------------------------------------------


def test_the_incremental_update_prints_what_the_doc_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The doc's steps: the tutorial's corpus copied and built, its events-1941.yaml added, and
    built again: updated in place, with the line the doc shows."""
    doc = _doc("incremental.md")
    added = re.search(r"`my-corpus/events-1941.yaml`:\n\n```yaml\n(.*?)```\n", doc, re.S)
    shown = re.search(r"\n```\n(updated my\.duckdb incrementally .*?)\n```\n", doc)
    assert added is not None and shown is not None
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "tests" / "corpora" / "any", "my-corpus")
    first = _invoke(["build", "my-corpus", "-o", "my.duckdb"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("built my.duckdb")
    Path("my-corpus", "events-1941.yaml").write_text(added.group(1), encoding="utf-8")
    again = CliRunner().invoke(app, ["build", "my-corpus", "-o", "my.duckdb"])
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == shown.group(1)


# docs/corpus-format.md ------------------------------------------------------------------------


def test_the_coverage_report_is_the_bundled_corpus_s() -> None:
    doc = _doc("corpus-format.md").split("## Coverage", 1)[1]
    shown = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    out = _invoke(["coverage", "--json"])
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == shown


# docs/questions.md ----------------------------------------------------------------------------


def _blocks(text: str) -> list[str]:
    """The fenced blocks of ``text`` without a language (indented ones too), dedented."""
    blocks: list[str] = []
    lines: list[str] | None = None
    info = ""
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if lines is None:
                lines, info = [], line.strip()[3:]
            else:
                if not info:
                    blocks.append(textwrap.dedent("\n".join(lines)))
                lines = None
        elif lines is not None:
            lines.append(line)
    return blocks


def _ask_sessions() -> list[str]:
    return [b for b in _blocks(_doc("questions.md")) if b.startswith("$ foedus ask")]


def _loosely(text: str) -> str:
    """``text`` as a pattern: runs of white space are any white space, ``...`` anything."""
    parts = [re.escape(" ".join(p.split())) for p in text.split("...")]
    return ".*?".join(p.replace(r"\ ", r"\s+") for p in parts)


def test_questions_doc_shows_sessions() -> None:
    assert len(_ask_sessions()) >= 5


@pytest.mark.parametrize("session", _ask_sessions(), ids=lambda s: s.splitlines()[0][12:60])
def test_every_ask_session_prints_what_the_doc_shows(session: str) -> None:
    """What ``foedus ask`` prints, stdout or (a refusal, exit 2) stderr, begins with what the
    doc shows, read loosely: the doc wraps a long line, and ``...`` stands for the rest."""
    command, *shown = session.strip("\n").splitlines()
    args = shlex.split(command.removeprefix("$ "))
    out = _invoke(args[1:])
    got = out.stdout if out.exit_code == 0 else out.stderr
    assert out.exit_code in (0, 2), out.output
    if out.exit_code == 2:
        assert out.stdout == "" and len(out.stderr.strip().splitlines()) == 1
    pattern = _loosely("\n".join(shown))
    assert re.match(pattern, " ".join(got.split()), flags=re.S), got


def test_the_python_example_of_questions_doc() -> None:
    from foedus.ask import answer_question, parse_question
    from foedus.query import KnowledgeBase

    doc = _doc("questions.md")
    shown = re.search(r"\.describe\(\)\n# \'([^\']*)\'", doc)
    assert shown is not None
    kb = KnowledgeBase()
    assert parse_question("Who controlled Lithuania in mid-1941?", kb).describe() == shown[1]
    answer = answer_question("Who was the aggressor between the USSR and Estonia in 1940?", kb)
    assert answer["answer"]["aggressor"]["id"] == "ussr"


# docs/api.md ----------------------------------------------------------------------------------


def _get(url: str) -> httpx.Response:
    from foedus.server.app import create_app

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(log=None, cache_size=0))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(url)

    return asyncio.run(go())


def test_the_api_doc_s_error_example_is_the_real_answer() -> None:
    doc = _doc("api.md").split("## Errors", 1)[1]
    shown = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    r = _get("/api/v1/status?actor=Latvja&on=1943-01-01")
    assert r.status_code == shown["error"]["status"] == 404
    assert r.json() == shown


def test_the_api_doc_s_perspective_all_keys_are_the_answer_s() -> None:
    """The keys docs/api.md shows for ``perspective=all`` (Lithuania on 1950-01-01)."""
    r = _get("/api/v1/status?actor=Lithuania&on=1950-01-01&perspective=all")
    assert r.status_code == 200, r.text
    data = r.json()
    assert list(data) == ["perspective", "command", "agree", "perspectives", "rule_text"]
    assert [p["perspective"] for p in data["perspectives"]] == [
        "de-facto",
        "non-recognition",
        "soviet",
    ]
    first = data["perspectives"][0]
    keys = {"perspective", "name", "default", "differs", "rules", "because", "answer"}
    assert set(first) == keys
    assert first["rules"] == ["reincorporated_into", "sovereignty_lost_by_annexation"]
    assert [p["differs"] for p in data["perspectives"]] == [False, True, False]
    doc = _doc("api.md")
    assert json.dumps(data["rule_text"]["reincorporated_into"], ensure_ascii=False) in doc


# docs/data.md ---------------------------------------------------------------------------------

STATES = SHARED_DATA / "state-lists-gw-isd"


@pytest.mark.skipif(not STATES.is_dir(), reason="no shared data (state-lists-gw-isd)")
def test_the_xlsx_refusal_is_the_doc_s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = _doc("data.md")
    shown = doc.split("$ foedus import states gwstates.xlsx -o c\n", 1)[1].split("\n", 1)[0]
    shutil.copy(STATES / "gwstates.xlsx", tmp_path)
    monkeypatch.chdir(tmp_path)
    out = _invoke(["import", "states", "gwstates.xlsx", "-o", "c"])
    assert (out.exit_code, out.stdout, out.stderr.strip()) == (2, "", shown)
    assert not (tmp_path / "c").exists()


@pytest.mark.slow
@pytest.mark.skipif(not STATES.is_dir(), reason="no shared data (state-lists-gw-isd)")
def test_the_row_level_crosscheck_is_the_doc_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/data.md's row-level output (the CC BY 4.0 lists), line for line."""
    command = "$ foedus crosscheck --against states gwstates.csv isd_2_2_update_reversedates.csv"
    doc = _doc("data.md")
    shown = doc.split(f"{command} --actor Estonia\n", 1)[1].split("```", 1)[0]
    for name in ("gwstates.csv", "isd_2_2_update_reversedates.csv"):
        shutil.copy(STATES / name, tmp_path)
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command[2:])[1:] + ["--actor", "Estonia"]
    out = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
    assert out.exit_code == 0, out.stderr
    assert [line.rstrip() for line in out.stdout.splitlines()] == shown.splitlines()


# docs/cli.md and the scripts that write the docs ----------------------------------------------


def test_the_command_list_has_no_broken_lines() -> None:
    """``foedus --help`` lists each command with its help's first paragraph as one line: the
    help's own line breaks broke the list's lines ("occupied" alone, then "by, part of")."""
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, command in group.commands.items():
        first = (command.short_help or command.help or "").split("\n\n")[0]
        assert "\n" not in first, name


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("name", "target"), [("gen_readme", "README"), ("gen_cli_docs", "DOC")])
def test_a_mistyped_option_rewrites_nothing(
    name: str, target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """``--chek`` (a typo of ``--check``) or ``--help`` was run as no option at all: the
    script rewrote the doc it was asked to check."""
    module = _script(name)
    doc = tmp_path / "doc.md"
    doc.write_text("stale\n", encoding="utf-8")
    monkeypatch.setattr(module, target, doc)
    monkeypatch.setattr(module, "render", lambda *a: "fresh\n")
    assert module.main(["--chek"]) == 2
    assert module.main(["--help"]) == 0
    assert "--check" in capsys.readouterr().out
    assert doc.read_text(encoding="utf-8") == "stale\n"
    assert module.main(["--check"]) == 1
    assert module.main([]) == 0 and doc.read_text(encoding="utf-8") == "fresh\n"
