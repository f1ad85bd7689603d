"""MID action 13, "Blockade" (MID v4.0 codebook: hostility level 4, "Use of force"; it does
not say naval), is ``blockade``: a use of force, not Article II's "naval blockade of coasts or
ports" (docs/data.md). It breaches a non-aggression clause (``use-of-force``) and makes no
aggressor under the 1933 definition; a ``naval_blockade`` still does. MID rows made up in the
files' layouts."""

from __future__ import annotations

from pathlib import Path

from foedus.corpus.load import load_corpus
from foedus.interop.crosscheck import crosscheck
from foedus.interop.importers import run_import
from foedus.interop.importers.mid import HIGHEST_ACTION
from foedus.interop.rdf import VOCAB
from foedus.model import EVENT_TYPES
from foedus.query import KnowledgeBase
from small_corpora import DEFINITION_1933, MID_BLOCKADE, non_aggression_pact

MIDA, MIDB = MID_BLOCKADE
DYADIC = (
    "disno,dyindex,statea,namea,stateb,nameb,strtday,strtmnth,strtyr,endday,endmnth,endyear,"
    "highmcaa,sideaa,war,year,mid5hiacta\n"
    "9402,9402.001,365,RUS,366,EST,1,3,1939,18,10,1939,13,1,0,1939,13\n"
)

#: The 1933 definition (Article II's five acts) and a Soviet-Estonian non-aggression pact,
#: assumed: ATOP's non-aggression clause forbids ``use-of-force`` (importers/atop.py).
OVERLAY = DEFINITION_1933 + non_aggression_pact("russia", "estonia", "1932-05-04")

NAVAL = """  - id: naval-1939
    type: naval_blockade
    date: 1939-09-20
    actors: [russia]
    targets: [estonia]
    summary: A Soviet naval blockade of Estonian ports, assumed.
"""


def _mid(tmp_path: Path) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "mida.csv").write_text(MIDA, encoding="utf-8")
    (tmp_path / "midb.csv").write_text(MIDB, encoding="utf-8")
    out = tmp_path / "c"
    run_import("mid", [tmp_path / "mida.csv", tmp_path / "midb.csv"], out)
    return out


def _overlay(tmp_path: Path, naval: bool = False) -> Path:
    path = tmp_path / ("naval.yaml" if naval else "overlay.yaml")
    path.write_text(OVERLAY + ("events:\n" + NAVAL if naval else ""), encoding="utf-8")
    return path


def test_blockade_is_a_documented_type_of_no_article_ii_category(tmp_path: Path) -> None:
    assert HIGHEST_ACTION[13] == ("blockade", "blockade")
    assert "blockade" in EVENT_TYPES and "not known to be naval" in EVENT_TYPES["blockade"]
    assert "<urn:foedus:vocab#type/blockade> a fd:EventType" in VOCAB.read_text("utf-8")
    cats = {c.id: c.event_types for c in load_corpus(_mid(tmp_path)).categories}
    assert "blockade" in cats["use-of-force"] and "blockade" in cats["militarized-action"]
    assert "blockade" not in cats["aggression"] and "blockade" not in cats["naval-blockade"]
    assert "naval_blockade" in cats["aggression"]


def test_mid_13_breaches_use_of_force_but_makes_no_aggressor(tmp_path: Path) -> None:
    """MID 13 (the Soviet pressure on Estonia of 1939 is coded so, MID 23) breaches the
    non-aggression clause; under the 1933 definition it names no aggressor (it named Russia
    while it was imported as a naval blockade)."""
    out = _mid(tmp_path)
    (event,) = load_corpus(out).events
    assert (event.id, event.type) == ("mid-9401-russia", "blockade")
    assert "blockade (MID action 13)" in event.summary
    kb = KnowledgeBase(out, assume=_overlay(tmp_path))
    rows = kb.breaches(by="Russia")["breaches"]
    assert [(b["event"]["id"], b["treaty"]["id"], b["clause"]["id"]) for b in rows] == [
        ("mid-9401-russia", "pact", "non-aggression")
    ]
    verdict = kb.aggressor("Russia", "Estonia")
    assert verdict["aggressor"] is None and verdict["act"] is None


def test_a_naval_blockade_still_makes_the_aggressor(tmp_path: Path) -> None:
    out = _mid(tmp_path)
    kb = KnowledgeBase(out, assume=_overlay(tmp_path, naval=True))
    verdict = kb.aggressor("Russia", "Estonia")
    assert verdict["aggressor"]["id"] == "russia" and verdict["certainty"] == "certain"
    assert verdict["act"]["id"] == "naval-1939"
    breached = {b["event"]["id"] for b in kb.breaches(by="Russia")["breaches"]}
    assert breached == {"mid-9401-russia", "naval-1939"}


def test_dyadic_mid_13_is_a_blockade(tmp_path: Path) -> None:
    (tmp_path / "dyadic.csv").write_text(DYADIC, encoding="utf-8")
    out = tmp_path / "c"
    run_import("dyadic-mid", [tmp_path / "dyadic.csv"], out)
    (event,) = load_corpus(out).events
    assert (event.type, event.actors, event.targets) == ("blockade", ["russia"], ["estonia"])
    kb = KnowledgeBase(out, assume=_overlay(tmp_path))
    assert [b["event"]["id"] for b in kb.breaches(by="Russia")["breaches"]] == [event.id]
    assert kb.aggressor("Russia", "Estonia")["aggressor"] is None


def test_crosscheck_matches_a_naval_blockade_to_a_mid_blockade(tmp_path: Path) -> None:
    """A corpus's naval blockade is a blockade to MID: crosscheck compares it with MID 13
    (the corpus: a 1950 show of force of Russia against Estonia, and the assumed 1939 naval
    blockade)."""
    (tmp_path / "dyadic.csv").write_text(
        DYADIC.replace(",1939,", ",1950,").replace(",13\n", ",7\n"), encoding="utf-8"
    )
    out = tmp_path / "c"
    run_import("dyadic-mid", [tmp_path / "dyadic.csv"], out)
    assert [e.type for e in load_corpus(out).events] == ["show_of_force"]
    _mid(tmp_path / "mid")  # writes the MID files
    kb = KnowledgeBase(out, assume=_overlay(tmp_path, naval=True))
    files = [tmp_path / "mid" / "mida.csv", tmp_path / "mid" / "midb.csv"]
    rows = {r["subject"]: r for r in crosscheck(kb, "mid", files)["rows"]}
    assert "naval-1939 ~ mid-9401-russia" in rows, sorted(rows)
