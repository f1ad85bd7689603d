"""foedus import treaties: GGO agreements and parties, with messy dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.interop.importers import run_import

DATA = Path(__file__).parent / "fixtures" / "data"
REAL = Path("/work/shared/data/ggo-treaties-manytreaties")


def test_ggo_import(tmp_path: Path) -> None:
    out = tmp_path / "c"
    report = run_import("treaties", [DATA / "ggo_agreements.csv", DATA / "ggo_parties.csv"], out)[
        "report"
    ]
    assert report.mapped["instruments"] == 3
    assert report.skipped["party row of a treaty not in the agreements file"] == 1
    assert (
        report.skipped[
            "party row without a readable signature, ratification or entry into force date"
        ]
        == 1
    )
    corpus = load_corpus(out)
    ins = {i.id: i for i in corpus.instruments}
    conv = ins["ggo-gen-mul-1930p"]
    assert (conv.signed.earliest.isoformat(), conv.signed.latest.isoformat(), conv.signed.text) == (
        "1930-02-01",
        "1930-02-28",
        "1930-02-18?",
    )
    assert conv.in_force.text == "1931-06" and conv.ended.text == "1960-12-31"
    parties = {p.actor: p for p in conv.parties}
    assert parties["latvia"].how == "ratification"
    assert parties["latvia"].date.text == "1930-11-20"
    assert parties["eue"].how == "signature"  # a code not in the alias table, kept as named
    assert "StateRatification 1930-11-20" in parties["latvia"].notes
    prot = ins["ggo-gen-mul-1935p"]
    assert prot.amends == "ggo-gen-mul-1930p" and prot.kind == "protocol"
    assert prot.in_force.latest.isoformat() == "1935-10-31"
    fish = ins["ggo-est-rus-1921a"]
    assert fish.ended is None and {p.actor for p in fish.parties} == {"estonia", "russia"}
    assert "Hollway" in (out / "corpus.yaml").read_text()  # CC BY 4.0 attribution kept


def test_ggo_only(tmp_path: Path) -> None:
    report = run_import(
        "treaties",
        [DATA / "ggo_agreements.csv", DATA / "ggo_parties.csv"],
        tmp_path / "c",
        only=["LVA"],
    )["report"]
    assert report.mapped["instruments"] == 2
    assert {i.id for i in load_corpus(tmp_path / "c").instruments} == {
        "ggo-gen-mul-1930p",
        "ggo-gen-mul-1935p",
    }


@pytest.mark.skipif(not REAL.is_dir(), reason="no shared data")
def test_real_ggo_baltic(tmp_path: Path) -> None:
    run_import(
        "treaties",
        [REAL / "GGO_agreements.csv", REAL / "GGO_parties.csv"],
        tmp_path / "c",
        only=["EST"],
    )
    text = (tmp_path / "c" / "instruments-treaties.yaml").read_text()
    assert 'id: "ggo-est-rus-1920a"' in text
