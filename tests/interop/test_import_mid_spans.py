"""foedus import mid: a participant's act against an opponent is dated to the days both took
part in the dispute, not to the participant's whole span (MIDB gives each state's own span and
highest action, not against whom or when it was taken). Made-up rows in MIDB's layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from foedus.corpus import load_corpus
from foedus.interop.importers import run_import
from foedus.model.records import Event
from foedus.query import KnowledgeBase

HEAD = (
    "DispNum3,DispNum4,StAbb,ccode,StDay,StMon,StYear,EndDay,EndMon,EndYear,SideA,RevState,"
    "RevType1,RevType2,Fatality,FataPre,HiAct,HostLev,Orig,Version\n"
)

# 9501: France (side A, 1939-03-31 - 1940-06-22) against Germany (side B, throughout) and the
# USSR (side B, 17-29 September 1939 only); Poland on France's side
MIDB = HEAD + (
    "9501,-9,FRN,220,31,3,1939,22,6,1940,1,0,0,-9,6,-9,20,5,0,4.01\n"
    "9501,-9,GMY,255,25,3,1939,7,5,1945,0,1,1,-9,6,-9,20,5,1,4.01\n"
    "9501,-9,USR,365,17,9,1939,29,9,1939,0,0,0,-9,4,-9,20,5,0,4.01\n"
    "9501,-9,POL,290,25,3,1939,27,9,1939,1,0,0,-9,6,-9,20,5,1,4.01\n"
)

# a non-aggression pact of France and the USSR that ended 3 September 1939
ATOP_M = """\
atopid,cowid,cow4id,member,yrent,moent,dayent,yrexit,moexit,dayexit,ineffect,phase,maxphase,defense,offense,neutral,nonagg,consul
9300,,,220,1932,11,29,1939,9,3,0,1,1,0,0,0,1,0
9300,,,365,1932,11,29,1939,9,3,0,1,1,0,0,0,1,0
"""


def _import(tmp_path: Path, midb: str = MIDB, atop: bool = False) -> tuple[Path, Any]:
    (tmp_path / "midb.csv").write_text(midb, encoding="utf-8")
    out = tmp_path / "c"
    if atop:
        (tmp_path / "atop_m.csv").write_text(ATOP_M, encoding="utf-8")
        run_import("atop", [tmp_path / "atop_m.csv"], out)
    report = run_import("mid", [tmp_path / "midb.csv"], out)["report"]
    return out, report


def _span(event: Event) -> tuple[str, str]:
    return event.date.earliest.isoformat(), event.date.latest.isoformat()


def test_an_act_is_dated_to_the_days_both_took_part(tmp_path: Path) -> None:
    out, report = _import(tmp_path)
    ev = {e.id: e for e in load_corpus(out).events}
    # the row's id keeps its longest common span (with Germany: its own span)
    france = ev["mid-9501-france"]
    assert france.targets == ["germany"]
    assert _span(france) == ("1939-03-31", "1940-06-22")
    # the USSR, on the other side for 13 days, is a target for those days only
    apart = ev["mid-9501-france-russia"]
    assert apart.targets == ["russia"] and apart.type == "interstate_war"
    assert _span(apart) == ("1939-09-17", "1939-09-29")
    assert "both France and Russia took part" in apart.date.text
    # the USSR's row, which sets those days, is quoted and named
    quotes = [s.quote for s in apart.sources]
    assert "9501,-9,USR,365,17,9,1939,29,9,1939,0,0,0,-9,4,-9,20,5,0,4.01" in quotes
    notes = apart.notes or ""
    assert "their rows: midb.csv line 4" in notes and "one of 2 events" in notes
    # Germany's row: its own span is longer than France's and Poland's; a span each
    assert _span(ev["mid-9501-germany"]) == ("1939-03-31", "1940-06-22")
    assert ev["mid-9501-germany"].targets == ["france"]
    assert _span(ev["mid-9501-germany-poland"]) == ("1939-03-25", "1939-09-27")
    # the USSR's whole span lies in France's: its own span; Poland's ends two days earlier
    assert _span(ev["mid-9501-russia"]) == ("1939-09-17", "1939-09-29")
    assert ev["mid-9501-russia"].targets == ["france"]
    assert "their rows" not in (ev["mid-9501-russia"].notes or "")
    assert _span(ev["mid-9501-russia-poland"]) == ("1939-09-17", "1939-09-27")
    assert len(ev) == 8
    split = "participant rows split by their opponents' participation (an event per span)"
    assert report.mapped[split] == 4
    assert "dyadic-mid" in " ".join(report.notes)


def test_only_the_other_side_is_targeted(tmp_path: Path) -> None:
    """SideA says which side each participant is on: a partner on the same side, however its
    span overlaps, is never a target (France and Poland, both side A)."""
    out, _ = _import(tmp_path)
    for e in load_corpus(out).events:
        if e.actors == ["france"] or e.actors == ["poland"]:
            assert not {"france", "poland"} & set(e.targets)
        if e.actors == ["germany"] or e.actors == ["russia"]:
            assert not {"germany", "russia"} & set(e.targets)


def test_no_breach_by_a_span_that_only_overlaps_through_the_dispute(tmp_path: Path) -> None:
    """France's 1939-40 war and the USSR's 13 days in the dispute breach no pact that ended
    before the USSR took part (ATOP 2300 ended 3 September 1939; MID 258)."""
    out, _ = _import(tmp_path, atop=True)
    found = KnowledgeBase(out).breaches()["breaches"]
    assert [(b["event"]["id"], b["treaty"]["id"]) for b in found] == []


def test_an_opponent_in_the_dispute_thrice_gives_three_spans(tmp_path: Path) -> None:
    """An opponent with three rows on the other side (leaving the dispute and coming back) is
    a target in each of its spans, not in the gaps between them (MID 4095's rows); the day
    unknown (-9, the month given) is the month; the events split off are numbered by date."""
    midb = HEAD + (
        "9502,-9,TUR,640,3,6,1996,20,7,2001,1,1,1,-9,0,0,17,4,1,4.01\n"
        "9502,-9,GRC,350,17,8,1996,25,10,1998,0,0,0,-9,0,0,17,4,1,4.01\n"
        "9502,-9,GRC,350,-9,7,1999,7,10,1999,0,0,0,-9,0,0,7,3,0,4.01\n"
        "9502,-9,GRC,350,20,10,2000,26,4,2001,0,0,0,-9,0,0,7,3,0,4.01\n"
    )
    out, _ = _import(tmp_path, midb)
    ev = {e.id: e for e in load_corpus(out).events}
    turkey = [e for e in ev.values() if e.actors == ["turkey"]]
    assert sorted(_span(e) for e in turkey) == [
        ("1996-08-17", "1998-10-25"),
        ("1999-07-01", "1999-10-07"),
        ("2000-10-20", "2001-04-26"),
    ]
    assert ev["mid-9502-turkey"].date.earliest.isoformat() == "1996-08-17"
    assert ev["mid-9502-turkey-greece"].date.text.startswith("1999-07 – 1999-10-07")
    assert ev["mid-9502-turkey-greece-2"].date.earliest.isoformat() == "2000-10-20"
    assert ev["mid-9502-greece"].targets == ["turkey"]
    assert ev["mid-9502-greece-3"].targets == ["turkey"]
