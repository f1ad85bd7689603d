"""foedus import atop: alliances as instruments with parties, clauses and norms."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.interop.importers import run_import
from foedus.interop.importers.base import DatasetError
from small_corpora import SHARED_DATA

DATA = Path(__file__).parents[1] / "fixtures" / "data"
SHARED = SHARED_DATA
REAL = SHARED / "atop-v5.1"


def test_atop_member_and_alliance_files(tmp_path: Path) -> None:
    out = tmp_path / "c"
    report = run_import("atop", [DATA / "atop_m.csv", DATA / "atop_a.csv"], out)["report"]
    assert report.mapped["instruments"] == 3
    assert report.mapped["member phases joined to the previous phase"] == 2
    corpus = load_corpus(out)
    ins = {i.id: i for i in corpus.instruments}
    baltic = ins["atop-9001"]
    assert baltic.name == "ATOP 9001: defence, consultation (Estonia, Latvia)"
    assert [(p.actor, p.how, p.date.text, p.until.text) for p in baltic.parties] == [
        ("estonia", "signature", "1925-03-10", "1938-06"),
        ("latvia", "signature", "1925-03-10", "1938-06"),
    ]
    assert baltic.ended.text == "1938-06"
    norms = {c.id: c.norm for c in baltic.clauses}
    assert norms["defence"].kind == "obligation"
    assert norms["defence"].categories == []  # owed against an attacker: no act breaks it
    assert norms["consultation"].categories == []
    pact = ins["atop-9002"]
    assert pact.clauses[0].norm.kind == "prohibition"
    assert pact.clauses[0].text.startswith("9002,,,1930,5,1")
    nato = ins["atop-9003"]
    assert nato.ended is None
    assert [(p.actor, p.how, p.until) for p in nato.parties] == [
        ("united-states", "signature", None),
        ("canada", "accession", None),
    ]
    assert {c.id: c.norm.bearers for c in nato.clauses} == {
        "defence": ["united-states"],
        "consultation": ["canada"],
    }
    assert "atop_a.csv line 4" in nato.notes
    assert (out / "rules" / "imported.rules").is_file()
    assert not (out / "rules" / "base.rules").exists()  # named from the library, not copied
    assert "foedus:base" in (out / "perspectives.yaml").read_text(encoding="utf-8")


def test_atop_needs_the_member_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="member-level file"):
        run_import("atop", [DATA / "atop_a.csv"], tmp_path / "c")


def test_atop_member_file_alone(tmp_path: Path) -> None:
    run_import("atop", [DATA / "atop_m.csv"], tmp_path / "c")
    corpus = load_corpus(tmp_path / "c")
    assert {i.id: i.ended.text if i.ended else None for i in corpus.instruments} == {
        "atop-9001": "1938-06",
        "atop-9002": "1940-06-30",
        "atop-9003": None,
    }


def test_only_an_actor_nobody_knows_is_refused(tmp_path: Path) -> None:
    """--only with a name neither the alias table nor the dataset has would write an empty
    corpus: refused with the nearest names, and nothing written."""
    out = tmp_path / "c"
    files = [DATA / "atop_m.csv", DATA / "atop_a.csv"]
    with pytest.raises(DatasetError) as e:
        run_import("atop", files, out, only=["Estnia"])
    assert str(e.value).startswith(
        "--only 'Estnia': no actor of that name or code in the alias table or the dataset; "
        "did you mean 'Estonia'"
    )
    assert not out.exists()
    kept = run_import("atop", files, out, only=["Estonia"])["report"]
    assert any(n.startswith("kept after --only: 2 instruments") for n in kept.notes)
    assert kept.mapped["instruments"] == 2  # the counts are of what was written
    written = load_corpus(out).instruments
    assert kept.mapped["parties"] == sum(len(i.parties) for i in written)


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason="no shared data")
def test_real_atop_counts(tmp_path: Path) -> None:
    report = run_import(
        "atop", [REAL / "atop5_1m.csv", REAL / "atop5_1a.csv"], tmp_path / "c", only=["Estonia"]
    )["report"]
    # the counts are of what was written: Estonia's 15 alliances, the others skipped
    assert report.mapped["instruments"] == 15
    assert report.skipped["instrument without a party asked for (--only)"] == 789 - 15
    corpus = load_corpus(tmp_path / "c")
    ins = {i.id: i for i in corpus.instruments}
    assert {p.actor for p in ins["atop-2290"].parties} == {"russia", "estonia"}
    assert ins["atop-2290"].clauses[0].id == "non-aggression"


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason="no shared data (../shared/data/atop-v5.1)")
def test_real_atop_phases_never_repeat_a_party() -> None:
    """ATOP phases of one member that overlap (atop 3424: Cambodia's phases 2 and 3 both
    from 1993-01-01) are one party; a member that left and rejoined has one per spell."""
    from foedus.interop.aliases import AliasTable
    from foedus.interop.importers.atop import import_atop
    from foedus.interop.importers.base import date_bounds

    imp = import_atop([REAL / "atop5_1m.csv", REAL / "atop5_1a.csv"], AliasTable.bundled())
    assert imp.report.mapped["parties"] == 2_287
    for ins in imp.instruments:
        spells: dict[str, list[tuple[object, object]]] = {}
        for p in ins["parties"]:
            lo = date_bounds(p["date"])
            hi = date_bounds(p.get("until"))
            for other_lo, other_hi in spells.get(p["actor"], []):
                assert (other_hi is not None and other_hi[1] < lo[0]) or (
                    hi is not None and hi[1] < other_lo[0]
                ), (ins["id"], p["actor"])
            spells.setdefault(p["actor"], []).append((lo, hi))
    cambodia = [p for i in imp.instruments if i["id"] == "atop-3424" for p in i["parties"]]
    assert len([p for p in cambodia if p["actor"] == "cambodia"]) == 2


def test_a_member_who_leaves_before_joining_is_skipped(tmp_path: Path) -> None:
    """An exit before the entry (a typing slip in the file) is skipped with its reason:
    written, the corpus would not validate ("leaves before it joined")."""
    lines = (DATA / "atop_m.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",1930,1,1,", ",1919,9,17,", 1)
    bad = tmp_path / "atop_m.csv"
    bad.write_text("".join(lines), encoding="utf-8")
    report = run_import("atop", [bad, DATA / "atop_a.csv"], tmp_path / "c")["report"]
    assert report.skipped["member row whose exit is before its entry"] == 1
    load_corpus(tmp_path / "c")  # it validates
