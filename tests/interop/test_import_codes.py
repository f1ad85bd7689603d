"""Dataset codes typed no more specifically than their codebooks say (docs/data.md): CAMEO 191
"Impose blockade, restrict movement" is no naval blockade, a COW territorial change by
annexation ("the primary agent of change is diplomacy") of a part of a state is no use of
force. Rows made up in the datasets' layouts."""

from __future__ import annotations

from pathlib import Path

from foedus.corpus.load import load_corpus
from foedus.interop.importers import run_import
from foedus.query import KnowledgeBase
from small_corpora import DEFINITION_1933, non_aggression_pact, tc_corpus

DEFINITION = DEFINITION_1933

#: A non-aggression pact of India and Pakistan, assumed: what ATOP's non-aggression clause
#: forbids (``use-of-force``, importers/atop.py).
NON_AGGRESSION = "instruments:\n" + non_aggression_pact("india", "pakistan", "1900-01-01")


def _events(tmp_path: Path, lines: list[str]) -> Path:
    data = tmp_path / "ev.tsv"
    data.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    run_import("events", [data], tmp_path / "c")
    return tmp_path / "c"


def test_cameo_191_restrict_movement_is_no_naval_blockade(tmp_path: Path) -> None:
    """CAMEO 191's words cover any restriction of movement (ICEWS codes a government's
    restriction on another country with it): ``other``, so no aggressor under Article II,
    whose fourth act is a naval blockade; CAMEO 190, military force, still is an attack."""
    out = _events(
        tmp_path,
        [
            "Government (United States)\tImpose blockade, restrict movement\tTanzania\t2014-05-12",
            "Military (Russia)\tUse conventional military force\tUkraine\t2014-03-02",
        ],
    )
    ev = {e.id: e for e in load_corpus(out).events}
    move, force = ev["icews-ev-1"], ev["icews-ev-2"]
    assert move.type == "other" and "CAMEO 191 -> other" in (move.notes or "")
    assert force.type == "attack"
    overlay = tmp_path / "definition.yaml"
    overlay.write_text(DEFINITION, encoding="utf-8")
    kb = KnowledgeBase(out, assume=overlay)
    assert kb.aggressor("United States", "Tanzania")["aggressor"] is None
    assert kb.aggressor("Russia", "Ukraine")["aggressor"]["id"] == "russia"


def test_cameo_1123_is_accuse_of_aggression(tmp_path: Path) -> None:
    """ "Accuse of aggression" is CAMEO 1123 (1125 is "Accuse of espionage, treason")."""
    out = _events(tmp_path, ["Government (Latvia)\tAccuse of aggression\tRussia\t2014-03-03"])
    (event,) = load_corpus(out).events
    assert event.type == "condemnation"
    assert event.summary.endswith("(CAMEO 1123)")


def test_tc_annexation_of_a_part_without_conflict_is_no_use_of_force(tmp_path: Path) -> None:
    """Procedure 2, annexation (the TC manual: "the primary agent of change is diplomacy"), of
    a part of Pakistan with ``conflict`` 0 is ``other``: it breaches no non-aggression clause.
    A conquest (procedure 1) of a part, and an annexation coded with military conflict, are
    ``annexation_of_territory``, uses of force that breach it; an annexation of a state as a
    whole stays ``annexation``, which the rules read (part of the gainer)."""
    out = tc_corpus(
        tmp_path,
        "1972,5,750,1,2,770,1,182.00,1000,0,770,1,0,0,0,9778,0,0,5",
        "1971,12,750,1,1,770,1,13361.00,5000000,0,770,1,1,0,0,9774,0,1,5",
        "1973,6,750,1,2,770,1,300.00,1000,0,770,1,1,0,0,9779,0,1,5",
        "1938,3,255,1,2,305,1,83869.00,6760000,1,305,1,-9,0,0,9573,0,0,5",
    )
    ev = {e.id: e for e in load_corpus(out).events}
    diplomacy = ev["tc-9778-other"]
    assert diplomacy.targets == ["pakistan"] and "by annexation" in diplomacy.summary
    assert "not a use of force" in (diplomacy.notes or "")
    assert ev["tc-9774-annexation-of-territory"].type == "annexation_of_territory"
    assert ev["tc-9779-annexation-of-territory"].type == "annexation_of_territory"
    assert ev["tc-9573-annexation"].type == "annexation"
    overlay = tmp_path / "pact.yaml"
    overlay.write_text(NON_AGGRESSION, encoding="utf-8")
    kb = KnowledgeBase(out, assume=overlay)
    breached = {b["event"]["id"] for b in kb.breaches(by="India")["breaches"]}
    assert breached == {"tc-9774-annexation-of-territory", "tc-9779-annexation-of-territory"}
    assert [v["value"]["id"] for v in kb.status("Austria", "1940-01-01")["status"]["part_of"]] == [
        "germany"
    ]
