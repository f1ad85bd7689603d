"""The names a data file gives its states answer for the actors they are mapped to.

A state list's own words ("Rumania", "Italy/Sardinia", "Iran (Persia)") become aliases of the
actor the row was mapped to, where that is safe: a name the alias table or the corpus gives
another actor is left to it, and reported. The rows are made up, in the files' column layouts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.corpus.resolve import Resolver
from foedus.errors import UnknownName
from foedus.interop.aliases import AliasTable
from foedus.interop.importers import run_import
from foedus.query import KnowledgeBase
from small_corpora import SHARED_DATA

GW_HEADER = "Cow Nr.,Cow ID,Name of State,Start,End"
ISD1_HEADER = "COW Nr.,COW ID,State Name,Start,End,Micro,New State"


def _write(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _gw(tmp_path: Path, *rows: str) -> Path:
    return _write(tmp_path / "gwstates.csv", GW_HEADER, *rows)


def _resolve(corpus: Path, name: str) -> str:
    return Resolver(load_corpus(corpus)).actor(name).id


def test_a_state_lists_own_names_answer_for_its_actors(tmp_path: Path) -> None:
    gw = _gw(
        tmp_path,
        "360,RUM,Rumania,13.07.1878,31.12.2017",
        "325,ITA,Italy/Sardinia,01.01.1816,31.12.2017",
        "640,TUR,Turkey (Ottoman Empire),01.01.1816,31.12.2017",
        "260,GFR,German Federal Republic,21.09.1949,31.12.2017",
    )
    out = tmp_path / "c"
    report = run_import("states", [gw], out)["report"]
    assert _resolve(out, "Rumania") == "romania"
    assert _resolve(out, "italy/sardinia") == "italy"
    assert _resolve(out, "Turkey (Ottoman Empire)") == "turkey"
    got = KnowledgeBase(out).status("Rumania", "1930-01-01")
    assert got["actor"]["id"] == "romania" and got["status"]["label"] == "independent"
    # G&W code 260 is the Federal Republic that runs on as today's Germany (its spell has
    # no end in the file and no later Germany follows): mapped to `germany`, as the alias
    # table's G&W 260; but "German Federal Republic" is the table's name of `west-germany`
    # (COW 260, 1955-1990), so it is not given to `germany`, and the report says so
    with pytest.raises(UnknownName):
        _resolve(out, "German Federal Republic")
    assert "German Federal Republic" not in _actor(out, "germany").aliases
    note = next(n for n in report.notes if "not made an alias" in n)
    assert "'German Federal Republic' (gwstates.csv line 5, mapped to germany)" in note
    assert "the alias table's name of west-germany" in note
    assert any(
        "3 names of the file made aliases" in n and "Rumania → romania" in n for n in report.notes
    )


def _actor(out: Path, ident: str):  # type: ignore[no-untyped-def]
    return next(a for a in load_corpus(out).actors if a.id == ident)


def test_a_name_the_corpus_gives_another_actor_is_not_re_pointed(tmp_path: Path) -> None:
    """ISD v1 codes the United Provinces of Central America 89, a COW number the alias table
    does not hold, so it is an actor named from the data; G&W's 89 is the table's
    `united-province-ca`. Whichever list comes first, the name leads to one actor and the
    corpus validates."""
    isd = _write(
        tmp_path / "isd1.csv",
        ISD1_HEADER,
        "89,UPC,United Provinces of Central America,1.7.1823,31.12.1839,,",
        "365,RUS,Russia,1.1.1816,31.12.2011,,",
    )
    gw = _gw(
        tmp_path,
        "89,UPC,United Provinces of Central America,01.07.1823,31.12.1839",
        "365,RUS,Russia (Soviet Union),01.01.1816,31.12.2017",
    )
    for first, then in ((isd, gw), (gw, isd)):
        out = tmp_path / f"after-{first.stem}"
        run_import("states", [first], out)
        report = run_import("states", [then], out)["report"]
        load_corpus(out)  # valid: no name of two actors
        assert _resolve(out, "United Provinces of Central America") == (
            "united-provinces-of-central-america"
        )
        assert _resolve(out, "Russia (Soviet Union)") == "russia"
        said = " ".join(report.notes)
        if first is isd:  # G&W's name is the ISD actor's: not given to united-province-ca
            assert "a name of united-provinces-of-central-america in the corpus" in said
        else:  # the alias G&W gave yields to the name of the actor ISD made
            assert (
                "alias 'United Provinces of Central America' taken off united-province-ca"
            ) in said


WARS_HEADER = (
    "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,"
    "EndDay1,EndYear1,StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,"
    "WhereFought,Initiator,Outcome,TransTo,BatDeath,Version"
)


def test_war_and_mid_files_names_and_letter_codes(tmp_path: Path) -> None:
    wars = _write(
        tmp_path / "wars.csv",
        WARS_HEADER,
        "9301,Invented War,1,325,Sardinia/Piedmont,1,4,1,1850,5,1,1850,"
        "-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,100,4",
        "9301,Invented War,1,300,Austria,2,4,1,1850,5,1,1850,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,100,4",
    )
    out = tmp_path / "w"
    report = run_import("wars", [wars], out)["report"]
    assert _resolve(out, "Sardinia/Piedmont") == "italy"
    # COW 300 is Austria-Hungary; "Austria" is the table's name of COW 305
    assert "Austria" not in _actor(out, "austria-hungary").aliases
    assert "'Austria' (wars.csv line 3, mapped to austria-hungary)" in " ".join(report.notes)
    midb = _write(
        tmp_path / "midb.csv",
        "DispNum3,DispNum4,StAbb,ccode,StDay,StMon,StYear,EndDay,EndMon,EndYear,SideA,RevState,"
        "RevType1,RevType2,Fatality,FataPre,HiAct,HostLev,Orig,Version",
        "9001,-9,USR,365,-9,3,1935,20,3,1935,1,1,1,-9,0,0,16,4,1,4.01",
        "9001,-9,RUM,360,-9,3,1935,20,3,1935,0,0,0,-9,0,0,7,1,1,4.01",
        "9002,-9,NA,366,-9,3,1936,20,3,1936,1,1,1,-9,0,0,7,1,1,4.01",
        "9002,-9,USR,365,-9,3,1936,20,3,1936,0,0,0,-9,0,0,7,1,1,4.01",
    )
    out = tmp_path / "m"
    report = run_import("mid", [midb], out)["report"]
    assert _resolve(out, "USR") == "russia" and _resolve(out, "RUM") == "romania"
    assert "NA" not in _actor(out, "estonia").aliases  # a value not given is no name


def test_territorial_entity_lists_names_of_states(tmp_path: Path) -> None:
    tc = _write(
        tmp_path / "tc.csv",
        "year,month,gainer,gaintype,procedur,entity,contgain,area,pop,portion,loser,losetype,"
        "contlose,entry,exit,number,indep,conflict,version",
        "1920,4,360,1,3,9360,1,100.00,1000,0,365,0,1,0,0,9101,0,0,5",
    )
    entities = _write(
        tmp_path / "entities.csv",
        "EntityNumber,Name,Begin Year,End Year,Ending Political Status",
        "360,Rumania,1878,1993,",
        "365,Union of Soviet Socialist Republics / Russia,1816,1993,",
    )
    out = tmp_path / "t"
    run_import("territorial-change", [tc, entities], out)
    assert _resolve(out, "Rumania") == "romania"
    assert _resolve(out, "Union of Soviet Socialist Republics / Russia") == "russia"


def test_cow_327_is_the_papal_states_and_the_holy_see_keeps_its_treaties(
    tmp_path: Path,
) -> None:
    """COW's state list names 327 the Papal States (1816-1870); COW's entity list gives
    Vatican City 328. GGO's `VAT` (the Holy See) stays with `vatican-city`."""
    t = AliasTable.bundled()
    assert t.by_cow(327).id == t.by_gw(327).id == t.by_name("Papal States").id == "papal-states"
    assert (
        t.by_cow(328).id == t.by_iso("VAT").id == t.by_name("Holy See (the)").id == ("vatican-city")
    )
    agreements = _write(
        tmp_path / "GGO_agreements.csv",
        "treatyID,Title,Begin,End,Signature,Force,Term,Grounds,TypeDomain,TypeAgree,TypeAmbit,"
        "TypeGeo,TypeSubject,Location,Depository,Published,Secretariat,Website,TitleAlt,Language,"
        "Languages,Text,TextURL,Coder,Comments,Source",
        "VAT-ITA_1950A,Agreement On Invented Matters,1950-01-02,9999-12-31,1950-01-02,"
        "1950-02-01,,,Health,Agreement,Bilateral,Europe,Health,,,,,,,,,False,,Tester,,",
    )
    parties = _write(
        tmp_path / "GGO_parties.csv",
        "stateID,treatyID,Title,Begin,End,Signature,StateSignature,StateRatification,Force,"
        "StateForce,Term,StateEnd,Coder,Comments",
        *(
            f"{s},VAT-ITA_1950A,Agreement On Invented Matters,1950-01-02,9999-12-31,1950-01-02,"
            "1950-01-02,,1950-02-01,1950-02-01,,9999-12-31,Tester,"
            for s in ("VAT", "ITA")
        ),
    )
    out = tmp_path / "g"
    run_import("treaties", [agreements, parties], out)
    (ins,) = load_corpus(out).instruments
    assert {p.actor for p in ins.parties} == {"vatican-city", "italy"}
    assert _resolve(out, "Holy See (the)") == "vatican-city"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data not present")
def test_every_name_of_the_real_gw_list_answers_but_one(tmp_path: Path) -> None:
    """Of gwstates.csv's 216 rows, 31 names were refused as unknown actors; now only "German
    Federal Republic" is (west-germany's name in the alias table; G&W 260 is `germany`)."""
    import csv

    path = SHARED_DATA / "state-lists-gw-isd" / "gwstates.csv"
    out = tmp_path / "gw"
    run_import("states", [path], out)
    resolver = Resolver(load_corpus(out))
    unknown = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            try:
                resolver.actor(row["Name of State"])
            except UnknownName:
                unknown.append(row["Name of State"])
    assert unknown == ["German Federal Republic"]
    assert resolver.actor("Papal States").id == "papal-states"
