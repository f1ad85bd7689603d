"""What each ATOP obligation forbids its bearers towards their partners, as the codebook
codes it: a defence pact obliges aid against an attacker (no act towards the partner breaks
it), a non-aggression pact forbids the use of force (not a threat or a display of it)."""

from __future__ import annotations

from pathlib import Path

from foedus.corpus import load_corpus
from foedus.interop.importers import run_import
from foedus.query import KnowledgeBase

ATOP_M = """\
atopid,cowid,cow4id,member,yrent,moent,dayent,yrexit,moexit,dayexit,ineffect,phase,maxphase,defense,offense,neutral,nonagg,consul
9101,,,366,1930,1,1,1940,1,1,0,1,1,1,0,0,1,0
9101,,,367,1930,1,1,1940,1,1,0,1,1,1,0,0,1,0
9102,,,367,1930,1,1,1940,1,1,0,1,1,1,0,0,0,0
9102,,,368,1930,1,1,1940,1,1,0,1,1,1,0,0,0,0
"""

MIDA = """\
DispNum3,DispNum4,StDay,StMon,StYear,EndDay,EndMon,EndYear,Outcome,Settle,Fatality,FatalPre,MaxDur,MinDur,HiAct,HostLev,Recip,NumA,NumB,Link1,Link2,Link3,Ongo2010,Version
9101,-9,1,3,1932,5,3,1932,5,3,0,0,5,5,7,3,0,1,1,0,0,0,0,4.01
9102,-9,1,3,1933,5,3,1933,5,3,0,0,5,5,16,4,1,1,1,0,0,0,0,4.01
9103,-9,1,3,1934,5,3,1934,5,3,0,0,5,5,11,3,0,1,1,0,0,0,0,4.01
9104,-9,1,3,1935,5,3,1935,5,3,0,0,5,5,17,4,1,1,1,0,0,0,0,4.01
"""

MIDB = """\
DispNum3,DispNum4,StAbb,ccode,StDay,StMon,StYear,EndDay,EndMon,EndYear,SideA,RevState,RevType1,RevType2,Fatality,FataPre,HiAct,HostLev,Orig,Version
9101,-9,EST,366,1,3,1932,5,3,1932,1,1,1,-9,0,0,7,3,1,4.01
9101,-9,LAT,367,1,3,1932,5,3,1932,0,0,0,-9,0,0,0,1,1,4.01
9102,-9,LAT,367,1,3,1933,5,3,1933,1,1,1,-9,0,0,16,4,1,4.01
9102,-9,EST,366,1,3,1933,5,3,1933,0,0,0,-9,0,0,0,1,1,4.01
9103,-9,EST,366,1,3,1934,5,3,1934,1,1,1,-9,0,0,11,3,1,4.01
9103,-9,LAT,367,1,3,1934,5,3,1934,0,0,0,-9,0,0,0,1,1,4.01
9104,-9,LIT,368,1,3,1935,5,3,1935,1,1,1,-9,0,0,17,4,1,4.01
9104,-9,LAT,367,1,3,1935,5,3,1935,0,0,0,-9,0,0,0,1,1,4.01
"""


def _corpus(tmp_path: Path) -> Path:
    files = {"atop_m.csv": ATOP_M, "mida.csv": MIDA, "midb.csv": MIDB}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "c"
    run_import("atop", [tmp_path / "atop_m.csv"], out)
    run_import("mid", [tmp_path / "mida.csv", tmp_path / "midb.csv"], out)
    return out


def test_atop_norm_categories_follow_the_codebook(tmp_path: Path) -> None:
    corpus = load_corpus(_corpus(tmp_path))
    norms = {(i.id, c.id): c.norm for i in corpus.instruments for c in i.clauses}
    assert norms["atop-9101", "defence"].kind == "obligation"
    assert norms["atop-9101", "defence"].categories == []
    assert norms["atop-9101", "non-aggression"].kind == "prohibition"
    assert norms["atop-9101", "non-aggression"].categories == ["use-of-force"]


def test_a_partners_own_acts_breach_no_defence_clause_and_threats_no_non_aggression(
    tmp_path: Path,
) -> None:
    """Estonia's show of force (MID 7) and border fortification (MID 11) against Latvia are
    no use of force; Latvia's attack (MID 16) on Estonia is, and breaches the non-aggression
    clause only; Lithuania's clash (MID 17) with its defence partner Latvia breaches nothing."""
    found = KnowledgeBase(_corpus(tmp_path)).breaches()["breaches"]
    assert [(b["event"]["id"], b["treaty"]["id"], b["clause"]["id"]) for b in found] == [
        ("mid-9102-latvia", "atop-9101", "non-aggression")
    ]
