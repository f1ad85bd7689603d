"""What-if overlays on the bundled corpus (docs/corpus-format.md, "Overlays"): an answer
changes as the overlay implies and in nothing else, what the overlay assumes is marked
hypothetical in the JSON and in the tables, the corpus's own answers are not changed by an
overlay asked before them, and a bad overlay is refused in one line (file:line:col, exit 2)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from foedus.cli import app
from foedus.cli.views import breaches_view, timeline_view

OVERLAYS = Path(__file__).parents[1] / "overlays"
WAR = str(OVERLAYS / "estonia-declares-war.yaml")
GUARANTEE = str(OVERLAYS / "guarantee-of-estonia.yaml")
EARLIER = str(OVERLAYS / "invasion-a-month-earlier.yaml")
DENOUNCED = str(OVERLAYS / "ussr-denounces-tartu.yaml")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("FOEDUS_DEBUG", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: str) -> Any:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def shown(view: Any) -> str:
    """A view as text, wide enough that no cell wraps, printed as the CLI prints it."""
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(view, markup=False, highlight=False, emoji=False)
    return console.export_text()


def test_an_overlay_clause_is_in_no_source_in_the_json() -> None:
    """The clause of an overlay's instrument is assumed, not quoted: its ``source`` is null in
    `treaty` and in `breaches`, as its explanation says (the corpus's clauses keep theirs)."""
    treaty = as_json("treaty", "guarantee-of-estonia-1939", "--assume", GUARANTEE)
    assert treaty["hypothetical"] is True
    assert [c["source"] for c in treaty["clauses"]] == [None]
    found = as_json(
        "breaches", "--by", "USSR", "--treaty", "guarantee-of-estonia-1939", "--assume", GUARANTEE
    )["breaches"]
    assert [b["event"]["id"] for b in found] == ["ussr-invades-estonia-1940"]
    assert found[0]["clause"]["source"] is None
    assert found[0]["treaty"]["hypothetical"] is True
    tartu = as_json("treaty", "treaty-of-tartu", "--assume", GUARANTEE)
    assert {c["source"] for c in tartu["clauses"]} == {"baltic-soviet-relations"}


def test_a_breach_of_an_assumed_instrument_is_marked_in_the_table() -> None:
    data = as_json(
        "breaches", "--by", "USSR", "--treaty", "guarantee-of-estonia-1939", "--assume", GUARANTEE
    )
    assert "Anglo-Soviet Guarantee of Estonia [hypothetical]" in shown(breaches_view(data))
    real = as_json("breaches", "--by", "USSR", "--against", "Estonia")
    assert "[hypothetical]" not in shown(breaches_view(real))


def test_the_timeline_marks_an_assumed_event() -> None:
    data = as_json("timeline", "Estonia", "--assume", DENOUNCED)
    lines = [ln for ln in shown(timeline_view(data)).splitlines() if "denounces" in ln]
    assert lines and all("[hypothetical]" in ln for ln in lines)
    assert "[hypothetical]" not in shown(timeline_view(as_json("timeline", "Estonia")))
    # in the text the CLI prints, too
    code, out, _ = run("timeline", "Estonia", "--assume", DENOUNCED)
    assert code == 0 and "[hypothetical]" in out


def test_war_declared_first_changes_the_aggressor_and_nothing_of_the_corpus() -> None:
    before = as_json("aggressor", "USSR", "Estonia")
    war = as_json("aggressor", "USSR", "Estonia", "--assume", WAR)
    assert before["aggressor"]["id"] == "ussr"
    assert war["aggressor"]["id"] == "estonia"
    assert war["act"]["hypothetical"] is True and war["explanation"]["hypothetical"] is True
    # the status is not changed by a declaration of war
    on = ["status", "Estonia", "--on", "1940-07-01"]
    assert as_json(*on, "--assume", WAR)["status"] == as_json(*on)["status"]
    # and the corpus's own answer, asked after, is its own
    assert as_json("aggressor", "USSR", "Estonia") == before


def test_an_invasion_restated_earlier_replaces_the_corpus_event() -> None:
    events = as_json("events", "--target", "Estonia", "--type", "invasion", "--assume", EARLIER)
    invasions = [e for e in events["events"] if e["id"] == "ussr-invades-estonia-1940"]
    assert len(invasions) == 1, "restated, not added"
    assert invasions[0]["date"]["text"] == "mid-May 1940"
    assert invasions[0]["hypothetical"] is True and invasions[0]["sources"] == []
    act = as_json("aggressor", "USSR", "Estonia", "--assume", EARLIER)["act"]
    assert (act["id"], act["date"]["text"]) == ("ussr-invades-estonia-1940", "mid-May 1940")
    real = as_json("events", "--target", "Estonia", "--type", "invasion")["events"]
    assert {e["date"]["text"] for e in real if e["id"] == "ussr-invades-estonia-1940"} == {
        "mid-June 1940"
    }


def test_a_denunciation_ends_the_treaty_it_names() -> None:
    tartu = as_json("treaty", "treaty-of-tartu", "--assume", DENOUNCED)
    assert tartu["ended"]["text"] == "1939-09-01"
    on = ["treaties", "--between", "USSR", "Estonia", "--on", "1940-06-05"]
    assumed = {t["id"] for t in as_json(*on, "--assume", DENOUNCED)["treaties"]}
    real = {t["id"] for t in as_json(*on)["treaties"]}
    assert real - assumed == {"treaty-of-tartu"} and assumed <= real


@pytest.mark.parametrize("text", ["", "\n  \n", "# nothing assumed yet\n"])
def test_an_empty_overlay_is_refused(tmp_path: Path, text: str) -> None:
    """An overlay with no YAML document (blank, or comments only) assumes nothing: the answers
    would be the corpus's own while called a what-if. It is refused, as a blank one was."""
    overlay = tmp_path / "empty.yaml"
    overlay.write_text(text, encoding="utf-8")
    code, out, err = run("status", "Estonia", "--on", "1940-07-01", "--assume", str(overlay))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.endswith("empty.yaml:1:1: " + err.split(":1:1: ", 1)[1])
    assert "overlay is empty" in err


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (
            "events:\n  - id: e\n    type: invasion\n    date: 1940-06-01\n"
            "    actors: [narnia]\n    targets: [estonia]\n    summary: s\n",
            "5:14",
            "unknown actor 'narnia'",
        ),
        (
            "events:\n  - id: e\n    type: invasion\n    date: February 30, 1940\n"
            "    actors: [ussr]\n    targets: [estonia]\n    summary: s\n",
            "4:11",
            "impossible date 'February 30, 1940'",
        ),
        ("events: [a, b\n  : c", "2:3", "YAML syntax error"),
        (
            "instruments:\n  - id: treaty-of-tartu\n    name: T\n    kind: treaty\n",
            "2:9",
            "duplicate instrument id 'treaty-of-tartu'",
        ),
    ],
)
def test_a_bad_overlay_is_refused_in_one_line(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    overlay = tmp_path / "bad.yaml"
    overlay.write_text(text, encoding="utf-8")
    code, out, err = run("aggressor", "USSR", "Estonia", "--assume", str(overlay))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"bad.yaml:{where}: " in err and words in err


def test_an_assumed_clause_quoted_in_an_explanation_says_it_is_assumed() -> None:
    """Its source is null (above): the explanation printed its words "— None"."""
    code, out, _ = run(
        "explain",
        "breach",
        "ussr-invades-estonia-1940",
        "guarantee-of-estonia-1939",
        "--assume",
        str(OVERLAYS / "guarantee-of-estonia.yaml"),
    )
    assert code == 0
    assert "None" not in out
    assert "— assumed (no source)" in " ".join(out.split())


def test_a_real_act_breaching_an_assumed_instrument_is_a_what_if_at_its_top() -> None:
    """The breach of the overlay's guarantee by the corpus's own 1940 invasion: only its inner
    instrument and clause nodes were marked, so the conclusion read as a fact."""
    found = as_json(
        "breaches", "--by", "USSR", "--treaty", "guarantee-of-estonia-1939", "--assume", GUARANTEE
    )["breaches"]
    assert found[0]["event"]["hypothetical"] is False
    assert found[0]["explanation"]["hypothetical"] is True
    corpus_own = as_json("breaches", "--by", "USSR", "--treaty", "treaty-of-tartu")["breaches"]
    assert corpus_own and not any(b["explanation"]["hypothetical"] for b in corpus_own)
