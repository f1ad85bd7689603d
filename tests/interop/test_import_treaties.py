"""foedus import treaties: GGO agreements and parties, with messy dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.corpus.validate import validate_corpus
from foedus.errors import CorpusError
from foedus.interop.aliases import AliasTable
from foedus.interop.importers import run_import
from foedus.interop.importers.treaties import import_treaties
from small_corpora import SHARED_DATA

DATA = Path(__file__).parents[1] / "fixtures" / "data"
SHARED = SHARED_DATA
REAL = SHARED / "ggo-treaties-manytreaties"


def test_ggo_import(tmp_path: Path) -> None:
    out = tmp_path / "c"
    report = run_import("treaties", [DATA / "ggo_agreements.csv", DATA / "ggo_parties.csv"], out)[
        "report"
    ]
    assert report.mapped["instruments"] == 5
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


@pytest.mark.slow
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


def test_ggo_shared_treaty_id_and_repeated_party(tmp_path: Path) -> None:
    """Two agreements share FIN-RUS_1922A: each gets only its own parties (told apart by
    title), and the second row for Russia is merged into one party that joins on its
    earliest date, the other row kept in the notes."""
    out = tmp_path / "c"
    report = run_import("treaties", [DATA / "ggo_agreements.csv", DATA / "ggo_parties.csv"], out)[
        "report"
    ]
    repeated = (
        "repeated party row of a state already a party of the agreement (merged into one "
        "party; its dates kept in the party's notes)"
    )
    assert report.skipped[repeated] == 1
    assert report.mapped["party rows told apart among agreements sharing a treatyID"] == 5
    assert any("1 treatyIDs name 2 or more different agreements" in n for n in report.notes)
    ins = {i.id: i for i in load_corpus(out).instruments}
    gulf, lake = ins["ggo-fin-rus-1922a"], ins["ggo-fin-rus-1922a-2"]
    assert gulf.name == "Convention On Invented Fishing In A Gulf"
    assert [p.actor for p in gulf.parties] == ["finland", "russia"]
    assert [p.actor for p in lake.parties] == ["finland", "russia"]
    russia = lake.parties[1]
    assert russia.date.text == "1922-10-21"  # the earlier of its two rows
    assert "StateSignature 1922-10-28" in russia.notes and "also" in russia.notes
    assert not [p for p in validate_corpus(load_corpus(out)) if "listed twice" in p.message]


def test_validate_flags_a_repeated_party(tmp_path: Path) -> None:
    out = tmp_path / "c"
    run_import("treaties", [DATA / "ggo_agreements.csv", DATA / "ggo_parties.csv"], out)
    path = out / "instruments-treaties.yaml"
    text = path.read_text()
    first = '      - actor: "finland"\n'
    start = text.index(first)
    block = text[start : text.index('      - actor: "russia"', start)]
    path.write_text(text[:start] + block + text[start:])
    with pytest.raises(CorpusError) as err:
        load_corpus(out)
    problems = [p for p in err.value.errors if "listed twice" in p.message]
    assert len(problems) == 1
    assert problems[0].message.startswith(
        "instrument 'ggo-fin-rus-1922a': party 'finland' is listed twice (first at "
    )


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_dir(), reason="no shared data (../shared/data beside the project)")
def test_real_ggo_shared_ids_and_no_repeated_party() -> None:
    """GGO_parties.csv lists Finland and Russia on all four FIN-RUS_1922A conventions (and some
    states twice on one agreement): each convention gets each once, no instrument lists an
    actor twice, and the report says how many rows it told apart and merged."""
    imp = import_treaties(
        [REAL / "GGO_agreements.csv", REAL / "GGO_parties.csv"], AliasTable.bundled()
    )
    report = imp.report
    assert any(
        n.startswith("181 treatyIDs name 2 or more different agreements (412 agreements)")
        for n in report.notes
    )
    repeated = (
        "repeated party row of a state already a party of the agreement (merged into one "
        "party; its dates kept in the party's notes)"
    )
    assert report.skipped[repeated] > 10_000
    assert report.mapped["party rows told apart among agreements sharing a treatyID"] > 4_000
    for ins in imp.instruments:
        actors = [p["actor"] for p in ins["parties"]]
        assert len(actors) == len(set(actors)), ins["id"]
    fin = [i for i in imp.instruments if "FIN-RUS_1922A" in i["aliases"]]
    assert len(fin) == 4
    for ins in fin:
        assert sorted(p["actor"] for p in ins["parties"]) == ["finland", "russia"], ins["name"]
