"""``foedus run``: RTEC's intervals, byte for byte, from the conformance narratives; the
other input and output formats; the plan cache; one-line errors with file:line and exit 2.

Both paths are run (``engine``): DuckDB's, and the plain-Python one that a small CSV run
takes (:mod:`foedus.backends.run_small`, forced here with ``$FOEDUS_RUN_ENGINE``); they must
write the same bytes and the same errors."""

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
from foedus.backends import run_small
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


@pytest.fixture(params=["python", "duckdb"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each path in turn, forced whatever the input's size."""
    monkeypatch.setenv(run_mod.ENGINE_ENV, request.param)
    return str(request.param)


def rules_of(case: str) -> Path:
    return HERE / f"{case.split('__')[0]}.rules"


# e_treaties__rand100k: 100,000 events
@pytest.mark.parametrize("case", [_slow_if_large(c) for c in CASES])
def test_run_writes_rtecs_intervals_exactly(case: str, engine: str, tmp_path: Path) -> None:
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


def test_csv_and_parquet_narratives(tmp_path: Path, engine: str) -> None:
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


def test_facts_rtec_style_and_csv(tmp_path: Path, engine: str) -> None:
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
    # the small run's parsed rules, under the same key (a warm small run parses nothing)
    assert len(list((cache / "plans").glob("*.program.pickle"))) == 1

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
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: str
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


def test_a_cycle_through_time_agrees_with_the_reference(tmp_path: Path, engine: str) -> None:
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


def test_where_rtec_answers_differently_foedus_keeps_its_semantics(
    tmp_path: Path, engine: str
) -> None:
    """The examples of docs/rule-language.md, "Where RTEC answers differently": foedus's
    answers as the docs give them (RTEC's, found by running it, are in the docs)."""
    rules = tmp_path / "d.rules"
    rules.write_text(
        "fluent a(X). fluent member(S, A). fluent in_any(S).\n"
        "fluent r(X). fluent g(X). fluent either(X).\n"
        "initiated a(X) when ping(X).\n"
        "terminated a(X) when calm(X), a(X).\n"
        "initiated member(S, A) when join(S, A).\n"
        "terminated member(S, A) when quit(S, A).\n"
        "in_any(S) holds for member(S, _A).\n"
        "initiated r(X) when r_on(X).\n"
        "initiated g(X) when g_on(X).\n"
        "terminated r(X) when off(X).\n"
        "terminated g(X) when off(X).\n"
        "either(X) holds for r(X).\n"
        "either(X) holds for g(X).\n"
    )
    narrative = tmp_path / "n.csv"
    narrative.write_text(
        "ping|10|10|x\ncalm|11|11|x\nping|10|10|y\ncalm|12|12|y\n"  # a: ended at 11, at 12
        "join|1|1|s|a1\nquit|1|5|s|a1\njoin|1|3|s|a2\nquit|1|9|s|a2\n"  # in_any: 2 to 10
        "r_on|1|1|z\noff|1|4|z\ng_on|1|6|z\noff|1|8|z\n"  # either: r's and g's
    )
    out = tmp_path / "o.csv"
    run([rules], narrative, out=out)
    rows = out.read_text().splitlines()
    assert "a,x,true,11,12" in rows and "a,y,true,11,13" in rows
    assert "in_any,s,true,2,10" in rows
    assert "either,z,true,2,5" in rows and "either,z,true,7,9" in rows


def test_crlf_line_ends(tmp_path: Path, engine: str) -> None:
    case = "g_wildcard__tiny"
    src = FIXTURES / "narratives" / f"{case}.csv"
    crlf = tmp_path / "n.csv"
    crlf.write_bytes(src.read_bytes().replace(b"\n", b"\r\n"))
    run([rules_of(case)], crlf, out=tmp_path / "o.csv")
    assert (tmp_path / "o.csv").read_bytes() == (FIXTURES / "expected" / f"{case}.csv").read_bytes()


def test_blank_lines_and_carriage_returns(tmp_path: Path, engine: str) -> None:
    """Blank lines (empty, spaces, a no-break space, an ideographic space) are skipped and a
    CR before the line end is cut; a line of a tab is a line, and a bad one."""
    case = "g_wildcard__tiny"
    src = (FIXTURES / "narratives" / f"{case}.csv").read_text().splitlines()
    expected = (FIXTURES / "expected" / f"{case}.csv").read_bytes()
    blanks = ["", "   ", "\u00a0", " \u3000"]
    for end in ("\n", "\r\n"):
        lines = [x for i, line in enumerate(src) for x in (line, blanks[i % 4])]
        mixed = tmp_path / "n.csv"
        mixed.write_bytes(end.join(lines).encode() + end.encode())
        run([rules_of(case)], mixed, out=tmp_path / "o.csv")
        assert (tmp_path / "o.csv").read_bytes() == expected
    tab = tmp_path / "t.csv"
    tab.write_text("\n".join(src[:2]) + "\n\t\n" + src[2] + "\n")
    with pytest.raises(
        RunError, match=r"t\.csv:3: expected event\|arrival\|time\|arg\.\.\., found '\t'"
    ):
        run([rules_of(case)], tab, out=tmp_path / "o.csv")


def test_a_small_run_imports_no_duckdb_sqlglot_or_lark(tmp_path: Path) -> None:
    """A tiny narrative on a warm plan cache runs in plain Python: ``import duckdb`` alone
    would cost more than RTEC's whole run (docs/decisions/0010-small-narratives.md)."""
    case = "e_treaties__tiny"
    env = {k: v for k, v in os.environ.items() if k != run_mod.ENGINE_ENV}
    env["FOEDUS_CACHE_DIR"] = str(tmp_path / "c")
    cmd = [sys.executable, "-X", "importtime", "-c"]
    cmd += ["from foedus.console import console; console()", "run", str(rules_of(case))]
    cmd += [str(FIXTURES / "narratives" / f"{case}.csv"), "-o", str(tmp_path / "o.csv")]
    cold = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert cold.returncode == 0, cold.stderr
    warm = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert warm.returncode == 0, warm.stderr
    expected = (FIXTURES / "expected" / f"{case}.csv").read_bytes()
    assert (tmp_path / "o.csv").read_bytes() == expected
    imported = {line.split("|")[-1].strip() for line in warm.stderr.splitlines()}
    assert "foedus.engine.reference" in imported
    assert not imported & {"duckdb", "sqlglot", "lark", "typer", "foedus.cli"}
    cold_imported = {line.split("|")[-1].strip() for line in cold.stderr.splitlines()}
    assert "lark" in cold_imported  # the cold run parsed the rules; the warm one did not


def test_the_path_is_chosen_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(run_mod.ENGINE_ENV, raising=False)
    narrative = tmp_path / "n.csv"
    narrative.write_bytes(b"x" * 100)
    facts = tmp_path / "f.prolog"
    facts.write_bytes(b"y" * 100)
    monkeypatch.setattr(run_mod, "PYTHON_BELOW", 250)
    assert run_mod._small(narrative, [facts])
    monkeypatch.setattr(run_mod, "PYTHON_BELOW", 200)  # narrative and facts together
    assert not run_mod._small(narrative, [facts])
    assert run_mod._small(narrative, [])
    monkeypatch.setenv(run_mod.ENGINE_ENV, "duckdb")
    assert not run_mod._small(narrative, [])
    monkeypatch.setenv(run_mod.ENGINE_ENV, "python")
    assert run_mod._small(narrative, [facts])


def test_both_paths_write_the_same_bytes_on_odd_values(tmp_path: Path) -> None:
    """Quoting as DuckDB's CSV writer quotes (an empty string, a comma, a quote), a 0-ary
    fluent, duplicate lines, white space kept (in names and values; a line of spaces is
    skipped), UTF-8, times out of order and negative."""
    rules = tmp_path / "r.rules"
    rules.write_text(
        "fluent on.\nfluent tag(X) = V.\nfluent pair(X, Y).\n"
        "initiated on when start.\nterminated on when stop.\n"
        "initiated tag(X) = V when label(X, V).\n"
        "initiated pair(X, Y) when link(X, Y).\nterminated pair(X, _) when cut(X).\n"
    )
    narrative = tmp_path / "n.csv"
    narrative.write_text(
        'label|1|5|a,b|x"y"\nlabel|1|5|a,b|x"y"\nlink|1|3| sp |é\nstart|1|-4\n'
        'label|1|7|c|\nlink|1|2|q|"\nstop|1|9\ncut|1|11| sp \nlabel|1|8|a,b|z\n'
        "link|1|12|a;b|c\n   \n label|1|13|t|u\n\tlabel|1|14|t|v\t\n"
    )
    assert run_small.read_happenings(narrative, "rtec") is not None  # no hand-over
    outs = {}
    for engine in ("python", "duckdb"):
        os.environ[run_mod.ENGINE_ENV] = engine
        try:
            n = run([rules], narrative, out=tmp_path / f"{engine}.csv")
        finally:
            del os.environ[run_mod.ENGINE_ENV]
        outs[engine] = (n, (tmp_path / f"{engine}.csv").read_bytes())
    assert outs["python"] == outs["duckdb"]
    text = outs["python"][1].decode()
    assert "on,,true,-3,10\n" in text and 'tag,"a,b","x""y""",6,9\n' in text
    assert 'tag,c,"",8,inf\n' in text and "pair, sp ;é,true,4,12\n" in text


def test_an_odd_narrative_goes_to_duckdbs_reader(tmp_path: Path, engine: str) -> None:
    """A time DuckDB reads and the Python reader is not sure of (``+5``, `` 7``): the Python
    path hands the file to the DuckDB path, so both give the same intervals."""
    narrative = tmp_path / "n.csv"
    narrative.write_text("activate|1|+5|x1\ndeactivate|1| 7|x1\n")
    assert run_small.read_happenings(narrative, "rtec") is None
    out = tmp_path / "o.csv"
    run([HERE / "a_boolean.rules"], narrative, out=out)
    assert out.read_text() == "fluent,args,value,start,end\nactive,x1,true,6,8\n"


def test_point_tables_that_read_only_the_inputs_are_views(tmp_path: Path, engine: str) -> None:
    """An event rule's points that read only the events and the facts are a view (filtering
    the events again costs less than writing them); the facts they read (a file's and the
    rules' own ground facts) stay until the end, where the view is read."""
    rules = tmp_path / "r.rules"
    rules.write_text(
        "fact power(State).\npower(fr).\nfluent controlled(State).\nfluent watched(State).\n"
        "initiated controlled(S) when invade(P, S), power(P).\n"
        "terminated controlled(S) when withdraw(P, S).\n"
        "initiated watched(S) when invade(P, S), not controlled(S).\n"
    )
    plan = run_mod.compile_plan([rules])
    sql = [s for step in plan["steps"] for s in step["sql"]]
    assert any(
        s.startswith('CREATE OR REPLACE TEMPORARY VIEW "_foedus_init_controlled"') for s in sql
    )
    assert any(
        s.startswith('CREATE OR REPLACE TEMPORARY VIEW "_foedus_term_controlled"') for s in sql
    )
    # a condition on a fluent: its points are written once, as before
    assert any(
        s.startswith('CREATE OR REPLACE TEMPORARY TABLE "_foedus_init_watched"') for s in sql
    )
    assert not any(
        s.startswith("DROP") and ("_foedus_fact_" in s or "_foedus_ev" in s) for s in sql
    )
    narrative = tmp_path / "n.csv"
    narrative.write_text(
        "invade|1|1|ru|lv\ninvade|2|2|fr|lt\ninvade|3|3|ru|lt\nwithdraw|5|5|ru|lv\n"
    )
    prolog = tmp_path / "domain.prolog"
    prolog.write_text("power(ru).\n")
    out = tmp_path / "o.csv"
    run([rules], narrative, [prolog], out)
    assert out.read_text() == (
        "fluent,args,value,start,end\ncontrolled,lt,true,3,inf\ncontrolled,lv,true,2,6\n"
        "watched,lt,true,3,inf\nwatched,lv,true,2,inf\n"
    )
