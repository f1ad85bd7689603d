"""foedus export: RDF (checked with SPARQL against the query API), GraphML, timelines, tables."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest
from pyoxigraph import RdfFormat, Store

from foedus.errors import UserError
from foedus.interop.exports import export
from foedus.query import KnowledgeBase

PREFIXES = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX fd: <https://foedus.invalid/vocab#>
"""


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.fixture(scope="module")
def store(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("ttl") / "baltic.ttl"
    assert export(kb, "turtle", out)["triples"] > 1000
    st = Store()
    st.load(path=str(out), format=RdfFormat.TURTLE)
    return st


def _ids(store: Store, query: str) -> list[str]:
    return sorted(r["id"].value for r in store.query(PREFIXES + query))


def test_sparql_parties_match_the_query_api(kb: KnowledgeBase, store: Store) -> None:
    got = _ids(
        store, 'SELECT ?id WHERE { ?t fd:id "treaty-of-tartu" ; wdt:P710 ?a . ?a fd:id ?id }'
    )
    want = sorted({p["actor"]["id"] for p in kb.treaty("treaty-of-tartu")["parties"]})
    assert got == want and "estonia" in got


def test_sparql_invasions_by_the_ussr(kb: KnowledgeBase, store: Store) -> None:
    got = _ids(
        store,
        "SELECT ?id WHERE { ?e fd:eventType fd:type\\/invasion ; "
        'fd:actor/fd:id "ussr" ; fd:id ?id }',
    )
    want = sorted(e["id"] for e in kb.events(actor="ussr", type="invasion")["events"])
    assert got == want and got


def test_sparql_dates_use_wikidata_properties(store: Store) -> None:
    rows = list(
        store.query(
            PREFIXES + 'SELECT ?s ?e WHERE { ?t fd:id "treaty-of-riga" ; '
            "wdt:P580 ?s . OPTIONAL { ?t wdt:P582 ?e } }"
        )
    )
    assert rows and rows[0]["s"].value.startswith("1920")


def test_jsonld_graphml_timelines(kb: KnowledgeBase, tmp_path: Path) -> None:
    export(kb, "json-ld", tmp_path / "b.jsonld")
    doc = json.loads((tmp_path / "b.jsonld").read_text())
    assert "@context" in doc and doc["@context"]["wdt"].startswith("http://www.wikidata.org")
    export(kb, "graphml", tmp_path / "b.graphml")
    g = nx.read_graphml(tmp_path / "b.graphml")
    tartu = "instrument:treaty-of-tartu"
    assert g.nodes[tartu]["kind"] == "instrument"
    assert {n for n in g.neighbors(tartu)} == {
        f"actor:{p['actor']['id']}" for p in kb.treaty("treaty-of-tartu")["parties"]
    }
    export(kb, "timelinejs", tmp_path / "tl.json")
    tl = json.loads((tmp_path / "tl.json").read_text())
    assert tl["title"]["text"]["headline"] and len(tl["events"]) >= len(kb.corpus.events)
    assert all("year" in s["start_date"] for s in tl["events"])
    export(kb, "vis", tmp_path / "vis.json")
    vis = json.loads((tmp_path / "vis.json").read_text())
    fuzzy = [i for i in vis["items"] if i.get("className") == "fuzzy"]
    assert fuzzy and all(i["type"] == "range" and i["end"] > i["start"] for i in fuzzy)


def test_tables(kb: KnowledgeBase, tmp_path: Path) -> None:
    info = export(kb, "parquet", tmp_path / "pq")
    assert {"fluents", "breaches", "events", "instruments"} <= set(info["tables"])
    fl = pq.read_table(tmp_path / "pq" / "fluents.parquet")
    assert fl.num_rows == info["tables"]["fluents"] and "from_day" in fl.column_names
    export(kb, "csv", tmp_path / "csv")
    head = (tmp_path / "csv" / "breaches.csv").read_text().splitlines()[0]
    assert head.startswith("perspective,event_id")
    with pytest.raises(UserError, match="unknown export format"):
        export(kb, "xlsx", tmp_path / "x")
