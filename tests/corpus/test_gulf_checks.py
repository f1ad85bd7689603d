"""Validation and coverage of the Vesper Gulf (tests/corpora/gulf), a corpus written from
the docs alone: what its author got wrong is one line at its place; what its chronicle says
is counted as covered where the corpus records it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.cli import app
from foedus.corpus import load_corpus
from foedus.corpus.coverage import coverage, find_dates

GULF = Path(__file__).parents[1] / "corpora" / "gulf"


@pytest.fixture
def gulf(tmp_path: Path) -> Path:
    return Path(shutil.copytree(GULF, tmp_path / "gulf"))


def validate(root: Path) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["validate", str(root)])
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize(
    ("written", "line"),
    [
        (
            "supersedes: [treaty-of-mirl]",
            "instruments.yaml:152:18: instrument 'treaty-of-osten': unknown instrument "
            "'treaty-of-mirl'; did you mean 'treaty-of-mirel' or 'treaty-of-ostrel'?",
        ),
        (
            "supersedes: [treaty-of-mirel, treaty-of-osten]",
            "instruments.yaml:152:35: instrument 'treaty-of-osten' supersedes itself",
        ),
    ],
)
def test_an_unknown_superseded_instrument_is_one_line_at_its_place(
    gulf: Path, written: str, line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An instrument that supersedes one the corpus does not have would end nothing, and the
    answers would change silently: it is refused like an unknown `amends`."""
    f = gulf / "instruments.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.count("supersedes: [treaty-of-mirel]") == 1
    f.write_text(text.replace("supersedes: [treaty-of-mirel]", written), encoding="utf-8")
    monkeypatch.chdir(gulf)
    code, out, err = validate(Path("."))
    assert (code, out, err.splitlines()) == (2, "", [line])


def test_the_gulf_corpus_is_valid() -> None:
    code, out, err = validate(GULF)
    assert (code, err) == (0, "")
    assert out.startswith("ok: 8 actors, 9 instruments, 30 events")


def test_open_dates_are_found_whole_and_represented() -> None:
    """ "Some time after 28 November 1939 Ardenia mobilized its army": the date is "after 28
    November 1939", as the event records it (docs/corpus-format.md, "Dates"), not "28 November
    1939"."""
    found = [t for t, _ in find_dates("Some time after 28 November 1939 Ardenia mobilized.")]
    assert found == ["after 28 November 1939"]
    for text in (
        "not before June 1940",
        "no earlier than 1930",
        "before 1940",
        "by mid-1941",
        "not after 1955",
        "no later than 1 May 1941",
    ):
        assert [t for t, _ in find_dates(f"It was so {text}.")] == [text]
    report = coverage(load_corpus(GULF))["sources"][0]
    assert report["unrepresented_dates"] == []
    assert report["dates"]["covered"] == report["dates"]["total"]


def test_a_group_s_quote_covers_its_sentence() -> None:
    """corpus.yaml's group "the Gulf states" quotes the one sentence that names them."""
    report = coverage(load_corpus(GULF))["sources"][0]
    assert report["uncovered"] == [
        "This chronicle is invented to test foedus; none of it happened."
    ]
