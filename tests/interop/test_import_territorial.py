"""foedus import territorial-change: a part of a state taken is not the state annexed; a
restoration of independence ends an annexation (rows as in tc2018.csv, numbered apart)."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus.load import load_corpus
from foedus.interop.importers import run_import
from foedus.query import KnowledgeBase
from small_corpora import SHARED_DATA, tc_corpus

REAL = SHARED_DATA / "cow-territorial-change-v6"


def _kb(tmp_path: Path, *rows: str) -> KnowledgeBase:
    return KnowledgeBase(tc_corpus(tmp_path, *rows))


def _part_of(kb: KnowledgeBase, who: str, on: str) -> list[str]:
    return [v["value"]["id"] for v in kb.status(who, on)["status"]["part_of"]]


def test_a_part_coded_with_the_losers_own_code_is_not_the_loser(tmp_path: Path) -> None:
    """COW 895 (India, Dadra and Nagar Haveli, 1954: ``entity`` Portugal's code, ``portion``
    1, but ``losetype`` -9) and COW 890 (Russia, Crimea, 2014: ``contlose`` 1) transfer a part
    of the loser: Portugal and Ukraine are not annexed."""
    kb = _kb(
        tmp_path,
        "1954,8,750,1,2,235,0,491.00,57963,1,235,-9,-9,-9,-9,9895,0,1,6",
        "2014,3,365,1,1,369,1,27000.00,2400000,1,369,1,1,0,0,9890,0,1,6",
    )
    types = {e.id: e.type for e in kb.corpus.events}
    assert types == {
        "tc-9895-annexation-of-territory": "annexation_of_territory",
        "tc-9890-annexation-of-territory": "annexation_of_territory",
    }
    assert _part_of(kb, "Portugal", "1962-10-20") == []
    assert _part_of(kb, "Ukraine", "2015-01-01") == []


def test_a_restoration_ends_the_annexation(tmp_path: Path) -> None:
    """Austria annexed whole in 1938 (COW 573) and entering the system again in 1955 with no
    procedure coded (COW 666, ``entry`` 1): a restoration of independence."""
    kb = _kb(
        tmp_path,
        "1938,3,255,1,2,305,1,83869.00,6760000,1,305,1,-9,0,0,9573,0,0,5",
        "1955,7,305,1,-9,305,-9,83869.00,6947000,1,1,-9,-9,1,0,9666,0,0,5",
    )
    ev = {e.id: e for e in kb.corpus.events}
    assert ev["tc-9573-annexation"].targets == ["austria"]
    assert ev["tc-9666-restoration-of-independence"].actors == ["austria"]
    assert _part_of(kb, "Austria", "1940-01-01") == ["germany"]
    status = kb.status("Austria", "1962-10-20")["status"]
    assert status["part_of"] == []
    assert status["sovereign"] == [{"value": True, "certainty": "certain"}]


def test_an_entry_with_no_earlier_absorption_is_no_restoration(tmp_path: Path) -> None:
    kb = _kb(tmp_path, "1955,5,260,1,-9,260,-9,247476.00,50200000,1,1,-9,-9,1,0,9665,0,0,5")
    assert [e.type for e in kb.corpus.events] == ["other"]


def test_no_political_entity_and_mandates_make_no_part_of(tmp_path: Path) -> None:
    """Germany conquered whole by gainer 1, the UN (COW 606, 1945, ``exit`` 1),
    leaves the state system, part of no state; a mandate over a territory of Germany (COW 543,
    Ruanda-Urundi to Belgium) does not make Germany part of Belgium."""
    kb = _kb(
        tmp_path,
        "1924,10,211,0,6,515,0,54222.00,3000000,1,255,0,0,0,0,9543,0,0,5",
        "1945,5,1,-9,1,255,-9,472605.00,69600000,1,255,1,-9,0,1,9606,0,0,5",
    )
    ev = {e.id: e for e in kb.corpus.events}
    assert (ev["tc-9606-state-exit"].actors, ev["tc-9606-state-exit"].targets) == (["germany"], [])
    mandate = ev["tc-9543-administration"]
    assert mandate.targets == [] and "territory of Germany" in mandate.summary
    assert _part_of(kb, "Germany", "1930-01-01") == []
    assert _part_of(kb, "Germany", "1962-10-20") == []


def test_codes_0_and_1_are_the_league_and_the_un(tmp_path: Path) -> None:
    """tcmanual.pdf, Appendix A: "According to the COW Entities list, the League is 0 and the UN
    is 1." The League's gain of Tangier from France (COW 547, 1924) was skipped as having no
    gainer; Japan's independence of 1952 (COW 654) was from an actor named "COW 1"."""
    kb = _kb(
        tmp_path,
        "1924,2,0,-9,3,601,-9,363.00,50000,1,220,0,0,0,0,9547,0,0,5",
        "1952,4,740,1,-9,740,-9,371205.00,83200000,1,1,-9,-9,-9,0,9654,1,0,5",
    )
    ev = {e.id: e for e in kb.corpus.events}
    assert (ev["tc-9547-cession"].actors, ev["tc-9547-cession"].targets) == (
        ["league-of-nations"],
        ["france"],
    )
    assert ev["tc-9654-secession"].targets == ["united-nations"]
    actors = {a.id: a for a in kb.corpus.actors}
    assert actors["united-nations"].name == "United Nations"
    assert actors["united-nations"].kind == actors["league-of-nations"].kind == "organisation"


def test_a_loser_that_left_the_system_exits(tmp_path: Path) -> None:
    """``exit`` 1, "the loser left the state system": the GDR by the unification of October 1990
    (COW 837) is no longer sovereign (it was independent ever after); Czechoslovakia's two
    rows of January 1993 (COW 861, 862) give it one exit, quoting both."""
    kb = _kb(
        tmp_path,
        "1990,10,255,1,5,265,1,108333.00,16600000,1,265,1,1,0,1,9837,0,0,5",
        "1993,1,316,1,4,316,-9,79228.00,10300000,1,315,1,1,1,1,9861,1,0,6",
        "1993,1,317,1,4,317,-9,48666.00,5200000,1,315,1,1,1,1,9862,1,0,6",
    )
    ev = {e.id: e for e in kb.corpus.events}
    assert ev["tc-9837-unification"].targets == ["german-democratic-republic"]
    assert ev["tc-9837-state-exit"].actors == ["german-democratic-republic"]
    assert len(ev["tc-9861-state-exit"].sources) == 2 and "tc-9862-state-exit" not in ev
    for who, before, after in (
        ("German Democratic Republic", "1990-09-01", "1990-11-01"),
        ("Czechoslovakia", "1992-12-01", "1993-02-01"),
    ):
        assert kb.status(who, before)["status"]["label"] == "independent"
        assert kb.status(who, after)["status"]["sovereign"][0]["value"] is False


def test_a_state_ceded_itself_back_is_restored(tmp_path: Path) -> None:
    """Czechoslovakia annexed whole by Germany in March 1939 (COW 577) gains itself back from
    Germany in April 1945 (COW 593: a cession, ``indep`` 1): a restoration of independence. As a
    cession it stayed "part of Germany" ever after."""
    kb = _kb(
        tmp_path,
        "1939,3,255,1,2,315,1,98909.00,9807096,1,315,1,-9,0,0,9577,0,0,5",
        "1945,4,315,1,3,315,-9,127860.00,12900000,1,255,0,1,-9,0,9593,1,1,5",
    )
    assert _part_of(kb, "Czechoslovakia", "1940-01-01") == ["germany"]
    assert _part_of(kb, "Czechoslovakia", "1950-01-01") == []
    assert kb.status("Czechoslovakia", "1950-01-01")["status"]["label"] == "independent"


@pytest.mark.skipif(not REAL.is_dir(), reason="no shared data (cow-territorial-change-v6)")
def test_real_file(tmp_path: Path) -> None:
    run_import("territorial-change", [REAL / "tc2018.csv"], tmp_path / "c")
    kb = KnowledgeBase(tmp_path / "c")
    assert _part_of(kb, "Portugal", "1962-10-20") == []
    assert _part_of(kb, "Austria", "1962-10-20") == []
    assert _part_of(kb, "Austria", "1940-01-01") == ["germany"]
    assert _part_of(kb, "Germany", "1962-10-20") == []
    assert _part_of(kb, "Estonia", "1940-08-15") == ["russia"]
    assert _part_of(kb, "Estonia", "1992-01-01") == []
    assert _part_of(kb, "Czechoslovakia", "1950-01-01") == []
    for who in ("German Democratic Republic", "Yemen People's Republic"):
        assert kb.status(who, "1991-01-01")["status"]["sovereign"][0]["value"] is False
    assert not [a for a in kb.corpus.actors if a.name == "COW 1"]


TC_HEAD = (
    "year,month,gainer,gaintype,procedur,entity,contgain,area,pop,portion,loser,losetype,"
    "contlose,entry,exit,number,indep,conflict,version"
)
ENTITY_HEAD = '"Entity\nNumber",Name,Begin Year,End Year,Ending Political Status'


def _files(tmp_path: Path, entity: str, change: str, state: str) -> tuple[list[Path], Path]:
    """A change file and entity list (made-up rows in COW's layout) and an ISD v2.2 list."""
    tc, ent, isd = tmp_path / "tc.csv", tmp_path / "entities.csv", tmp_path / "isd.csv"
    tc.write_text(f"{TC_HEAD}\n{change}\n")
    ent.write_text(f"{ENTITY_HEAD}\n{entity}\n")
    isd.write_text(f"COWNum,COWID,StateName,OtherName,Start,End\n{state}\n")
    return [tc, ent], isd


@pytest.mark.parametrize("state_list_first", [True, False])
def test_an_entity_named_as_an_actor_in_its_years_is_that_actor(
    tmp_path: Path, state_list_first: bool
) -> None:
    """Hamburg is a row of the alias table without a COW number; a state list names it (its
    own code), the entity list gives it a code: in either order of the imports the corpus
    validates and has one Hamburg, with the entity list's code (it was `hamburg` and
    `hamburg-cow-9248`, both named "Hamburg": the corpus did not validate)."""
    tc, isd = _files(
        tmp_path,
        "9248,Hamburg,1871,1945,Became part of 255",
        "1871,1,255,1,5,9248,1,400.00,1000,1,9248,1,-9,0,1,9101,0,0,5",
        "9248,HBG,Hamburg,,1816-01-01,1870-12-31",
    )
    out = tmp_path / "c"
    for kind, files in (("states", [isd]), ("territorial-change", tc))[
        :: 1 if state_list_first else -1
    ]:
        run_import(kind, files, out)
    corpus = load_corpus(out)  # it validates
    hamburg = [a for a in corpus.actors if "Hamburg" in (a.name, *a.aliases)]
    assert [a.id for a in hamburg] == ["hamburg"]
    assert hamburg[0].cow == [9248]
    ev = {e.id: e for e in corpus.events}
    assert ev["tc-9101-unification"].targets == ["hamburg"]


@pytest.mark.parametrize("state_list_first", [True, False])
def test_an_entity_named_as_an_actor_that_did_not_exist_then_is_apart(
    tmp_path: Path, state_list_first: bool
) -> None:
    """An entity whose years all lie before an actor of its name came into existence is
    another entity: it gets its code in its id and its name, and the corpus validates."""
    tc, isd = _files(
        tmp_path,
        "9700,Invented Land,1816,1830,Became part of 2",
        "1830,1,2,1,2,9700,1,400.00,1000,1,9700,1,-9,0,1,9102,0,0,5",
        "9701,INV,Invented Land,,1950-01-01,1960-12-31",
    )
    out = tmp_path / "c"
    for kind, files in (("states", [isd]), ("territorial-change", tc))[
        :: 1 if state_list_first else -1
    ]:
        run_import(kind, files, out)
    corpus = load_corpus(out)  # it validates
    if state_list_first:  # the entity list's years end before the state's first entry
        names = {a.id: a.name for a in corpus.actors}
        assert names["invented-land"] == "Invented Land"
        assert names["invented-land-cow-9700"] == "Invented Land (COW entity 9700)"


def test_korea_is_one_actor_of_every_dataset(tmp_path: Path) -> None:
    """COW and G&W number Korea (1816/1887-1905/1910) 730: one row of the alias table, so the
    state lists, MID, ATOP and the entity list's "Korea (Chosen)" name one actor (they named
    `korea`, `cow-730`, `kor` and `korea-chosen`)."""
    from foedus.interop.aliases import AliasTable

    t = AliasTable.bundled()
    assert t.by_cow(730).id == t.by_gw(730).id == t.by_name("Korea").id == "korea"
    assert t.by_iso("KOR").id == "south-korea"
    tc, _ = _files(
        tmp_path,
        "730,Korea (Chosen),1905,1945,Became colony of 740",
        "1910,8,740,1,2,730,0,220000.00,1000,1,730,1,-9,0,1,9103,0,0,5",
        "",
    )
    run_import("territorial-change", tc, tmp_path / "c")
    ev = {e.id: e for e in load_corpus(tmp_path / "c").events}
    assert ev["tc-9103-annexation"].targets == ["korea"]
