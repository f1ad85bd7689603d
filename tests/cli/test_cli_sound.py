"""The command line on a corpus its authors never wrote (tests/ask/sound-corpus): what a
historian typed, what it printed, what it should print."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from small_corpora import sound_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_corpus(tmp_path_factory.mktemp("sound"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_day_no_calendar_has_is_one_line_exit_2(corpus: Path) -> None:
    """`foedus ask "Was Skarvia occupied on 30 February 1938?"` answered "yes", over
    February 1938, exit 0."""
    code, out, err = run(
        "ask", "Was Skarvia occupied on 30 February 1938?", "--corpus", str(corpus)
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(
        'could not understand "30 February 1938" in "Was Skarvia occupied on 30 February '
        '1938?": no such day; try: '
    )


def test_a_denounced_treaty_shows_its_end(corpus: Path) -> None:
    """`foedus treaty valdmark-skarvia-non-aggression-treaty` showed no end."""
    code, out, _ = run("treaty", "valdmark-skarvia-non-aggression-treaty", "--corpus", str(corpus))
    assert code == 0
    assert [line.split() for line in out.splitlines()[1:4]] == [
        ["signed", "12", "March", "1926"],
        ["in", "force", "12", "March", "1926"],
        ["ended", "late", "November", "1937"],
    ]


def test_a_range_open_on_one_side_in_compare(corpus: Path, tmp_path: Path) -> None:
    """With the annexation dated "by 1 April 1938", `foedus compare --perspectives de-facto
    non-recognition Skarvia` printed "Skarvia, by 1 April 1938 to by 1 April 1938"."""
    overlay = tmp_path / "by.yaml"
    overlay.write_text(
        "events:\n  - id: valdmark-annexes-skarvia-1938\n    type: annexation\n"
        '    date: {earliest: 1938-03-21, latest: 1938-04-01, text: "by 1 April 1938"}\n'
        "    actors: [valdmark]\n    targets: [skarvia]\n"
        "    summary: The Kingdom proclaims the annexation of Skarvia as a province.\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "compare",
        "--perspectives",
        "de-facto",
        "non-recognition",
        "Skarvia",
        "--corpus",
        str(corpus),
        "--assume",
        str(overlay),
    )
    assert code == 0, err
    assert "Skarvia, some day by 1 April 1938 to some day by 1 April 1938" in out
    assert " to by " not in out and ", by " not in out
