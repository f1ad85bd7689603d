"""``foedus run``: RTEC's intervals, byte for byte, from the conformance narratives; the
other input and output formats; the plan cache; one-line errors with file:line and exit 2."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from foedus.backends import run as run_mod
from foedus.backends.run import RunError, main, run

HERE = Path(__file__).parents[1] / "rtec"
FIXTURES = HERE / "fixtures"
CASES = sorted(p.stem for p in (FIXTURES / "expected").glob("*.csv"))


def _slow_if_large(case: str) -> object:
    """The 100,000-event case is slow (``pytest -m "not slow"`` leaves it out)."""
    return pytest.param(case, marks=pytest.mark.slow) if "100k" in case else case


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def rules_of(case: str) -> Path:
    return HERE / f"{case.split('__')[0]}.rules"


# e_treaties__rand100k: 100,000 events
@pytest.mark.parametrize("case", [_slow_if_large(c) for c in CASES])
def test_run_writes_rtecs_intervals_exactly(case: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    n = run([rules_of(case)], FIXTURES / "narratives" / f"{case}.csv", out=out)
    expected = (FIXTURES / "expected" / f"{case}.csv").read_bytes()
    assert out.read_bytes() == expected
    assert n == expected.count(b"\n") - 1


def test_the_command_writes_stdout_and_help_is_cheap(tmp_path: Path) -> None:
    case = "g_wildcard__tiny"
    env = {**os.environ, "FOEDUS_CACHE_DIR": str(tmp_path / "c")}
    cmd = [sys.executable, "-c", "from foedus.console import console; console()", "run"]
    done = subprocess.run(
        [*cmd, str(rules_of(case)), str(FIXTURES / "narratives" / f"{case}.csv")],
        capture_output=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (FIXTURES / "expected" / f"{case}.csv").read_bytes()
    helped = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "from foedus.console import console; console()",
            "run",
            "--help",
        ],
        capture_output=True,
        text=True,
    )
    assert helped.returncode == 0 and "--facts" in helped.stdout
    imported = {line.split("|")[-1].strip() for line in helped.stderr.splitlines()}
    assert not imported & {"duckdb", "sqlglot", "lark", "typer", "foedus.cli"}


def test_csv_and_parquet_narratives(tmp_path: Path) -> None:
    case = "e_treaties__tiny"
    src = FIXTURES / "narratives" / f"{case}.csv"
    con = duckdb.connect()
    lines = f"read_csv('{src}', columns={{'l': 'VARCHAR'}}, delim=chr(1), header=false)"
    rows = (
        "SELECT string_split(l, '|')[1] AS event, CAST(string_split(l, '|')[3] AS BIGINT) AS "
        f"time, string_split(l, '|')[4:] AS args FROM {lines}"
    )
    con.execute(f"COPY ({rows}) TO '{tmp_path / 'n.parquet'}' (FORMAT parquet)")
    joined = f"SELECT event, time, array_to_string(args, ';') AS args FROM ({rows})"
    con.execute(f"COPY ({joined}) TO '{tmp_path / 'n.csv'}' (FORMAT csv, HEADER true)")
    expected = (FIXTURES / "expected" / f"{case}.csv").read_bytes()
    for narrative in ("n.parquet", "n.csv"):
        run([rules_of(case)], tmp_path / narrative, out=tmp_path / "out.csv")
        assert (tmp_path / "out.csv").read_bytes() == expected, narrative


def test_parquet_and_jsonl_output(tmp_path: Path) -> None:
    case = "a_boolean__tiny"
    narrative = FIXTURES / "narratives" / f"{case}.csv"
    run([rules_of(case)], narrative, out=tmp_path / "o.parquet", fmt="parquet")
    run([rules_of(case)], narrative, out=tmp_path / "o.jsonl", fmt="jsonl")
    rows = duckdb.sql(f"SELECT * FROM '{tmp_path / 'o.parquet'}'").fetchall()
    first = json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0])
    assert rows[0] == ("active", ["x1"], "true", 4, 9)
    assert first == {"fluent": "active", "args": ["x1"], "value": "true", "start": 4, "end": 9}
    assert rows[-1][-1] is None  # open: still holding at the end


def test_facts_rtec_style_and_csv(tmp_path: Path) -> None:
    rules = tmp_path / "r.rules"
    rules.write_text(
        "fact power(State).\nfluent controlled(State).\n"
        "initiated controlled(S) when invade(P, S), power(P).\n"
    )
    narrative = tmp_path / "n.csv"
    narrative.write_text("invade|1|1|ru|lv\ninvade|2|2|ee|lt\n")
    prolog = tmp_path / "domain.prolog"
    prolog.write_text("% powers\npower(ru).\nstate(lv).\nstate_like('x y').\n")
    out = tmp_path / "o.csv"
    run([rules], narrative, [prolog], out)
    assert out.read_text() == "fluent,args,value,start,end\ncontrolled,lv,true,2,inf\n"
    facts = tmp_path / "f.csv"
    facts.write_text("fact,args\npower,ee\n")
    run([rules], narrative, [facts], out)
    assert out.read_text() == "fluent,args,value,start,end\ncontrolled,lt,true,3,inf\n"


def test_the_plan_is_cached_by_the_rules_hash(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = "g_wildcard__tiny"
    narrative = FIXTURES / "narratives" / f"{case}.csv"
    run([rules_of(case)], narrative, out=tmp_path / "a.csv")
    assert len(list((cache / "plans").glob("*.json"))) == 1

    def boom(paths: list[Path]) -> dict:
        raise AssertionError("compiled again")

    monkeypatch.setattr(run_mod, "compile_plan", boom)
    run([rules_of(case)], narrative, out=tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    edited = tmp_path / "g.rules"
    edited.write_text(rules_of(case).read_text() + "\n# edited\n")
    with pytest.raises(AssertionError, match="compiled again"):
        run([edited], narrative, out=tmp_path / "c.csv")


def test_cache_dir_is_storages(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from foedus import build as storage

    assert run_mod.cache_dir() == storage.cache_dir()
    monkeypatch.delenv("FOEDUS_CACHE_DIR")
    assert run_mod.cache_dir() == storage.cache_dir()


def errors(capsys: pytest.CaptureFixture[str], *argv: object) -> list[str]:
    assert main([str(a) for a in argv]) == 2
    return capsys.readouterr().err.splitlines()


def test_bad_inputs_are_one_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = HERE / "a_boolean.rules"
    bad = tmp_path / "bad.csv"
    bad.write_text("activate|1|1|x1\n\nactivate|2|two|x1\n")
    assert errors(capsys, rules, bad) == [f"{bad}:3: time 'two' is not an integer"]
    bad.write_text("activate|1|1|x1\nactivate\n")
    assert errors(capsys, rules, bad) == [
        f"{bad}:2: expected event|arrival|time|arg..., found 'activate'"
    ]
    bad.write_text("event,time,args\nactivate,1,x1\nactivate,,x1\n")
    assert errors(capsys, rules, bad) == [f"{bad}:3: no time"]
    assert errors(capsys, rules, tmp_path / "none.csv") == [
        f"{tmp_path / 'none.csv'}:1: cannot read narrative: no such file"
    ]
    broken = tmp_path / "r.rules"
    broken.write_text("fluent a(X).\ninitiated a(X) whn e(X).\n")
    assert errors(capsys, broken, FIXTURES / "narratives" / "a_boolean__tiny.csv") == [
        f"{broken}:2:16: syntax error: expected one of '=' or 'when', found 'whn'"
    ]
    facts_rules = tmp_path / "f.rules"
    facts_rules.write_text("fact power(S).\nfluent c(S).\ninitiated c(S) when e(S), power(S).\n")
    facts = tmp_path / "d.prolog"
    facts.write_text("power(ru).\npower(ru, de).\npower(\n")
    assert errors(capsys, facts_rules, bad, "--facts", facts) == [
        f"{facts}:2: fact relation 'power' takes 1 argument, found 2",
        f"{facts}:3: expected a fact such as 'state(s1).', found 'power('",
    ]
    assert errors(capsys, rules) == ["foedus run: expected rule files and a narrative"]
    assert errors(capsys, rules, bad, "--format", "xml")[0].startswith("foedus run: argument")


def test_run_error_is_raised_for_the_api(tmp_path: Path) -> None:
    with pytest.raises(RunError, match="unknown format"):
        run([HERE / "a_boolean.rules"], tmp_path, fmt="xml")


def test_a_cycle_through_time_agrees_with_the_reference(tmp_path: Path) -> None:
    from foedus.engine.narrative import Happening
    from foedus.engine.reference import evaluate
    from foedus.rules import load_rules

    rules = tmp_path / "c.rules"
    rules.write_text(
        "fluent a(X). fluent b(X). fluent both(X).\n"
        "initiated a(X) when e(X), not b(X).\n"
        "initiated b(X) when f(X), a(X).\n"
        "terminated a(X) when g(X), b(X).\n"
        "terminated b(X) when h(X).\n"
        "terminated a(_) when reset.\n"
        "both(X) holds for a(X) and b(X).\n"
    )
    rng = random.Random(3)
    lines = []
    for t in range(1, 80):
        for _ in range(3):
            ev = rng.choice(["e", "e", "f", "f", "g", "h", "reset"])
            lines.append(f"{ev}|{t}|{t}" + ("" if ev == "reset" else f"|x{rng.randrange(3)}"))
    narrative = tmp_path / "n.csv"
    narrative.write_text("\n".join(lines) + "\n")
    out = tmp_path / "o.csv"
    run([rules], narrative, out=out)
    happenings = []
    for line in lines:
        name, _, t, *args = line.split("|")
        happenings.append(Happening(name, tuple(args), int(t), int(t)))
    want = sorted(
        (i.fluent, ";".join(i.args), i.value, str(i.start), "inf" if i.end is None else str(i.end))
        for i in evaluate(load_rules([rules]), happenings)
    )
    got = sorted(tuple(line.split(",")) for line in out.read_text().splitlines()[1:])
    assert got == want and len(want) > 10


def test_crlf_line_ends(tmp_path: Path) -> None:
    case = "g_wildcard__tiny"
    src = FIXTURES / "narratives" / f"{case}.csv"
    crlf = tmp_path / "n.csv"
    crlf.write_bytes(src.read_bytes().replace(b"\n", b"\r\n"))
    run([rules_of(case)], crlf, out=tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_bytes() == (FIXTURES / "expected" / f"{case}.csv").read_bytes()
