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
from small_corpora import SHARED_DATA

PREFIXES = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX fd: <urn:foedus:vocab#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
BASE = "https://example.org/foedus/baltic/"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


@pytest.fixture(scope="module")
def store(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("ttl") / "baltic.ttl"
    info = export(kb, "turtle", out, base=BASE)
    assert info["triples"] > 1000 and info["base"] == BASE
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


def test_rdf_no_false_precision(store: Store) -> None:
    """A fuzzy date is written as its bounds, never as a Wikidata point in time: the Helsinki
    Final Act's signature and Estonia's inception are not a January 1st."""
    fuzzy_points = list(
        store.query(
            PREFIXES + "SELECT ?s WHERE { ?s fd:signedEarliest ?a ; fd:signedLatest ?b ; "
            "wdt:P585 ?p . FILTER(?a != ?b) }"
        )
    )
    assert fuzzy_points == []
    for prop, prefix in (("P571", "existedFrom"), ("P580", "inForce"), ("P582", "ended")):
        rows = list(
            store.query(
                PREFIXES + f"SELECT ?s WHERE {{ ?s fd:{prefix}Earliest ?a ; "
                f"fd:{prefix}Latest ?b ; wdt:{prop} ?p . FILTER(?a != ?b) }}"
            )
        )
        assert rows == [], prop
    exact = list(
        store.query(PREFIXES + 'SELECT ?p WHERE { ?t fd:id "treaty-of-tartu" ; wdt:P585 ?p }')
    )
    assert [r["p"].value for r in exact] == ["1920-02-02"]


def test_rdf_base_quotes_and_signatories(store: Store) -> None:
    subjects = {
        r["s"].value
        for r in store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o . FILTER(isIRI(?s)) }")
    }
    named = {s for s in subjects if not s.startswith("urn:foedus:vocab")}
    assert named and all(s.startswith(BASE) for s in named)
    assert not [s for s in subjects if ".invalid" in s]
    quoted = list(
        store.query(
            PREFIXES + 'SELECT ?q ?src WHERE { ?t fd:id "treaty-of-tartu" ; '
            "prov:wasDerivedFrom ?e . ?e prov:value ?q ; prov:wasQuotedFrom ?src }"
        )
    )
    assert quoted and all(r["src"].value.startswith(BASE + "source/") for r in quoted)
    not_signed = list(
        store.query(
            PREFIXES + "SELECT ?t ?a WHERE { ?t fd:party ?p ; wdt:P1891 ?a . ?p fd:actor ?a ; "
            'fd:how ?how . FILTER(?how IN ("adherence", "accession", "succession")) '
            "FILTER NOT EXISTS { ?t fd:party ?p2 . ?p2 fd:actor ?a ; fd:how ?h2 . "
            'FILTER(?h2 IN ("signature", "ratification")) } }'
        )
    )
    assert not_signed == []
    adherents = list(store.query(PREFIXES + 'SELECT ?p WHERE { ?p fd:how "adherence" }'))
    assert adherents  # the bundled corpus has parties by adherence: none is a signatory


def test_rdf_vocabulary_declares_every_term(store: Store) -> None:
    """Every fd: class and property of an export is declared in the package's RDF schema,
    and the schema loads in rdflib and pyoxigraph."""
    import rdflib

    from foedus.interop.rdf import VOCAB

    schema = rdflib.Graph().parse(VOCAB)
    declared = {str(s) for s in schema.subjects()}
    st = Store()
    st.load(path=str(VOCAB), format=RdfFormat.TURTLE)
    assert len(st) == len(schema)
    used = {r["p"].value for r in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    used |= {
        r["o"].value
        for r in store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o . FILTER(isIRI(?o)) }")
    }
    fd_terms = {t for t in used if t.startswith("urn:foedus:vocab#")}
    assert fd_terms and fd_terms <= declared, sorted(fd_terms - declared)


def test_export_base_is_checked(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="a .invalid host"):
        export(kb, "turtle", tmp_path / "x.ttl", base="https://foedus.invalid/x/")
    with pytest.raises(UserError, match="not an absolute IRI"):
        export(kb, "turtle", tmp_path / "x.ttl", base="no scheme")
    with pytest.raises(UserError, match="applies to turtle and jsonld"):
        export(kb, "vis", tmp_path / "x.json", base=BASE)
    info = export(kb, "turtle", tmp_path / "d.ttl")
    assert info["base"] == "urn:foedus:corpus:baltic-soviet/"


def test_jsonld_graphml_timelines(kb: KnowledgeBase, tmp_path: Path) -> None:
    export(kb, "json-ld", tmp_path / "b.jsonld", base=BASE)
    doc = json.loads((tmp_path / "b.jsonld").read_text())
    assert "@context" in doc and doc["@context"]["wdt"].startswith("http://www.wikidata.org")
    loaded = Store()
    loaded.load(path=str(tmp_path / "b.jsonld"), format=RdfFormat.JSON_LD)
    assert len(loaded) > 1000
    export(kb, "graphml", tmp_path / "b.graphml")
    g = nx.read_graphml(tmp_path / "b.graphml", force_multigraph=True)
    assert g.is_multigraph()
    tartu = "instrument:treaty-of-tartu"
    assert g.nodes[tartu]["kind"] == "instrument"
    assert {n for n in g.neighbors(tartu)} == {
        f"actor:{p['actor']['id']}" for p in kb.treaty("treaty-of-tartu")["parties"]
    }
    export(kb, "timelinejs", tmp_path / "tl.json")
    tl = json.loads((tmp_path / "tl.json").read_text())
    assert tl["title"]["text"]["headline"] and len(tl["events"]) >= len(kb.corpus.events)
    assert all("year" in s["start_date"] for s in tl["events"])
    slides = {s["unique_id"]: s for s in tl["events"]}
    tartu_slide = slides["instrument-treaty-of-tartu"]
    assert tartu_slide["end_date"] and "signed" in tartu_slide["display_date"]
    export(kb, "vis", tmp_path / "vis.json")
    vis = json.loads((tmp_path / "vis.json").read_text())
    fuzzy = [i for i in vis["items"] if i.get("className") == "fuzzy"]
    assert fuzzy and all(i["type"] == "range" and i["end"] > i["start"] for i in fuzzy)
    instruments = [i for i in vis["items"] if i["group"] == "instruments"]
    assert instruments and all(i["type"] == "range" and i["end"] > i["start"] for i in instruments)
    assert all("signed" in i["title"] or "in force" in i["title"] for i in instruments)


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


SHARED = SHARED_DATA


@pytest.mark.slow
@pytest.mark.skipif(
    not (SHARED / "atop-v5.1").is_dir(), reason="no shared data (../shared/data/atop-v5.1)"
)
def test_real_atop_graphml_is_a_multigraph(tmp_path: Path) -> None:
    """Every ATOP party is an edge: a state that left an alliance and rejoined it has an edge
    per spell (a simple graph merged them), each with its earliest and latest dates."""
    from foedus.corpus import load_corpus
    from foedus.interop.exports import write_graphml
    from foedus.interop.importers import run_import

    base = SHARED / "atop-v5.1"
    run_import("atop", [base / "atop5_1m.csv", base / "atop5_1a.csv"], tmp_path / "c")
    corpus = load_corpus(tmp_path / "c")
    parties = sum(len(i.parties) for i in corpus.instruments)
    pairs = len({(i.id, p.actor) for i in corpus.instruments for p in i.parties})
    info = write_graphml(corpus, tmp_path / "atop.graphml")
    assert info["edges"] == parties > pairs
    g = nx.read_graphml(tmp_path / "atop.graphml", force_multigraph=True)
    assert g.number_of_edges() == parties
    assert all("date_latest" in d for _, _, d in g.edges(data=True))
    assert (parties, pairs) == (2_287, 2_257)  # 30 rejoining spells, each its own edge
