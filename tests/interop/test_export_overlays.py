"""foedus export with a what-if overlay (``--assume``): every record or row that exists only
because of the overlay is marked hypothetical in each format's own way, nothing else is, an
assumed record cites no source it does not have, and an export without an overlay has no
mark at all (docs/data.md, "foedus export")."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest
import rdflib

from foedus.interop.exports import export
from foedus.query import KnowledgeBase

OVERLAYS = Path(__file__).resolve().parents[1] / "overlays"
FD = rdflib.Namespace("urn:foedus:vocab#")
GUARANTEE = "guarantee-of-estonia-1939"
DENUNCIATION = "ussr-denounces-tartu-1939"


@pytest.fixture(scope="module")
def plain() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.fixture(scope="module")
def guarantee() -> KnowledgeBase:
    return KnowledgeBase(assume=OVERLAYS / "guarantee-of-estonia.yaml")


@pytest.fixture(scope="module")
def denounced() -> KnowledgeBase:
    return KnowledgeBase(assume=OVERLAYS / "ussr-denounces-tartu.yaml")


@pytest.fixture(scope="module")
def justified() -> KnowledgeBase:
    return KnowledgeBase(assume=OVERLAYS / "invasion-justified.yaml")


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(v for k, v in row.items() if k != "hypothetical")


@pytest.fixture(scope="module")
def tables(
    tmp_path_factory: pytest.TempPathFactory,
    plain: KnowledgeBase,
    guarantee: KnowledgeBase,
    denounced: KnowledgeBase,
) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("tables")
    for name, kb in (("plain", plain), ("guarantee", guarantee), ("denounced", denounced)):
        export(kb, "csv", out / name)
    return {name: out / name for name in ("plain", "guarantee", "denounced")}


def test_csv_marks_what_the_overlay_adds_and_nothing_else(tables: dict[str, Path]) -> None:
    """Every row the export without the overlay has not is hypothetical (the assumed
    instrument's parties and norms, the fluents a denunciation cut short, breaches of an
    assumed guarantee); every row it has (and that names no assumed record) is not. Only
    ``events`` and ``instruments`` had a mark, and rows derived from them none."""
    for name in ("guarantee", "denounced"):
        for path in sorted(tables[name].glob("*.csv")):
            table = path.stem
            rows = _rows(tables[name], table)
            assert rows and "hypothetical" in rows[0], table
            base: dict[tuple[str, ...], int] = {}
            for r in _rows(tables["plain"], table):
                base[_key(r)] = base.get(_key(r), 0) + 1
            for r in rows:
                names_assumed = GUARANTEE in r.values() or DENUNCIATION in r.values()
                k = _key(r)
                if base.get(k, 0) > 0 and not names_assumed:
                    base[k] -= 1
                    assert r["hypothetical"] == "false", (name, table, r)
                elif table not in ("meta", "state_meta"):
                    assert r["hypothetical"] == "true", (name, table, r)
    fluents = _rows(tables["denounced"], "fluents")
    cut = [r for r in fluents if r["fluent"] == "binds" and r["to_day"] == "1939-08-31"]
    assert cut and all(r["hypothetical"] == "true" for r in cut)
    assert {r["initiated_by"] for r in cut} == {""}  # no lineage: only the comparison finds it
    breaches = [r for r in _rows(tables["guarantee"], "breaches") if r["instrument"] == GUARANTEE]
    assert breaches and all(r["hypothetical"] == "true" for r in breaches)
    parties = [r for r in _rows(tables["guarantee"], "parties") if r["instrument_id"] == GUARANTEE]
    assert len(parties) == 3 and all(r["hypothetical"] == "true" for r in parties)


def test_csv_without_an_overlay_has_no_mark(tables: dict[str, Path]) -> None:
    """Without ``--assume`` only the corpus's own ``hypothetical`` columns (all false) are
    there: no table gained a column."""
    for path in tables["plain"].glob("*.csv"):
        rows = _rows(tables["plain"], path.stem)
        if path.stem in ("events", "instruments"):
            assert {r["hypothetical"] for r in rows} == {"false"}
        else:
            assert not rows or "hypothetical" not in rows[0], path.stem


def test_an_assumed_clause_cites_no_source(tables: dict[str, Path]) -> None:
    """The build gives an assumed clause the corpus's default source; its text is assumed,
    not quoted: ``source_id`` is empty in ``clauses`` and ``quotes`` (it was
    ``baltic-soviet-relations``), and the row is hypothetical."""
    clauses = [r for r in _rows(tables["guarantee"], "clauses") if r["instrument_id"] == GUARANTEE]
    quotes = [r for r in _rows(tables["guarantee"], "quotes") if r["owner_id"] == GUARANTEE]
    assert clauses and quotes
    for r in clauses + quotes:
        assert r["source_id"] == "" and r["hypothetical"] == "true"
    real = [r for r in _rows(tables["guarantee"], "clauses") if r["instrument_id"] != GUARANTEE]
    assert all(r["source_id"] for r in real)


def test_parquet_marks_as_csv(tmp_path: Path, guarantee: KnowledgeBase) -> None:
    export(guarantee, "parquet", tmp_path / "pq")
    parties = pq.read_table(tmp_path / "pq" / "parties.parquet").to_pylist()
    marked = {(r["instrument_id"], r["actor_id"]) for r in parties if r["hypothetical"]}
    assert marked == {(GUARANTEE, a) for a in ("united-kingdom", "ussr", "estonia")}
    clauses = pq.read_table(tmp_path / "pq" / "clauses.parquet").to_pylist()
    assert [r["source_id"] for r in clauses if r["instrument_id"] == GUARANTEE] == [None]


def test_a_restated_event_marks_what_rests_on_it(tmp_path: Path, justified: KnowledgeBase) -> None:
    """An overlay that restates a corpus event (with a claimed justification) replaces it:
    its breaches and its actors' rows are the assumed event's, and marked, though the same
    rows are in the export without the overlay (as ``foedus breaches`` marks them)."""
    export(justified, "csv", tmp_path / "t")
    event = "ussr-invades-estonia-1940"
    for table in ("breaches", "event_actors", "event_acts"):
        rows = [r for r in _rows(tmp_path / "t", table) if r["event_id"] == event]
        assert rows and all(r["hypothetical"] == "true" for r in rows), table
    others = [r for r in _rows(tmp_path / "t", "breaches") if r["event_id"] != event]
    assert others and all(r["hypothetical"] == "false" for r in others)


def test_graphml_declares_and_marks_hypothetical(
    tmp_path: Path, plain: KnowledgeBase, guarantee: KnowledgeBase
) -> None:
    """The assumed instrument and its party edges are ``hypothetical`` (a boolean key of
    the GraphML's key section); every other node and edge is not; without an overlay the
    key is not declared."""
    export(guarantee, "graphml", tmp_path / "g.graphml")
    text = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    assert 'for="node" attr.name="hypothetical" attr.type="boolean"' in text
    assert 'for="edge" attr.name="hypothetical" attr.type="boolean"' in text
    g = nx.read_graphml(tmp_path / "g.graphml")
    nodes = {n for n, d in g.nodes(data=True) if d["hypothetical"]}
    assert nodes == {f"instrument:{GUARANTEE}"}
    edges = {(u, v) for u, v, d in g.edges(data=True) if d["hypothetical"]}
    assert {v if v.startswith("actor:") else u for u, v in edges} == {
        "actor:united-kingdom",
        "actor:ussr",
        "actor:estonia",
    }
    assert len(edges) == 3
    export(plain, "graphml", tmp_path / "p.graphml")
    assert "hypothetical" not in (tmp_path / "p.graphml").read_text(encoding="utf-8")


def test_vis_marks_items_and_groups(
    tmp_path: Path, plain: KnowledgeBase, denounced: KnowledgeBase, guarantee: KnowledgeBase
) -> None:
    """An assumed item has class ``hypothetical`` (beside ``open-ended``) and "[hypothetical]"
    after its text; a group only assumed items fill (``denunciation``) has the class too."""
    export(denounced, "vis", tmp_path / "d.json")
    d = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    marked = [i for i in d["items"] if "hypothetical" in i.get("className", "").split()]
    assert [i["id"] for i in marked] == [f"event:{DENUNCIATION}"]
    assert marked[0]["content"].endswith("[hypothetical]")
    assert [g["id"] for g in d["groups"] if "className" in g] == ["denunciation"]
    export(guarantee, "vis", tmp_path / "g.json")
    items = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))["items"]
    (item,) = [i for i in items if i["id"] == f"instrument:{GUARANTEE}"]
    assert item["className"] == "open-ended hypothetical"
    assert all("hypothetical" not in i.get("className", "") for i in items if i is not item)
    export(plain, "vis", tmp_path / "p.json")
    assert "hypothetical" not in (tmp_path / "p.json").read_text(encoding="utf-8")


def test_timelinejs_marks_headlines_and_says_assumed(
    tmp_path: Path, denounced: KnowledgeBase, guarantee: KnowledgeBase
) -> None:
    """An assumed slide's headline ends "[hypothetical]" and its text says it is assumed
    (no source), where a real event's text is its quotes."""
    for kb, slide_id in (
        (denounced, f"event-{DENUNCIATION}"),
        (guarantee, f"instrument-{GUARANTEE}"),
    ):
        export(kb, "timelinejs", tmp_path / "t.json")
        slides = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["events"]
        marked = [s for s in slides if "hypothetical" in json.dumps(s["text"])]
        assert [s["unique_id"] for s in marked] == [slide_id]
        assert marked[0]["text"]["headline"].endswith(" [hypothetical]")
        assert marked[0]["text"]["text"].startswith("<p>[hypothetical] assumed (no source)</p>")


def test_rdf_marks_an_assumed_instruments_parts(tmp_path: Path, guarantee: KnowledgeBase) -> None:
    """The assumed instrument's parties, clause and norm are ``fd:hypothetical`` too (only
    the instrument was), and its clause cites no source; nothing else is marked."""
    export(guarantee, "turtle", tmp_path / "g.ttl")
    g = rdflib.Graph().parse(tmp_path / "g.ttl")
    marked = {str(s) for s in g.subjects(FD.hypothetical, rdflib.Literal(True))}
    assert len(marked) == 6 and all(f"/instrument/{GUARANTEE}" in s for s in marked)
    clauses = [s for s in marked if "/clause/" in s and not s.endswith("/norm")]
    assert len(clauses) == 1
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    assert not list(g.objects(rdflib.URIRef(clauses[0]), prov.wasQuotedFrom))
