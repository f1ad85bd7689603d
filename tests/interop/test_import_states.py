"""foedus import states: COW, Gleditsch-Ward and ISD lists into actors and entry/exit events."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.interop.aliases import AliasTable, slugify
from foedus.interop.importers import run_import
from foedus.interop.importers.base import DatasetError, messy_date, ymd
from foedus.query import KnowledgeBase

DATA = Path(__file__).parents[1] / "fixtures" / "data"
#: ../shared/data beside the project (a worktree's project sits one folder deeper)
SHARED = next(
    (
        p / "shared" / "data"
        for p in Path(__file__).resolve().parents[3:]
        if (p / "shared").is_dir()
    ),
    Path(__file__).parents[2].parent / "shared" / "data",
)
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
    assert report.skipped["unreadable start or end date"] == 1
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
