"""foedus crosscheck: the corpus's derived answers beside a dataset's, with both sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from foedus.errors import UserError
from foedus.interop.crosscheck import crosscheck, match, render
from foedus.interop.crosscheck.codings import codings
from foedus.query import KnowledgeBase
from small_corpora import SHARED_DATA

DATA = Path(__file__).parents[1] / "fixtures" / "data"
SHARED = SHARED_DATA
REAL = SHARED


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def _row(result: dict, subject: str, what: str, against: str) -> dict:
    return next(
        r
        for r in result["rows"]
        if r["subject"] == subject and r["what"] == what and r["against"] == against
    )


def test_states_against_made_up_lists(kb: KnowledgeBase) -> None:
    result = crosscheck(
        kb, "states", [DATA / "cow_states.csv", DATA / "gw_states.csv"], actors=["Estonia"]
    )
    # the bundled corpus dates Estonia's sovereignty only to "1918" and its end to 1940
    start = _row(result, "estonia", "start", "gw_states.csv")
    assert start["verdict"] == "disagree" and "1919-05-01" == start["dataset"]["value"]
    assert start["dataset"]["source"]["line"] == 2
    assert start["corpus"]["source"]["quote"].startswith("After the Baltic states")
    end = _row(result, "estonia", "end", "cow_states.csv")
    assert end["verdict"] == "disagree" and end["note"].endswith("earlier")
    assert end["corpus"]["source"]["id"] == "ussr-annexes-estonia-1940"
    assert result["differences"]  # the two lists end Estonia's first spell on different days
    assert "the datasets differ on the end of estonia" in render(result)
    # why: COW's rules quoted from its codebook with the page; G&W's files state none
    codings = result["differences"][0]["codings"]
    cow = codings["cow_states.csv"]
    assert cow["dataset"] == "COW State System Membership List, v2016"
    assert {(r["document"], r["page"]) for r in cow["rules"]} >= {("State Codebook 2016.pdf", 5)}
    assert any("diplomatic missions from two major powers" in r["quote"] for r in cow["rules"])
    gw = codings["gw_states.csv"]
    assert gw["rules"] == [] and "states no coding rule" in gw["note"]
    assert "Gleditsch and Ward 1999" in gw["note"]
    text = render(result)
    assert (
        "    cow_states.csv: COW State System Membership List, v2016: \u201c2) after 1920" in text
    )


def test_instruments_against_made_up_atop(kb: KnowledgeBase) -> None:
    result = crosscheck(kb, "atop", [DATA / "atop_m.csv"])
    # no made-up alliance matches a corpus instrument: each is listed as unmatched
    assert result["rows"] and {r["what"] for r in result["rows"]} == {"instrument"}
    assert {r["verdict"] for r in result["rows"]} == {"missing"}
    pact = next(r for r in result["rows"] if r["subject"] == "molotov-ribbentrop-pact")
    assert pact["corpus"]["source"]["quote"] and pact["dataset"]["value"] is None
    with pytest.raises(UserError, match="unknown crosscheck kind"):
        crosscheck(kb, "wars", [DATA / "atop_m.csv"])


def _instrument(ident: str, kind: str, day: str, amends: str | None = None) -> Any:
    d = date.fromisoformat(day)
    start = SimpleNamespace(earliest=d, latest=d, text=day)
    ins = SimpleNamespace(id=ident, name=ident, kind=kind, aliases=[], amends=amends)
    return (ins, {"a": None, "b": None}, start)


def _alliance(ident: str, day: str, pubsecr: str) -> dict:
    d = date.fromisoformat(day)
    return {"id": ident, "members": ["a", "b"], "begin": (d, d), "pubsecr": pubsecr}


def test_match_secret_protocols_and_amendments_as_parts() -> None:
    """A main instrument matches by parties and date; a secret protocol only as the secret
    part of an instrument coded with secret articles; an amendment as part of what it amends;
    a declaration never by parties and date."""
    compared = [
        _instrument("pact", "agreement", "1939-08-24"),
        _instrument("protocol", "secret-protocol", "1939-08-24"),
        _instrument("second", "secret-protocol", "1939-09-28", amends="protocol"),
        _instrument("declaration", "declaration", "1939-08-24"),
    ]
    found = {m[0].id: (m[3], m[5]) for m in match(compared, [_alliance("X 1", "1939-08-23", "1")])}
    assert found["pact"][0]["id"] == "X 1" and found["pact"][1] is False
    assert found["protocol"][0]["id"] == "X 1" and found["protocol"][1] is True
    assert found["second"][0]["id"] == "X 1" and found["second"][1] is True
    assert found["declaration"][0] is None
    # no secret articles coded: a secret protocol is part of nothing
    plain = {m[0].id: m[3] for m in match(compared, [_alliance("X 1", "1939-08-23", "0")])}
    assert plain["protocol"] is None and plain["second"] is None


def test_events_against_made_up_mid(kb: KnowledgeBase) -> None:
    """MID 9001 (made up: Russia attacks Estonia in 1935) has no corpus counterpart; the
    corpus's invasions of 1940 have none in the made-up file: both listed, with sources."""
    result = crosscheck(kb, "mid", [DATA / "mida.csv", DATA / "midb.csv"], actors=["Estonia"])
    row = next(r for r in result["rows"] if r["subject"] == "mid-9001-russia")
    assert row["verdict"] == "missing" and row["corpus"]["value"] is None
    assert row["dataset"]["source"]["file"] == "midb.csv"
    assert row["dataset"]["source"]["line"] == 2
    invasion = next(r for r in result["rows"] if r["subject"] == "ussr-invades-estonia-1940")
    assert invasion["verdict"] == "missing" and invasion["dataset"]["value"] is None


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "state-lists-gw-isd").is_dir(), reason="no shared data")
def test_real_lists_end_baltic_membership_on_different_june_days(kb: KnowledgeBase) -> None:
    files = [
        REAL / "cow-state-system-v2016" / "states2016.csv",
        REAL / "state-lists-gw-isd" / "gwstates.csv",
        REAL / "state-lists-gw-isd" / "isd_2_2_update_reversedates.csv",
    ]
    result = crosscheck(kb, "states", files, actors=["Estonia", "Latvia", "Lithuania"])
    ends = {d["subject"]: d["datasets"] for d in result["differences"] if d["what"] == "end"}
    assert ends["estonia"] == {
        "states2016.csv": "1940-06-16",
        "gwstates.csv": "1940-06-01",
        "isd_2_2_update_reversedates.csv": "1940-06-17",
    }
    end = next(d for d in result["differences"] if d["subject"] == "estonia" and d["what"] == "end")
    # why: COW's rule quoted (codebook, page), G&W's citation, ISD's own row's end type
    assert (
        "states2016.csv: COW State System Membership List, v2016: \u201c2) after 1920"
        in (end["why"])
    )
    assert end["codings"]["states2016.csv"]["rules"][0]["page"] == 5
    assert end["codings"]["gwstates.csv"]["rules"] == []
    isd = end["codings"]["isd_2_2_update_reversedates.csv"]
    assert isd["columns"] == {"EndType": "2", "VioEnd": "1"}  # line 128 as written
    assert "EndType (end type) = 2" in end["why"]
    assert _row(result, "estonia", "end", "states2016.csv")["verdict"] == "consistent"
    assert _row(result, "estonia", "end", "gwstates.csv")["verdict"] == "disagree"


@pytest.mark.skipif(
    not (REAL / "cow-state-system-v2016").is_dir(),
    reason="no shared data (../shared/data/cow-state-system-v2016)",
)
def test_real_cow_rules_are_quoted_verbatim() -> None:
    """Every quote of codings.yaml is in the COW document it names, on the page it names."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the COW codebook (not installed)")
    base = REAL / "cow-state-system-v2016"
    pdfs = {
        "State Codebook 2016.pdf": base / "State_System_Membership_Codebook_V2016.pdf",
        "State FAQ.pdf": base / "State_FAQ.pdf",
    }
    rules = codings()["cow"].rules
    assert rules
    for rule in rules:
        page = pypdf.PdfReader(pdfs[rule.document]).pages[rule.page - 1].extract_text()
        assert " ".join(rule.quote.split()) in " ".join(page.split())


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "state-lists-gw-isd").is_dir(), reason="no shared data (state-lists-gw-isd)"
)
def test_real_crosscheck_cli_prints_line_numbers_as_written() -> None:
    """Line 100 of a file is printed as ``:100:``, not as an emoji (Rich's ``:100:``)."""
    from typer.testing import CliRunner

    from foedus.cli import app

    path = REAL / "state-lists-gw-isd" / "ISD_Version1_Dissemination.csv"
    out = CliRunner().invoke(
        app, ["crosscheck", "--against", "states", str(path), "--actor", "Estonia"]
    )
    assert out.exit_code == 0
    assert "ISD_Version1_Dissemination.csv:100: 366,EST,Estonia" in out.output


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "atop-v5.1").is_dir(), reason="no shared data")
def test_real_atop(kb: KnowledgeBase) -> None:
    result = crosscheck(kb, "atop", [REAL / "atop-v5.1" / "atop5_1m.csv"])
    row = _row(result, "soviet-estonian-non-aggression-treaty ~ ATOP 2290", "start", "atop5_1m.csv")
    assert row["dataset"]["value"] == "1932-05-04"
    assert row["verdict"] == "agree"  # a dated boundary, the same day on both sides
    assert "matched by parties and date" in row["note"]
    subjects = {r["subject"] for r in result["rows"]}
    # the Pact is ATOP 2470, and so are its secret protocols: ATOP codes 2470 with secret
    # articles (pubsecr 1, secrart 1: division of spoils), the first protocol is its secret
    # part, the second amends the first
    assert "molotov-ribbentrop-pact ~ ATOP 2470" in subjects
    part = _row(result, "secret-protocol ~ ATOP 2470", "start", "atop5_1m.csv")
    assert "as its secret part" in part["note"] and "pubsecr 1" in part["note"]
    amend = _row(result, "second-secret-protocol ~ ATOP 2470", "instrument", "atop5_1m.csv")
    assert amend["verdict"] == "not compared" and "it amends Secret Protocol" in amend["note"]
    # the Declaration on Liberated Europe is not ATOP 3005 (the Yalta agreement on the Far
    # East: an offensive alliance against Japan): listed as matching nothing
    assert not [x for x in subjects if x.startswith("yalta-declaration ~")]
    unmatched = {r["subject"] for r in result["rows"] if r["what"] == "instrument"}
    assert "yalta-declaration" in unmatched and "secret-protocol" not in unmatched


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-state-system-v2016").is_dir(),
    reason="no shared data (../shared/data/cow-state-system-v2016)",
)
def test_real_scope_is_not_a_disagreement(kb: KnowledgeBase) -> None:
    """COW starts Russia in 1816, the corpus's period in the 20th century: not a
    disagreement of 36,890 days but a difference of scope."""
    result = crosscheck(kb, "states", [REAL / "cow-state-system-v2016" / "states2016.csv"])
    row = next(r for r in result["rows"] if r["what"] == "start" and "ussr" in r["subject"])
    assert row["dataset"]["value"] == "1816-01-01"
    assert row["verdict"] == "not compared" and "difference of scope" in row["note"]
    assert not [r for r in result["rows"] if r["verdict"] == "disagree" and "36890" in r["note"]]


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-mid-v4.01").is_dir(), reason="no shared data (../shared/data/cow-mid-v4.01)"
)
def test_real_crosscheck_against_mid(kb: KnowledgeBase) -> None:
    base = REAL / "cow-mid-v4.01"
    result = crosscheck(kb, "mid", [base / "MIDA_4.01.csv", base / "MIDB_4.01.csv"])
    row = next(
        r for r in result["rows"] if r["subject"] == "ussr-invades-latvia-1940 ~ mid-22-russia"
    )
    assert row["verdict"] == "consistent" and "dataset attack" in row["note"]
    assert row["dataset"]["source"]["file"] == "MIDB_4.01.csv"
    by_subject = {r["subject"]: r for r in result["rows"]}
    # the Winter War: the corpus records events between the USSR and Finland but none
    # dated to it, so MID 179 is missing from the corpus
    assert by_subject["mid-179-russia"]["verdict"] == "missing"
    # the Munich crisis (MID 12): the corpus records no event between Belgium and Germany at
    # all: a difference of scope, not a gap in the corpus
    munich = by_subject["mid-12-belgium"]
    assert munich["verdict"] == "not compared" and "difference of scope" in munich["note"]
    assert result["summary"]["missing"] == 32


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-territorial-change-v6").is_dir(),
    reason="no shared data (../shared/data/cow-territorial-change-v6)",
)
def test_real_crosscheck_against_territorial_change(kb: KnowledgeBase) -> None:
    base = REAL / "cow-territorial-change-v6"
    result = crosscheck(kb, "territorial-change", [base / "tc2018.csv"])
    for n, state in ((585, "estonia"), (586, "latvia"), (587, "lithuania")):
        row = next(
            r
            for r in result["rows"]
            if r["subject"] == f"ussr-annexes-{state}-1940 ~ tc-{n}-annexation"
        )
        assert row["verdict"] == "consistent"  # COW: July 1940; the corpus: 1940
        assert row["dataset"]["value"] == "annexation 1940-07"
