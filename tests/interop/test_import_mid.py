"""foedus import mid (and territorial-change, events): disputes as typed events, and the
norm layer on an imported ATOP + MID corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.interop.importers import run_import
from foedus.interop.importers.events import NO_COUNTRY, acts_for_state
from foedus.query import KnowledgeBase
from small_corpora import DEFINITION_1933, SHARED_DATA, tc_corpus

DATA = Path(__file__).parents[1] / "fixtures" / "data"
SHARED = SHARED_DATA
REAL = SHARED


def test_mid_import(tmp_path: Path) -> None:
    report = run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], tmp_path / "c")["report"]
    assert report.mapped["events"] == 5
    assert report.skipped["no militarized action by this participant (highest action 0)"] == 1
    corpus = load_corpus(tmp_path / "c")
    ev = {e.id: e for e in corpus.events}
    attack = ev["mid-9001-russia"]
    assert attack.type == "attack" and attack.targets == ["estonia"]
    assert (attack.date.earliest.isoformat(), attack.date.latest.isoformat()) == (
        "1935-03-01",
        "1935-03-20",
    )
    assert "side A" in attack.summary and "side A = 1" in attack.notes
    assert len(attack.sources) == 2  # the participant row and the dispute row
    assert ev["mid-9002-latvia"].type == "clash"
    assert ev["mid-9002-estonia"].type == "show_of_force"


def test_mid_targets_are_opponents_taking_part_at_the_same_time(tmp_path: Path) -> None:
    """Dispute 9003: Russia (January 1936) against Finland (January 1936) and Latvia (May
    1937): Russia's targets are Finland only; Latvia, with no opponent at its time, is
    skipped with that reason."""
    report = run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], tmp_path / "c")["report"]
    assert report.mapped["opponents left out of targets (participation not overlapping)"] == 2
    assert report.skipped["no state on the other side took part while this participant did"] == 1
    ev = {e.id: e for e in load_corpus(tmp_path / "c").events}
    assert ev["mid-9003-russia"].targets == ["finland"]
    assert ev["mid-9003-finland"].targets == ["russia"]
    assert "mid-9003-latvia" not in ev


DEFINITION = DEFINITION_1933


def test_mid_war_counts_as_an_article_ii_attack(tmp_path: Path) -> None:
    """MID action 20 (begin interstate war) is an attack under Article II (categories.yaml);
    the overlay's clause carries its own text, unquoted (it is hypothetical)."""
    out = tmp_path / "c"
    run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], out)
    corpus = load_corpus(out)
    cats = {c.id: c.event_types for c in corpus.categories}
    assert "interstate_war" in cats["attack"] and "interstate_war" in cats["aggression"]
    assert "occupation" in cats["invasion"] and "clash" not in cats["aggression"]
    assert (
        "occupation_of_territory" in cats["invasion"]
        and "occupation_of_territory" in (cats["aggression"])
    )
    overlay = tmp_path / "definition.yaml"
    overlay.write_text(DEFINITION)
    kb = KnowledgeBase(out, assume=overlay)
    verdict = kb.aggressor("Russia", "Finland")
    assert verdict["aggressor"]["id"] == "russia"
    assert verdict["act"]["id"] == "mid-9003-russia"


def test_dyadic_mid_import(tmp_path: Path) -> None:
    report = run_import("dyadic-mid", [DATA / "dyadic_mid.csv"], tmp_path / "c")["report"]
    assert report.mapped["events"] == 2
    assert report.mapped["dyad-year rows merged into their dyad's event"] == 2
    assert report.skipped["no militarized action by state A against state B (mid5hiacta 0)"] == 1
    ev = {e.id: e for e in load_corpus(tmp_path / "c").events}
    war = ev["dymid-9101-russia-finland"]
    assert (war.type, war.actors, war.targets) == ("interstate_war", ["russia"], ["finland"])
    assert (war.date.earliest.isoformat(), war.date.latest.isoformat()) == (
        "1936-11-10",
        "1937-02-05",
    )
    assert "lines 2, 3" in war.notes and "highmcaa 22" in war.notes
    show = ev["dymid-9102-estonia-latvia"]
    assert show.type == "show_of_force" and show.date.text.startswith("1938-04")


DYADIC_HEADER = (
    "disno,dyindex,statea,namea,stateb,nameb,strtday,strtmnth,strtyr,endday,endmnth,endyear,"
    "highmcaa,sideaa,war,year,mid5hiacta\n"
)


def test_dyadic_mid_highest_action_of_any_year(tmp_path: Path) -> None:
    """mid5hiacta is coded per year: a dyad with no action in its first year and a war in the
    next (China against Canada in MID 51: 0 in 1950, 20 in 1951) is a war, not skipped as "no
    militarized action"; its days run to its last year's end."""
    path = tmp_path / "dyadic.csv"
    path.write_text(
        DYADIC_HEADER
        + "9201,9201.001,365,RUS,375,FIN,30,9,1950,27,7,1951,0,1,0,1950,0\n"
        + "9201,9201.001,365,RUS,375,FIN,30,9,1950,27,7,1951,22,1,1,1951,20\n",
        encoding="utf-8",
    )
    report = run_import("dyadic-mid", [path], tmp_path / "c")["report"]
    assert report.mapped["events"] == 1 and not report.skipped
    (war,) = load_corpus(tmp_path / "c").events
    assert (war.type, war.actors, war.targets) == ("interstate_war", ["russia"], ["finland"])
    assert (war.date.earliest.isoformat(), war.date.latest.isoformat()) == (
        "1950-09-30",
        "1951-07-27",
    )
    assert "highest mid5hiacta 20 (line 3)" in war.notes
    assert len(war.sources) == 2  # the first row and the row of the highest action


def test_dyadic_mid_spells_of_a_pair_are_apart(tmp_path: Path) -> None:
    """A pair of states can have several dyads (dyindex) in one dispute: in MID 257 the United
    States declared war on Austria-Hungary in December 1917 and fought it in October 1918. Each
    is its own event, not the first one's (the declaration was lost, named in its notes)."""
    path = tmp_path / "dyadic.csv"
    path.write_text(
        DYADIC_HEADER
        + "9202,9202.002,365,RUS,375,FIN,24,10,1938,3,11,1938,22,1,1,1938,20\n"
        + "9202,9202.035,365,RUS,375,FIN,7,12,1937,7,12,1937,20,1,0,1937,18\n",
        encoding="utf-8",
    )
    run_import("dyadic-mid", [path], tmp_path / "c")
    got = sorted((e.date.text[:10], e.type) for e in load_corpus(tmp_path / "c").events)
    assert got == [("1937-12-07", "declaration_of_war"), ("1938-10-24", "interstate_war")]


def test_cow_wars_import(tmp_path: Path) -> None:
    report = run_import("wars", [DATA / "wars.csv"], tmp_path / "c")["report"]
    assert report.read == 3  # CR-only line ends read as three rows
    assert report.mapped["events"] == 3
    assert report.skipped["no state on the other side at war while this participant was"] == 1
    ev = {e.id: e for e in load_corpus(tmp_path / "c").events}
    assert ev["war-9201-russia"].targets == ["finland"]  # Estonia joined after Russia left
    assert "an initiator of the war" in ev["war-9201-russia"].summary
    assert "not an initiator" in ev["war-9201-finland"].summary
    spell2 = ev["war-9201-finland-2"]
    assert spell2.date.earliest.isoformat() == "1937-01-20"
    # COW's Initiator: the initiator's entry is an act (interstate_war, category attack); a
    # non-initiator's participation is a clash, in use-of-force but not an Article II act
    assert ev["war-9201-russia"].type == "interstate_war"
    assert ev["war-9201-finland"].type == spell2.type == "clash"
    assert "imported as clash" in ev["war-9201-finland"].notes
    assert report.mapped["interstate_war events"] == 1 and report.mapped["clash events"] == 2


WAR_HEADER = (
    "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,"
    "EndDay1,EndYear1,StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,"
    "WhereFought,Initiator,Outcome,TransTo,BatDeath,Version"
)


def _war_file(tmp_path: Path, *rows: str) -> Path:
    """A made-up COW inter-state war file (CR line ends, as the real one)."""
    path = tmp_path / "wars.csv"
    path.write_text("\r".join([WAR_HEADER, *rows]) + "\r", encoding="ascii")
    return path


def test_war_initiator_is_the_aggressor_not_both_sides(tmp_path: Path) -> None:
    """Both sides enter war 9301 on the same day; COW codes Germany as its initiator. Read
    with the 1933 definition, Germany is the aggressor (both sides' entries were acts on the
    same day, and the answer was 'possibly Poland or Germany'); a non-initiator that joined
    the initiator's side (Italy) commits no act either; an initiator's spell after a break
    (who resumed the fighting is not coded) is not an act."""
    path = _war_file(
        tmp_path,
        "9301,Made-up War,1,255,Germany,2,9,1,1939,5,7,1940,6,1,1940,9,30,1940,-8,2,1,2,-8,9,4",
        "9301,Made-up War,1,290,Poland,1,9,1,1939,9,27,1939,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,9,4",
        "9301,Made-up War,1,220,France,1,9,3,1939,6,22,1940,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,9,4",
        "9301,Made-up War,1,325,Italy,2,6,10,1940,9,2,1943,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,9,4",
    )
    out = tmp_path / "c"
    run_import("wars", [path], out)
    ev = {e.id: e for e in load_corpus(out).events}
    assert ev["war-9301-germany"].type == "interstate_war"
    assert ev["war-9301-germany"].targets == ["poland", "france"]
    assert ev["war-9301-germany-2"].type == "clash"  # June 1940, after a break
    assert {ev[f"war-9301-{s}"].type for s in ("poland", "france", "italy")} == {"clash"}
    overlay = tmp_path / "definition.yaml"
    overlay.write_text(DEFINITION)
    kb = KnowledgeBase(out, assume=overlay)
    verdict = kb.aggressor("Germany", "Poland")
    assert verdict["aggressor"]["id"] == "germany" and verdict["certainty"] == "certain"
    assert verdict["act"]["id"] == "war-9301-germany"
    assert kb.aggressor("Italy", "France")["aggressor"] is None  # COW codes neither


def test_war_unreadable_year_skips_the_row_saying_why(tmp_path: Path) -> None:
    path = _war_file(
        tmp_path,
        "9302,Made-up War,1,255,Germany,2,9,1,19z9,5,7,1940,-8,-8,-8,-8,-8,-8,-8,2,1,2,-8,9,4",
        "9302,Made-up War,1,290,Poland,1,9,1,1939,9,31,1939,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,9,4",
        "9302,Made-up War,1,220,France,1,9,3,1939,6,22,1940,-8,-8,-8,-8,-8,-8,-8,2,3,1,-8,9,4",
    )
    report = run_import("wars", [path], tmp_path / "c")["report"]
    assert report.skipped["spell 1 start year '19z9' is not a year"] == 1
    assert report.examples["spell 1 start year '19z9' is not a year"] == ["wars.csv line 2"]
    # a day no calendar has: the row kept, dated to the month, and said so
    assert (
        report.skipped[
            "spell 1 end day '31' is not a day of 1939-09 (row kept, dated to the month)"
        ]
        == 1
    )
    assert any(k.startswith("Initiator '3' is not 1 (yes) or 2 (no)") for k in report.skipped)


def test_ask_an_attack_finds_the_wars_the_category_holds(tmp_path: Path) -> None:
    """An imported corpus's `attack` category holds its wars (`interstate_war`): "did Russia
    attack Finland?" finds them, where a filter on the type `attack` alone answered no."""
    from foedus.ask import answer_question

    run_import("wars", [DATA / "wars.csv"], tmp_path / "c")
    got = answer_question("Did Russia attack Finland in 1936?", KnowledgeBase(tmp_path / "c"))
    assert got["verdict"]["answer"] == "yes"
    assert [e["id"] for e in got["answer"]["events"]] == ["war-9201-russia"]
    assert "attack read as the corpus's category attack: attack, interstate_war" in got["notes"]


def test_atop_and_mid_together_give_breaches(tmp_path: Path) -> None:
    out = tmp_path / "c"
    run_import("atop", [DATA / "atop_m.csv", DATA / "atop_a.csv"], out)
    run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], out)
    kb = KnowledgeBase(out)
    found = kb.breaches()["breaches"]
    assert [
        (b["event"]["id"], b["treaty"]["id"], b["clause"]["id"], b["certainty"]) for b in found
    ] == [("mid-9001-russia", "atop-9002", "non-aggression", "certain")]
    assert kb.breaches(by="USSR", against="366")["breaches"]


def test_territorial_change(tmp_path: Path) -> None:
    report = run_import("territorial-change", [DATA / "tc.csv"], tmp_path / "c")["report"]
    assert not report.skipped  # gainer 0 is the League of Nations (tcmanual.pdf, Appendix A)
    corpus = load_corpus(tmp_path / "c")
    ev = {e.id: e for e in corpus.events}
    assert ev["tc-9003-cession"].actors == ["league-of-nations"]
    assert ev["tc-9001-secession"].actors == ["estonia"]
    assert ev["tc-9001-secession"].targets == ["russia"]
    annex = ev["tc-9002-annexation"]
    assert annex.date.text == "1945" and "conquest" in annex.summary
    status = KnowledgeBase(tmp_path / "c").status("Estonia", "1946-01-01")["status"]
    assert status["sovereign"] == [{"value": False, "certainty": "certain"}]
    assert [v["value"]["id"] for v in status["part_of"]] == ["russia"]


def _tc_corpus(tmp_path: Path, *rows: str) -> KnowledgeBase:
    """The corpus ``foedus import territorial-change`` makes of ``rows`` (tc2018.csv's)."""
    return KnowledgeBase(tc_corpus(tmp_path, *rows))


def test_an_independence_ends_what_an_annexation_began(tmp_path: Path) -> None:
    """A row with no procedure coded but ``indep`` = 1 (a colony's independence) is a
    secession of the gainer from the loser: the library's rules then end its being part of
    the loser and make it sovereign and self-controlled again (invented rows, real codes:
    200 the United Kingdom, 690 Kuwait)."""
    kb = _tc_corpus(
        tmp_path,
        "1900,1,200,0,2,690,0,10.00,1000,1,690,1,-9,0,0,9101,0,0,5",
        "1950,3,690,1,-9,690,-9,10.00,1000,1,200,0,0,1,0,9102,1,0,5",
    )
    ev = {e.id: e for e in kb.corpus.events}
    freed = ev["tc-9102-secession"]
    assert (freed.actors, freed.targets) == (["kuwait"], ["united-kingdom"])
    assert "by independence" in freed.summary
    before = kb.status("Kuwait", "1920-01-01")["status"]
    assert [v["value"]["id"] for v in before["part_of"]] == ["united-kingdom"]
    assert before["sovereign"] == [{"value": False, "certainty": "certain"}]
    after = kb.status("Kuwait", "1960-01-01")["status"]
    assert after["part_of"] == []
    assert after["sovereign"] == [{"value": True, "certainty": "certain"}]
    assert [v["value"]["id"] for v in after["controlled_by"]] == ["kuwait"]


def test_a_part_of_a_state_taken_is_not_the_state_annexed(tmp_path: Path) -> None:
    """A conquest of a part of a state (``portion`` 0: COW 618, 1947, part of Romania to the
    USSR) is ``annexation_of_territory``, which no rule reads: Romania is not made part of
    Russia. A conquest of a state as a whole (``portion`` 1, the entity the loser itself,
    ``exit`` 1: COW 585, Estonia 1940) is ``annexation``: part of Russia, and under its
    control in fact (``control_by_annexation``, rules/imported.rules). Both are uses of
    force (categories.yaml). Rows as in tc2018.csv, numbered apart."""
    kb = _tc_corpus(
        tmp_path,
        "1947,2,365,1,1,360,1,49987.00,3500000,0,360,1,1,0,0,9201,0,1,5",
        "1940,7,365,1,1,366,1,47549.00,1126000,1,366,1,-9,0,1,9202,0,0,5",
    )
    ev = {e.id: e for e in kb.corpus.events}
    assert ev["tc-9201-annexation-of-territory"].targets == ["romania"]
    assert ev["tc-9202-annexation"].targets == ["estonia"]
    cats = {c.id: c.event_types for c in kb.corpus.categories}
    assert {"annexation", "annexation_of_territory"} <= set(cats["use-of-force"])
    romania = kb.status("Romania", "1950-01-01")["status"]
    assert romania["part_of"] == [] and romania["occupied_by"] == []
    assert [v["value"]["id"] for v in romania["controlled_by"]] == ["romania"]
    estonia = kb.status("Estonia", "1941-01-01")["status"]
    assert [v["value"]["id"] for v in estonia["part_of"]] == ["russia"]
    assert [v["value"]["id"] for v in estonia["controlled_by"]] == ["russia"]
    assert estonia["sovereign"] == [{"value": False, "certainty": "certain"}]


def test_an_occupation_of_territory_is_not_control_of_the_state(tmp_path: Path) -> None:
    """MID's highest action 14, occupation of territory (MID 1269: Germany in Estonia in
    1919), is ``occupation_of_territory``: an invasion under Article II (categories.yaml),
    but not the whole state taken under the occupier's control, which as ``occupation`` it
    had been until the next change of control (Estonia "under occupation by Germany" in
    1940). Rows as in MIDA/MIDB 4.01, numbered apart."""
    mida = tmp_path / "mida.csv"
    midb = tmp_path / "midb.csv"
    mida.write_text(
        (DATA / "mida.csv").read_text().splitlines()[0]
        + "\n9301,-9,15,3,1919,15,12,1919,1,1,1,-9,276,276,14,4,1,1,1,0,0,0,0,4.01\n"
    )
    midb.write_text(
        (DATA / "midb.csv").read_text().splitlines()[0]
        + "\n9301,-9,GMY,255,15,3,1919,15,12,1919,1,1,1,-9,0,0,14,4,1,4.01"
        + "\n9301,-9,EST,366,15,3,1919,15,12,1919,0,0,0,-9,0,0,0,1,1,4.01\n"
    )
    run_import("mid", [mida, midb], tmp_path / "c")
    kb = KnowledgeBase(tmp_path / "c")
    ev = {e.id: e for e in kb.corpus.events}
    occupied = ev["mid-9301-germany"]
    assert (occupied.type, occupied.targets) == ("occupation_of_territory", ["estonia"])
    cats = {c.id: c.event_types for c in kb.corpus.categories}
    assert "occupation_of_territory" in cats["invasion"]
    for day in ("1919-06-01", "1940-08-15"):
        status = kb.status("Estonia", day)["status"]
        assert [v["value"]["id"] for v in status["controlled_by"]] == ["estonia"]
        assert status["occupied_by"] == []


def test_territorial_change_entities_named_from_the_entity_list(tmp_path: Path) -> None:
    files = [DATA / "tc.csv", DATA / "tc_entities.csv"]
    report = run_import("territorial-change", files, tmp_path / "c")["report"]
    assert report.mapped["entities named from the entity list"] == 3
    ev = {e.id: e for e in load_corpus(tmp_path / "c").events}
    assert ev["tc-9004-cession"].actors == ["invented-republic"]
    assert ev["tc-9004-cession"].targets == ["invented-colony"]
    # an entity named like a state in the alias table stays apart from that state
    assert ev["tc-9005-cession"].actors == ["russia-cow-9815"]
    assert ev["tc-9005-cession"].targets == ["russia"]
    without = run_import("territorial-change", [DATA / "tc.csv"], tmp_path / "d")["report"]
    assert "COW 9563" in without.unresolved


def test_icews_events(tmp_path: Path) -> None:
    report = run_import("events", [DATA / "icews.txt", DATA / "cameo.txt"], tmp_path / "c")[
        "report"
    ]
    assert report.mapped["events"] == 3
    assert report.skipped["duplicate of an earlier line"] == 1
    assert report.skipped["CAMEO code 043 has no foedus event type"] == 1
    # a named person: the line gives no country for "Abdullah Abdullah", so it is skipped
    # with that reason and the report names who (no list of leaders is consulted)
    assert report.skipped[f"subject {NO_COUNTRY}"] == 1
    assert any(n.startswith("named actors the lines give no country for") for n in report.notes)
    assert any("Abdullah Abdullah (1)" in n for n in report.notes)
    non_state = "not a government or state-security actor (citizens, rebels, fishermen, ...)"
    # Citizen (Estonia) and Armed Rebel (Ukraine) do not act for their state; nor is
    # "Naval (Sri Lanka) -> Fishermen (India)" Sri Lanka attacking India.
    assert report.skipped[f"subject {non_state}"] == 2
    assert report.skipped[f"object {non_state}"] == 1
    assert any("Fishermen (1)" in n for n in report.notes)
    corpus = load_corpus(tmp_path / "c")
    assert sorted((e.type, e.actors[0], e.targets[0]) for e in corpus.events) == [
        ("attack", "russia", "estonia"),
        ("condemnation", "estonia", "russia"),  # Police (Estonia) acts for Estonia
        ("occupation_of_territory", "russia", "ukraine"),  # CAMEO 192: not of the state
    ]


def test_icews_fighting_with_small_arms_is_an_attack(tmp_path: Path) -> None:
    """CAMEO 193 (root 19 FIGHT: "Fight with small arms and light weapons") differs from 194
    ("Fight with artillery and tanks") by the weapons only: both are the source's attack, so
    "Did Russia attack Ukraine in 2014?" finds the line (it answered no when 193 was a clash)."""
    from foedus.ask import answer_question

    lines = tmp_path / "icews.txt"
    lines.write_text(
        "Military (Russia)\tfight with small arms and light weapons\tPolice (Ukraine)"
        "\t2014-04-07\n",
        encoding="utf-8",
    )
    run_import("events", [lines], tmp_path / "c")
    kb = KnowledgeBase(tmp_path / "c")
    assert [e.type for e in load_corpus(tmp_path / "c").events] == ["attack"]
    got = answer_question("Did Russia attack Ukraine in 2014?", kb)
    assert got["verdict"]["answer"] == "yes"


def test_icews_any_ministry_acts_for_its_state() -> None:
    assert acts_for_state("Labor and Employment Ministry")
    assert acts_for_state("Justice Department/Ministery")
    assert acts_for_state("Border Patrol") and acts_for_state("Inter Service Intelligence")
    assert not acts_for_state("Government Affiliated Bank")
    assert not acts_for_state("Fishermen") and not acts_for_state("Armed Rebel")


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "gml-mid-v2.0").is_dir(), reason="no shared data")
def test_real_gml_mid(tmp_path: Path) -> None:
    base = REAL / "gml-mid-v2.0"
    report = run_import(
        "mid",
        [base / "gml-mida-2.0.csv", base / "gml-midb-2.0.csv"],
        tmp_path / "c",
        only=["Lithuania"],
    )["report"]
    assert report.dataset == "gml-mid"
    text = (tmp_path / "c" / "events-mid.yaml").read_text()
    assert '"mid-504-russia"' in text


@pytest.mark.slow
@pytest.mark.skipif(not (REAL / "gml-mid-v2.0").is_dir(), reason="no shared data")
def test_real_gml_mid_figures() -> None:
    """docs/data.md's figures for GML MID 2.0."""
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.mid import import_mid

    base = REAL / "gml-mid-v2.0"
    imp = import_mid([base / "gml-mida-2.0.csv", base / "gml-midb-2.0.csv"], AliasTable.bundled())
    assert imp.report.read == 7_554 and imp.report.mapped["events"] == 4_740
    assert imp.report.skipped["no militarized action by this participant (highest action 0)"] == (
        1_291
    )
    assert (
        imp.report.skipped["no state on the other side took part while this participant did"] == 7
    )
    assert imp.report.mapped["opponents left out of targets (participation not overlapping)"] == 250


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-mid-v4.01").is_dir(), reason="no shared data (../shared/data/cow-mid-v4.01)"
)
def test_real_cow_mid_targets_overlap(tmp_path: Path) -> None:
    """MID 258: the USSR's September 1939 row no longer targets the states it fought from
    1941 (the United States, Brazil, Mongolia, Italy, Finland); France's 1939-40 row targets
    the USSR (MIDB lines 525 and 506) for the 13 days the USSR took part only, after ATOP
    2300 had ended, and Germany (line 527) on its own days."""
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.mid import import_mid

    base = REAL / "cow-mid-v4.01"
    imp = import_mid([base / "MIDA_4.01.csv", base / "MIDB_4.01.csv"], AliasTable.bundled())
    assert imp.report.mapped["opponents left out of targets (participation not overlapping)"] == 217
    assert imp.report.mapped["events"] == 5_337
    ev = {e["id"]: e for e in imp.events}
    sept = [e for e in imp.events if e["id"] in ("mid-258-russia", "mid-258-russia-poland")]
    assert {e["date"]["earliest"] for e in sept} == {"1939-09-17"}
    assert ev["mid-258-russia-poland"]["targets"] == ["poland"]
    assert ev["mid-258-russia-poland"]["date"]["latest"] == "1939-09-27"  # Poland's last day
    sept_targets = {t for e in sept for t in e["targets"]}
    assert not {"united-states", "brazil", "mongolia", "italy", "finland"} & sept_targets
    assert "finland" in ev["mid-258-russia-finland"]["targets"]  # 1941-44
    assert ev["mid-258-france-2"]["targets"] == ["germany"]
    france_ussr = ev["mid-258-france-russia"]
    assert france_ussr["targets"] == ["russia"]
    assert (france_ussr["date"]["earliest"], france_ussr["date"]["latest"]) == (
        "1939-09-17",
        "1939-09-29",
    )


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-mid-v4.01").is_dir(), reason="no shared data (../shared/data/cow-mid-v4.01)"
)
def test_real_mid_aggressor_ussr_finland(tmp_path: Path) -> None:
    """With the acts of Article II assumed, MID names an aggressor between the USSR and
    Finland (the Winter War, MID 179: both sides' spans are the same, so "possible")."""
    base = REAL / "cow-mid-v4.01"
    out = tmp_path / "c"
    run_import(
        "mid", [base / "MIDA_4.01.csv", base / "MIDB_4.01.csv"], out, only=["USSR", "Finland"]
    )
    overlay = tmp_path / "definition.yaml"
    overlay.write_text(DEFINITION)
    verdict = KnowledgeBase(out, assume=overlay).aggressor("USSR", "Finland")
    assert verdict["aggressor"] is not None
    assert verdict["act"]["id"] in ("mid-179-russia", "mid-179-finland")
    assert sorted(c["id"] for c in verdict["candidates"]) == ["finland", "russia"]


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-dyadic-mid-v4.02").is_dir(),
    reason="no shared data (../shared/data/cow-dyadic-mid-v4.02)",
)
def test_real_dyadic_mid() -> None:
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.dyadic import import_dyadic_mid

    path = REAL / "cow-dyadic-mid-v4.02" / "dyadic_mid_4.02.csv"
    imp = import_dyadic_mid([path], AliasTable.bundled())
    assert imp.report.read == 10_358
    assert imp.report.mapped["events"] == 5_350
    assert imp.report.skipped[
        "no militarized action by state A against state B (mid5hiacta 0)"
    ] == (1_742)
    ev = {e["id"]: e for e in imp.events}
    fin = ev["dymid-258-russia-finland"]
    assert fin["type"] == "interstate_war" and fin["targets"] == ["finland"]
    assert fin["date"]["earliest"] == "1941-06-25"
    # 0 in 1950, 20 from 1951: a war (it was skipped as no action, from its first year)
    assert ev["dymid-51-china-canada"]["type"] == "interstate_war"
    # MID 257: the United States' declaration of war on Austria-Hungary (December 1917) is
    # its own dyad, apart from the war of October 1918
    assert ev["dymid-257-united-states-austria-hungary-2"]["type"] == "declaration_of_war"


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-wars").is_dir(), reason="no shared data (../shared/data/cow-wars)"
)
def test_real_cow_wars() -> None:
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.wars import import_wars

    imp = import_wars([REAL / "cow-wars" / "Inter-StateWarData_v4.0.csv"], AliasTable.bundled())
    assert imp.report.read == 337 and imp.report.mapped["events"] == 356
    # every initiator's entry (109 rows coded Initiator 1) is an act; the rest are clashes
    assert imp.report.mapped["interstate_war events"] == 109
    assert imp.report.mapped["clash events"] == 247
    ev = {e["id"]: e for e in imp.events}
    assert ev["war-139-germany"]["type"] == "interstate_war"
    assert ev["war-139-poland"]["type"] == "clash"
    assert ev["war-142-finland"]["type"] == "clash"
    assert ev["war-148-jordan"]["type"] == "interstate_war"  # 1948: COW's initiator
    assert ev["war-148-jordan-2"]["type"] == "clash"  # October 1948, after a break
    assert ev["war-142-russia"]["targets"] == ["finland"]
    assert "an initiator of the war" in ev["war-142-russia"]["summary"]
    assert ev["war-142-russia"]["date"]["earliest"] == "1939-11-30"
    assert ev["war-139-russia-2"]["targets"] == ["japan"]  # August 1945


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "icews-tkg-sample").is_dir(),
    reason="no shared data (../shared/data/icews-tkg-sample)",
)
def test_real_icews_only_state_actors_act_for_a_state() -> None:
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.events import _SECTOR, import_events

    base = REAL / "icews-tkg-sample"
    files = [base / f for f in ("icews_2014_valid.txt", "icews_2014_test.txt")]
    files.append(base / "icews_2005-2015_test.txt")
    imp = import_events(files, AliasTable.bundled())
    assert imp.report.mapped["events"] == 1_329
    non_state = "not a government or state-security actor (citizens, rebels, fishermen, ...)"
    assert imp.report.skipped[f"subject {non_state}"] == 3_905
    # named leaders: the lines give no country for them, so they are skipped with that
    # reason and listed by name in the report
    assert imp.report.skipped[f"subject {NO_COUNTRY}"] == 7_179
    note = next(n for n in imp.report.notes if n.startswith("named actors"))
    assert "Barack Obama (255)" in note
    for e in imp.events:
        subject, _, rest = e["summary"].partition(": ")
        obj = rest.split(": ", 1)[1].rsplit(" (CAMEO", 1)[0]
        for side in (subject, obj):
            m = _SECTOR.match(side)
            assert m is None or acts_for_state(m.group(1).strip()), e["summary"]
    assert not [e for e in imp.events if e["summary"].startswith("Naval (Sri Lanka)")]


@pytest.mark.slow
@pytest.mark.skipif(
    not (REAL / "cow-territorial-change-v6").is_dir(),
    reason="no shared data (../shared/data/cow-territorial-change-v6)",
)
def test_real_territorial_change_entities_named() -> None:
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.territorial import import_territorial

    base = REAL / "cow-territorial-change-v6"
    imp = import_territorial(
        [base / "tc2018.csv", base / "tc_entities_tabula.csv"], AliasTable.bundled()
    )
    # 26: Vatican City (328) and Korea (730) are in the alias table (Vatican City apart from
    # the Papal States, 327); Brunswick, Hamburg, Nassau, Oldenburg and the Transvaal are the
    # alias table's actors of those names, with the entity list's COW codes
    assert imp.report.mapped["entities named from the entity list"] == 26
    assert imp.report.mapped["entities that are an actor of that name"] == 5
    assert imp.actors["brunswick"]["cow"] == [244] and "brunswick-cow-244" not in imp.actors
    assert imp.actors["transvaal"]["cow"] == [563]
    assert "vatican-city" in imp.actors and "vatican-city-cow-328" not in imp.actors
    names = {a["name"] for a in imp.actors.values()}
    assert {"Transvaal", "Hamburg", "Danzig", "Hejaz Sultanate"} <= names
    # 822 is not in the entity list: still named by its code; 1 is the United Nations
    assert {n for n in imp.report.unresolved if n.startswith("COW ")} == {"COW 822"}


def test_icews_an_impossible_day_is_skipped_not_written(tmp_path: Path) -> None:
    """A line dated 2014-02-31 is skipped with its reason: written, the corpus would not
    validate (every query of it refused)."""
    lines = (DATA / "icews.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace("2014-03-02", "2014-02-31")
    bad = tmp_path / "icews.txt"
    bad.write_text("".join(lines), encoding="utf-8")
    report = run_import("events", [bad, DATA / "cameo.txt"], tmp_path / "c")["report"]
    assert report.skipped["date '2014-02-31' is not a day (no such day)"] == 1
    corpus = load_corpus(tmp_path / "c")  # it validates
    assert all(e.date.text != "2014-02-31" for e in corpus.events)
