"""foedus import states: COW, Gleditsch-Ward and ISD lists into actors and entry/exit events."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.interop.aliases import AliasTable, slugify
from foedus.interop.importers import run_import
from foedus.interop.importers.base import DatasetError, messy_date, ymd
from foedus.query import KnowledgeBase
from small_corpora import SHARED_DATA

DATA = Path(__file__).parents[1] / "fixtures" / "data"
SHARED = SHARED_DATA
REAL = SHARED


def test_alias_table_resolves_codes_and_names() -> None:
    t = AliasTable.bundled()
    assert t.by_cow(366).id == "estonia"
    assert t.by_iso("LVA").id == "latvia"
    assert t.by_iso("SUN").id == "russia"
    assert t.by_name("the Soviet Union").id == "russia"
    assert t.by_gw(260).id == "germany"
    made_up = t.resolve(cow="9991", name="Ruritania")
    assert (made_up.id, made_up.known) == ("ruritania", False)
    assert slugify("EST-RUS_1920A") == "est-rus-1920a"


def test_dates_from_columns_and_messydates() -> None:
    assert ymd("1939", "3", "-9") == "1939-03"
    assert ymd("1939", "-9", "-9") == "1939"
    assert ymd("NA") is None
    assert messy_date("1981-02-18?") == {
        "earliest": "1981-02-01",
        "latest": "1981-02-28",
        "text": "1981-02-18?",
    }
    assert messy_date("1935-09..1935-10")["latest"] == "1935-10-31"
    assert messy_date("9999-12-31") is None
    assert messy_date("2010-XX-XX-")["earliest"] == "2010-01-01"


def test_cow_states_import(tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = run_import("states", [DATA / "cow_states.csv"], out)
    report = result["report"]
    assert report.read == 5
    assert report.mapped["entries"] == 4 and report.mapped["exits"] == 2
    assert report.skipped["start month 'x' is not a month (1-12)"] == 1
    assert report.unresolved["Ruritania"] == 1
    corpus = load_corpus(out)  # valid per foedus validate
    est = next(a for a in corpus.actors if a.id == "estonia")
    assert est.cow == [366] and "EST" in est.iso3166
    assert est.existed_from.text == "1919-03-01"
    exit_ = next(e for e in corpus.events if e.type == "state_exit" and e.actors == ["estonia"])
    assert exit_.date.text == "1940-01-01"  # the day after the last day, 1939-12-31
    assert "cow_states.csv line 2" in exit_.notes
    assert exit_.sources[0].source == "cow-states2016"
    assert "EST,366,Estonia,1919,3,1,1939,12,31,2016" in corpus.sources["cow-states2016"]
    assert {p.id for p in corpus.perspectives} == {"de-facto"}
    periods = KnowledgeBase(out).timeline("366")["periods"]
    spans = [
        (p["from"]["earliest"], p["to"]["latest"] if p["to"] else None)
        for p in periods
        if p["sovereign"] == [{"value": True, "certainty": "certain"}]
    ]
    assert spans == [("1919-03-01", "1939-12-31"), ("1992-01-01", None)]


@pytest.mark.parametrize(
    "name, dataset, start",
    [
        ("gw_states.csv", "gw-states", "1919-05-01"),
        ("isd2_states.csv", "isd-v2-2", "1919-02-01"),
        ("isd1_states.csv", "isd-v1", "1919-03-01"),
    ],
)
def test_other_state_lists(tmp_path: Path, name: str, dataset: str, start: str) -> None:
    result = run_import("states", [DATA / name], tmp_path / "c")
    assert result["report"].dataset == dataset
    corpus = load_corpus(tmp_path / "c")
    est = next(a for a in corpus.actors if a.id == "estonia")
    assert est.existed_from.text == start
    assert sum(e.type == "state_exit" for e in corpus.events) == 1  # Russia runs to the end


def test_states_import_adds_to_a_corpus_and_rejects_other_files(tmp_path: Path) -> None:
    out = tmp_path / "c"
    run_import("states", [DATA / "cow_states.csv"], out)
    run_import("territorial-change", [DATA / "tc.csv"], out)
    corpus = load_corpus(out)
    assert {f.name for f in out.glob("events-*.yaml")} == {
        "events-states.yaml",
        "events-territorial-change.yaml",
    }
    assert set(corpus.sources) == {"cow-states2016", "cow-territorial-change"}
    with pytest.raises(DatasetError, match="not a state list"):
        run_import("states", [DATA / "tc.csv"], tmp_path / "d")
    with pytest.raises(DatasetError, match="file not found"):
        run_import("states", [DATA / "nope.csv"], tmp_path / "d")


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "state-lists-gw-isd").is_dir(), reason="no shared data (state-lists-gw-isd)"
)
def test_real_gw_states_figures(tmp_path: Path) -> None:
    """docs/data.md's figures for gwstates.csv: 216 rows, 200 actors, 42 exits."""
    report = run_import("states", [REAL / "state-lists-gw-isd" / "gwstates.csv"], tmp_path / "c")[
        "report"
    ]
    assert report.read == 216 and report.mapped["actors"] == 200
    assert report.mapped["entries"] == 216 and report.mapped["exits"] == 42


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "cow-state-system-v2016").is_dir(), reason="no shared data")
def test_real_cow_states(tmp_path: Path) -> None:
    result = run_import(
        "states", [REAL / "cow-state-system-v2016" / "states2016.csv"], tmp_path / "c"
    )
    assert result["report"].read == 243
    corpus = load_corpus(tmp_path / "c")
    exits = {
        e.date.text for e in corpus.events if e.type == "state_exit" and e.actors == ["latvia"]
    }
    assert exits == {"1940-06-17"}


def test_a_quote_left_open_is_refused_where_it_opens(tmp_path: Path) -> None:
    """A quote opened and not closed on its line would swallow every line after it into one
    field (the rows read silently: 69 of 243 states): refused at the quote, nothing written."""
    lines = (DATA / "cow_states.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[2].split(",")
    row[2] = '"' + row[2]
    lines[2] = ",".join(row)
    broken = tmp_path / "states.csv"
    broken.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DatasetError) as e:
        run_import("states", [broken], tmp_path / "c")
    col = lines[2].index('"') + 1
    assert str(e.value).startswith(
        f"{broken}:3:{col}: a quote opened here is not closed on its line"
    )
    assert not (tmp_path / "c").exists()


COW_HEADER = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version"


def _states(tmp_path: Path, *rows: str, name: str = "states.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([COW_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_spell_ending_before_it_starts_is_skipped_naming_the_row(tmp_path: Path) -> None:
    """COW and G&W: a spell whose last day is before its first is not imported (it wrote an
    entry and an exit the corpus then dropped, counted as mapped); the reason names the row."""
    path = _states(
        tmp_path,
        "EST,366,Estonia,1919,3,1,1918,12,31,2016",
        "RUS,365,Russia,1816,1,1,2016,12,31,2016",
    )
    report = run_import("states", [path], tmp_path / "c")["report"]
    reason = "spell ends (1918-12-31) before it starts (1919-03-01)"
    assert report.skipped[reason] == 1 and report.examples[reason] == ["states.csv line 2"]
    assert report.read == 2 and report.mapped["entries"] == 1 and "exits" not in report.mapped
    assert report.mapped["actors"] == 1
    assert [a.id for a in load_corpus(tmp_path / "c").actors] == ["russia"]
    gw = tmp_path / "gw.csv"
    gw.write_text(
        "Cow Nr.,Cow ID,Name of State,Start,End\n"
        "366,EST,Estonia,11.11.1918,01.06.1917\n"
        "365,RUS,Russia,01.01.1816,31.12.2017\n",
        encoding="utf-8",
    )
    report = run_import("states", [gw], tmp_path / "g")["report"]
    assert report.examples["spell ends (1917-06-01) before it starts (1918-11-11)"] == [
        "gw.csv line 2"
    ]


def test_skip_reasons_say_what_is_wrong_with_the_value(tmp_path: Path) -> None:
    """A year written 19z9 is not 'without an entry year': the reason quotes the value."""
    path = _states(
        tmp_path,
        "LAT,367,Latvia,19z9,3,1,1939,12,31,2016",
        "LIT,368,Lithuania,1918,2,30,1939,12,31,2016",
        "POL,290,Poland,1918,11,-9,1939,9,27,2016",
        "RUS,365,Russia,1816,1,1,2016,12,31,2016",
    )
    report = run_import("states", [path], tmp_path / "c")["report"]
    assert report.skipped["start year '19z9' is not a year"] == 1
    assert report.skipped["start day '30' is not a day of 1918-02"] == 1
    assert report.skipped["start date 1918-11 is not a day (its month or day not given)"] == 1
    atop = tmp_path / "atop_m.csv"
    atop.write_text(
        "atopid,member,yrent,moent,dayent,yrexit,moexit,dayexit,phase,defense,offense,"
        "neutral,nonagg,consul,ineffect\n"
        "9001,366,19z9,1,1,1940,6,16,1,0,0,0,1,0,0\n"
        "9001,365,1932,5,4,1940,6,16,1,0,0,0,1,0,0\n"
        "9001,367,1932,5,4,1940,6,16,1,0,0,0,1,0,0\n"
        "9002,366,1934,5,4,-9,-9,-9,1,0,0,0,1,0,0\n"
        "9002,367,1934,5,4,-9,-9,-9,1,0,0,0,1,0,0\n"
        "9002,365,1934,5,4,19x0,-9,-9,1,0,0,0,1,0,0\n",
        encoding="utf-8",
    )
    report = run_import("atop", [atop], tmp_path / "a")["report"]
    assert report.skipped["entry year '19z9' is not a year"] == 1
    assert report.examples["entry year '19z9' is not a year"] == ["atop_m.csv line 2"]
    assert report.skipped["exit year '19x0' is not a year"] == 1  # not read as no exit
    assert "member row without an entry year" not in report.skipped


def test_counts_are_of_what_was_written(tmp_path: Path) -> None:
    """Facts dropped because an actor did not exist yet are not counted as imported."""
    out = tmp_path / "c"
    run_import("states", [_states(tmp_path, "EST,366,Estonia,1936,1,1,2016,12,31,2016")], out)
    result = run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], out)
    report = result["report"]
    written = load_corpus(out).events
    mid = [e for e in written if e.id.startswith("mid-")]
    assert report.mapped["events"] == len(mid) == 4  # MID 9001 (1935) is before Estonia
    assert "mid-9001-russia" not in {e.id for e in mid}
    assert report.skipped["dated before an actor's first entry in the state list (existed_from)"]
    assert "attack events" not in report.mapped  # MID 9001 was its only attack
    assert sum(n for k, n in report.mapped.items() if k.endswith(" events")) == len(mid)


@pytest.mark.parametrize(
    "content, why",
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary", "zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "Excel .xls"),
        (b"ccode,styear\n\x00\x01\x02\x89PNG\n", "control character"),
        (b"ccode,styear\n\x81\x8d\x8f\n", "neither UTF-8 nor Windows-1252"),
        ("ccode,styear\n".encode("utf-16"), "UTF-16"),
    ],
)
@pytest.mark.parametrize("kind", ["states", "atop", "mid", "wars", "events", "treaties"])
def test_a_binary_file_is_refused_in_one_line(
    tmp_path: Path, kind: str, content: bytes, why: str
) -> None:
    """An .xlsx (or any binary file) where a CSV is expected: one line naming the file, no
    bytes of it echoed, nothing written (the CLI exits 2)."""
    path = tmp_path / "gwstates.xlsx"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as e:
        run_import(kind, [path], tmp_path / "c")
    msg = str(e.value)
    assert msg.startswith(f"{path}: not a text CSV file (") and why in msg
    assert "\n" not in msg and "\x00" not in msg and "PK\x03" not in msg
    assert not (tmp_path / "c").exists()


def test_a_windows_1252_file_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "states.csv"
    path.write_bytes(
        (COW_HEADER + "\nCDI,437,C\xf4te d'Ivoire,1960,8,7,2016,12,31,2016\n").encode("cp1252")
    )
    run_import("states", [path], tmp_path / "c")
    assert "Côte d'Ivoire" in (tmp_path / "c" / "sources" / "cow-states2016.txt").read_text()


def test_the_cli_refuses_a_workbook_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from foedus.cli import app

    path = tmp_path / "gwstates.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml")
    got = CliRunner().invoke(app, ["import", "states", str(path), "-o", str(tmp_path / "c")])
    assert got.exit_code == 2
    lines = [x for x in got.output.splitlines() if x.strip()]
    assert (
        len(lines) == 1 and "not a text CSV file" in lines[0] and "Content_Types" not in got.output
    )
    assert not (tmp_path / "c").exists()


def test_a_state_list_after_a_mid_import_gives_the_same_valid_corpus(tmp_path: Path) -> None:
    """A state list imported after MID takes out (and reports) the MID facts dated before an
    actor's first entry, as the MID import does when the state list comes first: the corpus
    validates either way, and holds the same events."""
    states = _states(
        tmp_path,
        "EST,366,Estonia,1936,1,1,2016,12,31,2016",
        "RUS,365,Russia,1816,1,1,2016,12,31,2016",
    )
    mid = [DATA / "mida.csv", DATA / "midb.csv"]
    first, after = tmp_path / "first", tmp_path / "after"
    run_import("states", [states], first)
    run_import("mid", mid, first)
    run_import("mid", mid, after)
    report = run_import("states", [states], after)["report"]
    reason = (
        "dated before an actor's first entry in the state list (existed_from): an event of "
        "the mid import, taken out of events-mid.yaml"
    )
    assert report.skipped[reason] == 1
    assert report.examples[reason] == ["MID participant row midb.csv line 2"]
    ids = [sorted(e.id for e in load_corpus(c).events) for c in (first, after)]  # both valid
    assert ids[0] == ids[1] and "mid-9001-russia" not in ids[0]


def test_a_corpus_file_that_cannot_be_read_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "c"
    run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], out)
    (out / "events-mid.yaml").write_text("events: [unclosed\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(DatasetError, match="events-mid.yaml: cannot read the corpus file"):
        run_import("states", [_states(tmp_path, "EST,366,Estonia,1936,1,1,2016,12,31,2016")], out)
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_state_list_replaces_the_one_before(tmp_path: Path) -> None:
    """Re-imported, a state list's first entries replace the earlier list's (they were kept
    when earlier, leaving existed_from on a day the new list does not give)."""
    out = tmp_path / "c"
    run_import("states", [_states(tmp_path, "EST,366,Estonia,1918,2,24,2016,12,31,2016")], out)
    later = _states(tmp_path, "EST,366,Estonia,1918,11,11,2016,12,31,2016", name="later.csv")
    run_import("states", [later], out)
    est = next(a for a in load_corpus(out).actors if a.id == "estonia")
    assert est.existed_from.text == "1918-11-11"


def test_status_holds_through_the_last_day_of_a_spell(tmp_path: Path) -> None:
    """COW's end date is the last day a state existed: on it the state is sovereign, on the
    next day not (the exit event is dated the day after)."""
    out = tmp_path / "c"
    rows = ["POL,290,Poland,1918,11,3,1939,9,27,2016", "RUS,365,Russia,1816,1,1,2016,12,31,2016"]
    run_import("states", [_states(tmp_path, *rows)], out)
    kb = KnowledgeBase(out)

    def sovereign(day: str) -> object:
        return kb.status("Poland", day)["status"]["sovereign"]

    assert sovereign("1939-09-27") == [{"value": True, "certainty": "certain"}]
    assert sovereign("1939-09-28") == [{"value": False, "certainty": "certain"}]
    assert kb.timeline("Poland")["periods"][0]["to"]["latest"] == "1939-09-27"
    # the period's last day in words too: the exit event's day (28 September) is the first
    # day after it, so the period's "to" is its last day, as its earliest and latest say
    to = kb.timeline("Poland")["periods"][0]["to"]
    assert to == {"earliest": "1939-09-27", "latest": "1939-09-27", "text": "1939-09-27"}
