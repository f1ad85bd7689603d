"""The command line: JSON shapes, human tables, exit codes and error lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from foedus.cli import app

GOOD = Path(__file__).parents[1] / "corpora" / "good"
BAD = Path(__file__).parents[1] / "corpora" / "bad"
OVERLAY = GOOD / "overlays" / "what-if.yaml"
COMMANDS = ["validate", "coverage", "build", "events", "treaty", "treaties"]


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FOEDUS_DEBUG", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: str) -> dict:
    code, out, err = run(*args, "--corpus", str(GOOD), "--json")
    assert code == 0, err
    assert out.count("\n") == 1, "exactly one JSON object"
    return json.loads(out)


def test_events_json_shape() -> None:
    data = as_json("events", "--actor", "the Southern Union")
    [e] = data["events"]
    assert e == {
        "id": "southland-invades-northland",
        "type": "invasion",
        "date": {"earliest": "1940-06-11", "latest": "1940-06-20", "text": "mid-June 1940"},
        "actors": [{"id": "southland", "name": "Southland"}],
        "targets": [{"id": "northland", "name": "Northland"}],
        "summary": "Southland invades Northland.",
        "sources": [{"source": "mini", "quote": "In mid-June 1940, Southland invaded Northland."}],
        "justification": "Security of the border.",
        "notes": None,
        "instrument": None,
        "mode": None,
        "hypothetical": False,
    }


def test_events_filters_and_order() -> None:
    ids = [e["id"] for e in as_json("events", "--target", "NL")["events"]]
    assert ids == ["southland-invades-northland", "us-non-recognition"]
    ids = [
        e["id"] for e in as_json("events", "--from", "1940-06-20", "--to", "1991-01-01")["events"]
    ]
    assert ids == ["southland-invades-northland", "us-non-recognition", "northland-restoration"]
    assert [e["id"] for e in as_json("events", "--type", "invasion")["events"]] == [
        "southland-invades-northland"
    ]


def test_treaty_json_shape() -> None:
    t = as_json("treaty", "Harbour Treaty")
    assert list(t) == [
        "id",
        "name",
        "kind",
        "aliases",
        "signed",
        "in_force",
        "ended",
        "parties",
        "clauses",
        "sources",
        "notes",
        "hypothetical",
    ]
    assert t["parties"][1] == {
        "actor": {"id": "southland", "name": "Southland"},
        "how": "signature",
        "date": {"earliest": "1921-03-03", "latest": "1921-03-03", "text": "March 3, 1921"},
        "until": None,
        "via": None,
        "sources": [
            {"source": "mini", "quote": "Southland and Northland signed the Treaty of Harbour"}
        ],
    }
    assert t["clauses"][1]["norm"] == {
        "kind": "guarantee",
        "categories": ["aggression"],
        "bearers": None,
        "beneficiaries": [{"id": "northland", "name": "Northland"}],
        "description": None,
    }


def test_treaties_all_and_by_party() -> None:
    assert [t["id"] for t in as_json("treaties")["treaties"]] == ["treaty-of-harbour"]
    assert as_json("treaties", "--party", "USA") == {"treaties": []}


def test_assume_adds_hypothetical_facts() -> None:
    data = as_json("events", "--assume", str(OVERLAY), "--target", "northland")
    blockade = data["events"][0]
    assert (blockade["id"], blockade["hypothetical"]) == ("northland-blockade", True)
    names = [t["id"] for t in as_json("treaties", "--assume", str(OVERLAY))["treaties"]]
    assert names == ["treaty-of-harbour", "pact-of-friendship"]


def test_human_tables_show_dates_as_the_source_gives_them() -> None:
    code, out, _ = run("events", "--corpus", str(GOOD))
    assert code == 0 and "mid-June 1940" in out and "4 events" in out
    code, out, _ = run("treaty", "treaty-of-harbour", "--corpus", str(GOOD))
    assert code == 0 and "mid-April 1921" in out and "art-2" in out


def test_validate_ok_and_problems() -> None:
    code, out, _ = run("validate", str(GOOD))
    assert (code, out) == (0, "ok: 3 actors, 1 instrument, 4 events, 9 quotes\n")
    code, out, err = run("validate", str(BAD / "existence"))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 4 and "before it existed (from 1918)" in err
    code, out, _ = run("validate", "--corpus", str(BAD / "existence"), "--json")
    data = json.loads(out)
    assert code == 2 and data["ok"] is False and len(data["errors"]) == 4


def test_coverage_json() -> None:
    [source] = as_json("coverage")["sources"]
    assert set(source) == {
        "source",
        "sentences",
        "dated_or_named",
        "dates",
        "uncovered",
        "unrepresented_dates",
    }


def test_build_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "good.duckdb"
    code, stdout, err = run("build", str(GOOD), "-o", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout)["database"] == str(out) and out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["events", "--actor", "Nothland"],
            "unknown actor 'Nothland'; did you mean 'northland' or 'southland'?\n",
        ),
        (
            ["events", "--type", "invasio"],
            "unknown event type 'invasio'; did you mean 'invasion'?\n",
        ),
        (["events", "--from", "June 1940"], "--from: not an ISO day (YYYY-MM-DD): 'June 1940'\n"),
        (
            ["events", "--from", "1940-02-30"],
            "--from: impossible date '1940-02-30' (February 1940 has 29 days)\n",
        ),
        (["treaty", "no such thing"], "unknown instrument 'no such thing'\n"),
        (
            ["events", "--from", "1941-01-01", "--to", "1940-01-01"],
            "--to 1940-01-01 is before --from 1941-01-01\n",
        ),
        (
            ["breaches", "--from", "1941-01-01", "--to", "1940-01-01"],
            "--to 1940-01-01 is before --from 1941-01-01\n",
        ),
        (
            ["aggressor", "Northland", "Southland", "--from", "1941-01-01", "--to", "1940-01-01"],
            "--to 1940-01-01 is before --from 1941-01-01\n",
        ),
        (
            ["aggressor", "Northland", "northland"],
            "aggressor: 'Northland' and 'northland' are the same actor (northland); name two "
            "actors\n",
        ),
        (
            ["treaties", "--between", "Northland", "northland", "--on", "1930-01-01"],
            "treaties --between: 'Northland' and 'northland' are the same actor (northland); "
            "name two actors\n",
        ),
    ],
)
def test_user_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = run(*args, "--corpus", str(GOOD))
    assert (code, out, err) == (2, "", message)


def test_bad_corpus_and_bad_overlay_exit_2(tmp_path: Path) -> None:
    code, _, err = run("events", "--corpus", str(BAD / "dates"))
    # one line per problem, as the corpus's expected.txt lists them
    expected = (BAD / "dates" / "expected.txt").read_text().splitlines()
    assert code == 2 and err.count("\n") == len(expected) and "Traceback" not in err
    overlay = tmp_path / "o.yaml"
    overlay.write_text("events:\n  - id: x\n    type: invasion\n")
    code, _, err = run("events", "--corpus", str(GOOD), "--assume", str(overlay))
    assert code == 2 and "o.yaml:2:5: events[0]: missing field 'date'" in err


def test_usage_errors_exit_2() -> None:
    assert run("events", "--bogus")[0] == 2
    assert run("no-such-command")[0] == 2


def test_internal_errors_exit_1_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from foedus import query

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(query.KnowledgeBase, "treaties", boom)
    code, out, err = run("treaties", "--corpus", str(GOOD))
    assert (code, out, err) == (1, "", "internal error: RuntimeError: kaput\n")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_worked_example_and_the_common_options(name: str) -> None:
    code, out, _ = run(name, "--help")
    assert code == 0
    assert f"Example: foedus {name}" in out
    for option in ("--corpus", "--perspective", "--assume", "--json"):
        assert option in out


def test_a_real_subprocess() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "foedus",
            "events",
            "--corpus",
            str(GOOD),
            "--json",
            "--type",
            "non_recognition",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert [e["id"] for e in json.loads(proc.stdout)["events"]] == ["us-non-recognition"]
    proc = subprocess.run(
        [sys.executable, "-m", "foedus", "events", "--corpus", str(GOOD), "--actor", "mars"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", "unknown actor 'mars'\n")


def test_an_option_of_two_values_that_took_the_next_option_says_so() -> None:
    """``--between`` takes two actors; given one, Click takes ``--on`` as the second and then
    calls the day an unexpected extra argument: the message says what happened instead."""
    proc = subprocess.run(
        [sys.executable, "-m", "foedus", "treaties", "--between", "Estonia", "--on", "1940-01-01"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.endswith(
        "treaties: --between takes 2 values; got 'Estonia' and then the option '--on'\n"
    )
    assert proc.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["treaties", "--between", "Estonia"], "Option '--between' requires 2 arguments."),
        (["status", "Estonia", "--on"], "Option '--on' requires an argument."),
    ],
)
def test_an_option_missing_its_values_at_the_end_names_the_command(
    argv: list[str], said: str
) -> None:
    """Click reports an option left without its values at the end of the line with no
    command; the one line names it as every other usage error does."""
    proc = subprocess.run(
        [sys.executable, "-m", "foedus", *argv], capture_output=True, text=True, check=False
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"foedus {argv[0]}: {said}\n")


def test_an_instrument_named_by_one_word_of_its_name_is_suggested() -> None:
    """ "Vell" is too short for a close match of "Treaty of Vell", but it is a word of it."""
    any_corpus = str(Path(__file__).parent.parent / "corpora" / "any")
    code, out, err = run("treaty", "Vell", "--corpus", any_corpus)
    assert (code, out) == (2, "")
    assert err == "unknown instrument 'Vell'; did you mean 'treaty-of-vell'?\n"


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """A command stopped by Ctrl-C: DuckDB's client turns the signal into a RuntimeError of its
    own while a statement runs (here a real statement and a real SIGINT to this process),
    Python into KeyboardInterrupt elsewhere; both are ``interrupted`` and exit 130, not an
    internal error."""
    import os
    import signal
    import threading

    from foedus import query
    from foedus.duck import duckdb

    def long_statement(*args: object, **kwargs: object) -> None:
        con = duckdb.connect()
        threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
        # seconds of work: a signal that lands just before DuckDB's client watches for it is
        # Python's KeyboardInterrupt once the statement ends (the same line and exit code)
        con.execute("SELECT sum(hash(x)) FROM range(2000000000) AS t(x)").fetchall()

    monkeypatch.setattr(query.KnowledgeBase, "treaties", long_statement)
    assert run("treaties", "--corpus", str(GOOD)) == (130, "", "interrupted\n")

    # each of the two the signal may become, for certain (above it is one or the other)
    for stop in (KeyboardInterrupt(), RuntimeError("Query interrupted")):

        def stopped(*args: object, stop: BaseException = stop, **kwargs: object) -> None:
            raise stop

        monkeypatch.setattr(query.KnowledgeBase, "treaties", stopped)
        assert run("treaties", "--corpus", str(GOOD)) == (130, "", "interrupted\n")


def test_ctrl_c_on_a_real_build_leaves_no_file(tmp_path: Path) -> None:
    """SIGINT to ``foedus build`` while it builds (a generated world large enough to take a
    while): one line, exit 130, nothing at the output path."""
    import signal
    import time

    world = tmp_path / "world"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "foedus",
            "generate-world",
            "--states",
            "40",
            "--instruments",
            "100",
            "--events",
            "200000",
            "--seed",
            "3",
            "-o",
            str(world),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    out = tmp_path / "out.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-m", "foedus", "build", "--corpus", str(world), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    while (
        proc.poll() is None
        and not list(tmp_path.glob("*.duckdb*"))
        and not list(tmp_path.glob(".*"))
    ):
        time.sleep(0.05)  # the build has begun writing
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the build finished before the signal")
    assert (proc.returncode, err) == (130, "interrupted\n")
    assert not out.exists()
