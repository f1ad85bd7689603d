"""``foedus run`` on a researcher's own narratives: a byte order mark, times that are not
integers or do not fit, CSV rows with too few or too many fields, a header with another
column order or without a column, bytes that are not UTF-8, facts with a quoted comma. Each
bad input is one line naming the file and the line (exit 2), never a traceback; both paths
(DuckDB's and the plain-Python one) give the same answer."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from foedus.backends import run as run_mod
from foedus.backends.run import RunError, main, run

RULES = (
    "fact hub(Item).\nfluent on(Item).\ninitiated on(X) when switch_on(X).\n"
    "terminated on(X) when switch_off(X).\nfluent hubon(Item).\n"
    "hubon(X) holds for on(X) where hub(X).\n"
)
HEADER = "fluent,args,value,start,end\n"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(params=["python", "duckdb"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(run_mod.ENGINE_ENV, request.param)
    return str(request.param)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "r.rules"
    path.write_text(RULES)
    return path


def _out(rules: Path, narrative: Path, *facts: Path) -> str:
    out = narrative.with_suffix(".out")
    run([rules], narrative, list(facts), out)
    return out.read_text(encoding="utf-8")


def _error(capsys: pytest.CaptureFixture[str], rules: Path, narrative: Path) -> list[str]:
    out = narrative.with_suffix(".out")
    assert main([str(rules), str(narrative), "-o", str(out)]) == 2
    assert not out.exists()  # nothing half-written
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err.splitlines()


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffevent,time,args\nswitch_on,1,i1\nswitch_off,5,i1\n",
        "\ufeffswitch_on|1|1|i1\nswitch_off|5|5|i1\n",
        "\ufeffevent,time,args\r\nswitch_on,1,i1\r\nswitch_off,5,i1\r\n",
    ],
    ids=["csv", "rtec", "csv-crlf"],
)
def test_a_byte_order_mark_is_not_part_of_the_first_line(
    tmp_path: Path, rules: Path, engine: str, text: str
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text(text, encoding="utf-8")
    assert _out(rules, narrative) == HEADER + "on,i1,true,2,6\n"


def test_the_csv_header_names_the_columns_in_any_order(
    tmp_path: Path, rules: Path, engine: str
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text("time,args,event,note\n1,i1,switch_on,a\n5,i1,switch_off,b\n")
    assert _out(rules, narrative) == HEADER + "on,i1,true,2,6\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("switch_on,1.5,i1\n", "2: time '1.5' is not an integer"),
        ("switch_on,1,i1\nswitch_on,1e3,i1\n", "3: time '1e3' is not an integer"),
        ("switch_on,[10,14],i1\n", "2: expected 3 fields (event,time,args), found 4"),
        ("switch_on,1,i1\nswitch_on,1\n", "3: expected 3 fields (event,time,args), found 2"),
        ('switch_on,1,"a\nb"\nswitch_on,2,i1,x\n', "4: expected 3 fields"),
        (
            "switch_on,9223372036854775807,i1\n",
            "2: time '9223372036854775807' is out of range "
            "(-9223372036854775808 to 9223372036854775806)",
        ),
        ("switch_on,99999999999999999999,i1\n", "2: time '99999999999999999999' is out of range"),
    ],
)
def test_a_bad_csv_row_is_named_by_its_line(
    tmp_path: Path,
    rules: Path,
    engine: str,
    capsys: pytest.CaptureFixture[str],
    body: str,
    message: str,
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text("event,time,args\n" + body)
    (line,) = _error(capsys, rules, narrative)
    assert line.startswith(f"{narrative}:{message}")


def test_the_largest_time_runs_and_a_larger_is_refused(
    tmp_path: Path, rules: Path, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text("switch_on|1|9223372036854775806|i1\n")
    assert _out(rules, narrative) == HEADER + "on,i1,true,9223372036854775807,inf\n"
    narrative = tmp_path / "m.csv"
    narrative.write_text("switch_on|1|1|i1\nswitch_on|1|9223372036854775807|i1\n")
    assert _error(capsys, rules, narrative) == [
        f"{narrative}:2: time '9223372036854775807' is out of range "
        "(-9223372036854775808 to 9223372036854775806)"
    ]


def test_a_header_without_a_column_is_named(
    tmp_path: Path, rules: Path, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text("event,args\nswitch_on,i1\n")
    assert _error(capsys, rules, narrative) == [
        f"{narrative}:1: expected the header 'event,time,args', found 'event,args'"
    ]


def test_bytes_that_are_not_utf8_are_named_by_line_and_column(
    tmp_path: Path, rules: Path, engine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_bytes(b"switch_on|1|1|i1\nswitch_on|1|1|\xe9x\n")
    assert _error(capsys, rules, narrative) == [
        f"{narrative}:2:15: cannot read narrative: not UTF-8 text (byte 0xe9)"
    ]


def test_a_parquet_narrative_without_a_column_is_named(
    tmp_path: Path, rules: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    narrative = tmp_path / "n.parquet"
    duckdb.sql(f"COPY (SELECT 'switch_on' AS event, ['i1'] AS args) TO '{narrative}'")
    assert _error(capsys, rules, narrative) == [
        f"{narrative}:1: cannot read narrative: expected the columns event, time and args, "
        "found event, args"
    ]
    duckdb.sql(
        f"COPY (SELECT 'switch_on' AS event, 1.5::DOUBLE AS time, ['i1'] AS args) TO '{narrative}'"
    )
    assert _error(capsys, rules, narrative) == [f"{narrative}:1: time '1.5' is not an integer"]


def test_facts_with_a_byte_order_mark_and_a_quoted_comma(
    tmp_path: Path, rules: Path, engine: str
) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text('event,time,args\nswitch_on,1,i1\nswitch_on,2,"a,b"\n')
    prolog = tmp_path / "d.prolog"
    prolog.write_text("\ufeffhub(i1).\r\nhub('a,b').\r\n", encoding="utf-8")
    table = tmp_path / "d.csv"
    table.write_text('\ufefffact,args\r\nhub,i1\r\nhub,"a,b"\r\n', encoding="utf-8")
    expected = HEADER + 'hubon,"a,b",true,3,inf\nhubon,i1,true,2,inf\n'
    expected += 'on,"a,b",true,3,inf\non,i1,true,2,inf\n'
    assert _out(rules, narrative, prolog) == expected
    assert _out(rules, narrative, table) == expected


def test_run_error_for_the_api(tmp_path: Path, rules: Path) -> None:
    narrative = tmp_path / "n.csv"
    narrative.write_text("event,time\nswitch_on,1\n")
    with pytest.raises(RunError, match=r"n\.csv:1: expected the header"):
        run([rules], narrative)
