"""foedus import mid (and territorial-change, events): disputes as typed events, and the
norm layer on an imported ATOP + MID corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.interop.importers import run_import
from foedus.query import KnowledgeBase

DATA = Path(__file__).parent / "fixtures" / "data"
REAL = Path("/work/shared/data")


def test_mid_import(tmp_path: Path) -> None:
    report = run_import("mid", [DATA / "mida.csv", DATA / "midb.csv"], tmp_path / "c")["report"]
    assert report.mapped["events"] == 3
    assert sum(report.skipped.values()) == 1  # Estonia took no militarized action in 9001
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
    assert report.skipped["no gainer"] == 1
    corpus = load_corpus(tmp_path / "c")
    ev = {e.id: e for e in corpus.events}
    assert ev["tc-9001-secession"].actors == ["estonia"]
    assert ev["tc-9001-secession"].targets == ["russia"]
    annex = ev["tc-9002-annexation"]
    assert annex.date.text == "1945" and "conquest" in annex.summary
    status = KnowledgeBase(tmp_path / "c").status("Estonia", "1946-01-01")["status"]
    assert status["sovereign"] is False and status["part_of"]["id"] == "russia"


def test_icews_events(tmp_path: Path) -> None:
    report = run_import("events", [DATA / "icews.txt", DATA / "cameo.txt"], tmp_path / "c")[
        "report"
    ]
    assert report.mapped["events"] == 2
    assert report.skipped["duplicate of an earlier line"] == 1
    assert report.skipped["CAMEO code 043 has no foedus event type"] == 1
    assert report.skipped["subject or object not a country in the alias table"] == 1
    assert report.skipped["subject and object in the same country (domestic)"] == 1
    corpus = load_corpus(tmp_path / "c")
    assert sorted((e.type, e.actors[0], e.targets[0]) for e in corpus.events) == [
        ("attack", "russia", "estonia"),
        ("occupation", "russia", "ukraine"),
    ]


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
