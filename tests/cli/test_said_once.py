"""Answers said as the source says them, and once: a date's text in the JSON of ``holds`` as
its ``when`` and the table give it, "possibly" not said twice, whose act an aggressor verdict
turns on, instruments and event types named in words."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from foedus.cli import app
from small_corpora import june_1941

ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


def cli(*args: str) -> str:
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.stderr
    return r.stdout


def answer(*args: str) -> Any:
    return json.loads(cli(*args, "--json"))


def test_holds_dates_text_is_the_source_s_date_as_when_says() -> None:
    """``holds Latvia --on 1940-08-10``: the occupation's control holds "from mid-June 1940
    until 1941"; the JSON's ``from`` and ``to`` keep the engine's days (1940-06-20,
    1940-12-31) but their ``text`` is the source's date, as for ``timeline``'s periods, not
    the day again ("1940-06-20")."""
    data = answer("holds", "Latvia", "--on", "1940-08-10")
    by = {f["text"]: f for f in data["fluents"]}
    control = by["controlled_by(Latvia) = Soviet Union"]
    assert control["when"] == "from mid-June 1940 until 1941"
    assert control["from"] == {
        "earliest": "1940-06-20",
        "latest": "1940-06-20",
        "text": "mid-June 1940",
    }
    assert (control["to"]["latest"], control["to"]["text"]) == ("1940-12-31", "1941")
    assert by["exists(Latvia)"]["from"]["text"] == "1918"
    assert by["joined(Latvia, Treaty of Riga)"]["from"]["text"] == "11 August 1920"
    # every bound a dated record gives is in its words: none here is a derived day
    texts = [d["text"] for f in data["fluents"] for d in (f["from"], f["to"]) if d is not None]
    assert [t for t in texts if ISO_DAY.match(t)] == []


def test_possibly_is_not_said_twice(tmp_path: Path) -> None:
    """A conclusion that says "possibly" itself gets no "(possibly)" mark; a row that does
    not say it still does."""
    out = cli("aggressor", "Germany", "USSR", "--assume", str(june_1941(tmp_path)))
    assert "possibly Germany: " in out
    assert not [
        line
        for line in out.splitlines()
        if "possibly" in line.split("(possibly)")[0] and "(possibly)" in line
    ]
    status = cli("status", "Lithuania", "--on", "1941-03-01", "--perspective", "de-facto")
    root = next(line for line in status.splitlines() if "under the de-facto perspective" in line)
    assert root.endswith("possibly under occupation by Germany")
    assert "controlled_by(lithuania) = ussr holds in 1941 (possibly)" in status


def test_aggressor_says_whose_first_act_the_doubt_is_about(tmp_path: Path) -> None:
    """Estonia's being part of the USSR is in doubt at the time of *Germany's* act, not of
    an act of Estonia's ("at the time of its first act")."""
    got = answer("aggressor", "Germany", "USSR", "--assume", str(june_1941(tmp_path)))
    assert got["explanation"]["conclusion"] == (
        "possibly Germany: Estonia may not have been part of Soviet Union at the time of "
        "Germany's first act (June 1941)"
    )


def test_non_recognition_names_the_breached_instruments() -> None:
    """The annexation "did not end sovereignty": the instruments it breached are named, not
    given by their ids ("breaches treaty-of-riga")."""
    data = answer(
        "explain", "status", "Latvia", "--on", "1950-01-01", "--perspective", "non-recognition"
    )

    def conclusions(tree: dict[str, Any]) -> list[str]:
        return [tree["conclusion"]] + [c for p in tree["premises"] for c in conclusions(p)]

    said = [c for c in conclusions(data["explanation"]) if c.startswith("breaches ")]
    assert "breaches Treaty of Riga" in said
    assert "breaches Soviet–Latvian Non-Aggression Treaty" in said
    assert not [c for c in said if re.search(r"breaches [a-z-]+$", c)]


def test_event_types_in_words() -> None:
    out = cli("events", "--type", "non_recognition")
    assert "non-recognition" in out
    assert "non recognition" not in out
    timeline = cli("timeline", "Latvia")
    assert "non-recognition" in timeline and "non recognition" not in timeline
    assert "liquidation of administration" in timeline
