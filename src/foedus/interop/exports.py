"""Exports of a corpus and its built database: ``foedus export FORMAT -o PATH``.

=========  ==============================================================================
format     what is written
=========  ==============================================================================
turtle     RDF (Turtle): actors, instruments (parties, clauses, norms), events, quotes;
           Wikidata properties where they fit (P31, P580, P582, P585, P710, P1891)
jsonld     the same graph as JSON-LD
graphml    the treaty network (networkx): actor and instrument nodes, party edges
timelinejs TimelineJS JSON: events and instruments as slides
vis        vis-timeline items and groups (JSON)
csv        a folder: one CSV per table of the built database (fluents and breaches included)
parquet    the same as Parquet files
=========  ==============================================================================

>>> sorted(FORMATS)
['csv', 'graphml', 'jsonld', 'parquet', 'timelinejs', 'turtle', 'vis']
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.build.schema import set_setting
from foedus.errors import UserError
from foedus.model import FuzzyDate
from foedus.paths import atomic_files

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
PROV = "http://www.w3.org/ns/prov#"
#: The foedus vocabulary; its RDF schema is ``vocab.ttl`` beside this module.
FD = "urn:foedus:vocab#"
VOCAB = Path(__file__).resolve().parent / "vocab.ttl"


def base_iri(corpus: Any, base: str | None = None) -> str:
    """The IRI every record of ``corpus`` is named under: ``base`` (``--base``, a ``/`` added
    when it ends in neither ``/`` nor ``#``), else ``urn:foedus:corpus:<name>/``."""
    if base:
        return base if base.endswith(("/", "#")) else base + "/"
    return f"urn:foedus:corpus:{corpus.metadata.name}/"


def check_base(base: str) -> str:
    """``base`` when it is an absolute IRI; a one-line error naming it otherwise."""
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    if not parts.scheme or any(c in base for c in ' <>"{}|\\^`'):
        raise UserError(f"--base {base!r}: not an absolute IRI (e.g. https://example.org/kb/)")
    if (parts.hostname or "").endswith(".invalid"):
        raise UserError(f"--base {base!r}: a .invalid host names nothing; give your own IRI")
    return base


# --------------------------------------------------------------------------- RDF


def graph(corpus: Any, base: str | None = None) -> Any:
    """The corpus as an rdflib Graph.

    Actors, instruments and events are ``<base>actor/<id>``, ``<base>instrument/<id>`` and
    ``<base>event/<id>``; ``wdt:P31`` gives their class (``fd:Actor``, ``fd:Instrument``,
    ``fd:Event``) and ``fd:eventType`` the event type (``fd:type/invasion``). A date is a
    Wikidata point in time only when it is an exact day; every date is also written as its
    bounds, ``fd:<x>Earliest`` and ``fd:<x>Latest``, with the text (``fd:<x>Text``). Quotes
    are PROV-O: the record ``prov:wasDerivedFrom`` an entity whose ``prov:value`` is the quote
    and which ``prov:wasQuotedFrom`` the source document (``<base>source/<id>``).
    """
    from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import OWL

    base = base_iri(corpus, base)
    fd = Namespace(FD)
    wdt = Namespace(WDT)
    wd = Namespace(WD)
    prov = Namespace(PROV)
    g = Graph()
    g.bind("fd", fd)
    g.bind("wdt", wdt)
    g.bind("wd", wd)
    g.bind("owl", OWL)
    g.bind("prov", prov)

    def node(kind: str, ident: str) -> URIRef:
        return URIRef(f"{base}{kind}/{ident}")

    def day(d: date) -> Literal:
        return Literal(d.isoformat(), datatype=XSD.date)

    def point(subject: Any, prop: Any, d: FuzzyDate | None) -> None:
        """A Wikidata point in time: only for an exact day (a fuzzy date has its bounds)."""
        if d is not None and d.exact:
            g.add((subject, prop, day(d.earliest)))

    def dates(subject: Any, d: FuzzyDate | None, prefix: str) -> None:
        """A date's bounds and text; a side the source leaves open ("after 1939") has no
        bound here (the corpus's horizon bounds it only for the answers)."""
        if d is None:
            return
        if d.open != "start":
            g.add((subject, fd[f"{prefix}Earliest"], day(d.earliest)))
        if d.open != "end":
            g.add((subject, fd[f"{prefix}Latest"], day(d.latest)))
        g.add((subject, fd[f"{prefix}Text"], Literal(d.text)))

    def quotes(subject: Any, qs: list[Any]) -> None:
        for q in qs:
            b = BNode()
            g.add((subject, prov.wasDerivedFrom, b))
            g.add((b, RDF.type, prov.Entity))
            g.add((b, prov.value, Literal(q.quote)))
            src = corpus.source_of(q.source)
            if src:
                g.add((b, prov.wasQuotedFrom, node("source", src)))

    for ident in corpus.sources:
        g.add((node("source", ident), RDF.type, prov.Entity))
        g.add((node("source", ident), fd.id, Literal(ident)))

    for a in corpus.actors:
        s = node("actor", a.id)
        g.add((s, wdt.P31, fd.Actor))
        g.add((s, RDFS.label, Literal(a.name)))
        g.add((s, fd.id, Literal(a.id)))
        g.add((s, fd.kind, Literal(a.kind)))
        for n in a.aliases:
            g.add((s, fd.alias, Literal(n)))
        for code in a.iso3166:
            g.add((s, fd.iso3166, Literal(code)))
        for c in a.cow:
            g.add((s, fd.cow, Literal(c)))
        for q in a.wikidata:
            g.add((s, OWL.sameAs, wd[q]))
        for rel, other in (
            ("predecessor", a.predecessor),
            ("successor", a.successor),
            ("partOf", a.part_of),
        ):
            if other:
                g.add((s, fd[rel], node("actor", other)))
        point(s, wdt.P571, a.existed_from)  # inception
        dates(s, a.existed_from, "existedFrom")
        point(s, wdt.P576, a.existed_to)  # dissolved
        dates(s, a.existed_to, "existedTo")
        quotes(s, a.sources)
    for i in corpus.instruments:
        s = node("instrument", i.id)
        g.add((s, wdt.P31, fd.Instrument))
        g.add((s, RDFS.label, Literal(i.name)))
        g.add((s, fd.id, Literal(i.id)))
        g.add((s, fd.kind, Literal(i.kind)))
        for n in i.aliases:
            g.add((s, fd.alias, Literal(n)))
        point(s, wdt.P585, i.signed)  # point in time (of signature)
        dates(s, i.signed, "signed")
        point(s, wdt.P580, i.in_force or i.signed)  # start time
        dates(s, i.in_force, "inForce")
        point(s, wdt.P582, i.ended)  # end time
        dates(s, i.ended, "ended")
        if i.amends:
            g.add((s, fd.amends, node("instrument", i.amends)))
        for k, p in enumerate(i.parties):
            if p.how in SIGNED:  # signatory: not a party by accession, adherence, succession
                g.add((s, wdt.P1891, node("actor", p.actor)))
            g.add((s, wdt.P710, node("actor", p.actor)))  # participant
            pn = URIRef(f"{s}/party/{k}")
            g.add((s, fd.party, pn))
            g.add((pn, RDF.type, fd.Party))
            g.add((pn, fd.actor, node("actor", p.actor)))
            g.add((pn, fd.how, Literal(p.how)))
            dates(pn, p.date, "joined")
            dates(pn, p.until, "left")
            quotes(pn, p.sources)
        for c in i.clauses:
            cn = URIRef(f"{s}/clause/{c.id}")
            g.add((s, fd.clause, cn))
            g.add((cn, RDF.type, fd.Clause))
            g.add((cn, fd.id, Literal(c.id)))
            g.add((cn, fd.text, Literal(c.text)))
            if c.article:
                g.add((cn, fd.article, Literal(c.article)))
            if c.norm is not None:
                nn = URIRef(f"{cn}/norm")
                g.add((cn, fd.norm, nn))
                g.add((nn, fd.normKind, Literal(c.norm.kind)))
                for cat in c.norm.categories:
                    g.add((nn, fd.category, node("category", cat)))
                for b in c.norm.bearers or []:
                    g.add((nn, fd.bearer, node("actor", b)))
                for b in c.norm.beneficiaries or []:
                    g.add((nn, fd.beneficiary, node("actor", b)))
        quotes(s, i.sources)
    for e in corpus.events:
        s = node("event", e.id)
        g.add((s, wdt.P31, fd.Event))
        g.add((s, fd.eventType, fd[f"type/{e.type}"]))
        g.add((s, fd.id, Literal(e.id)))
        g.add((s, RDFS.label, Literal(e.summary)))
        point(s, wdt.P585, e.date)
        dates(s, e.date, "date")
        for a in e.actors:
            g.add((s, fd.actor, node("actor", a)))
            g.add((s, wdt.P710, node("actor", a)))
        for t in e.targets:
            g.add((s, fd.target, node("actor", t)))
            g.add((s, wdt.P710, node("actor", t)))
        if e.instrument:
            g.add((s, fd.instrument, node("instrument", e.instrument)))
        if e.justification:
            g.add((s, fd.justification, Literal(e.justification)))
        if e.hypothetical:
            g.add((s, fd.hypothetical, Literal(True)))
        quotes(s, e.sources)
    for cat in corpus.categories:
        s = node("category", cat.id)
        g.add((s, RDFS.label, Literal(cat.name)))
        for t in cat.event_types:
            g.add((s, fd.eventTypeIn, fd[f"type/{t}"]))
    return g


#: How a party joined that makes it a signatory (``wdt:P1891``): it signed, or ratified what
#: it signed; a state that accedes, adheres or succeeds did not sign.
SIGNED = ("signature", "ratification")


def _write_text(text: str, out: Path) -> None:
    """``text`` written to ``out`` whole or not at all (a full disk leaves ``out`` as it was)."""
    atomic_files([out], lambda tmps: tmps[0].write_text(text, encoding="utf-8"))


def write_turtle(corpus: Any, out: Path, base: str | None = None) -> dict[str, Any]:
    g = graph(corpus, base)
    _write_text(g.serialize(format="turtle"), out)
    return {"triples": len(g)}


def write_jsonld(corpus: Any, out: Path, base: str | None = None) -> dict[str, Any]:
    g = graph(corpus, base)
    context = {
        "fd": FD,
        "wdt": WDT,
        "wd": WD,
        "prov": PROV,
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    }
    _write_text(g.serialize(format="json-ld", context=context, indent=1), out)
    return {"triples": len(g)}


# --------------------------------------------------------------------------- GraphML


def network(corpus: Any) -> Any:
    """The treaty network as a networkx MultiGraph: actor and instrument nodes, an edge per
    party (an actor that left and rejoined has an edge per spell).

    Node ids are ``actor:<id>`` and ``instrument:<id>``; an instrument node carries its dates
    (text, earliest and latest day); a party edge how and when the actor joined (and left),
    each date as its text and its earliest and latest day.
    """
    import networkx as nx

    def put(attrs: dict[str, Any], key: str, d: FuzzyDate | None) -> None:
        if d is not None:  # an open side ("after 1939") has no bound
            attrs[key] = d.text
            if d.open != "start":
                attrs[f"{key}_earliest"] = d.earliest.isoformat()
            if d.open != "end":
                attrs[f"{key}_latest"] = d.latest.isoformat()

    g = nx.MultiGraph(name=corpus.metadata.name)
    for a in corpus.actors:
        g.add_node(f"actor:{a.id}", kind="actor", id=a.id, name=a.name, actor_kind=a.kind)
    for i in corpus.instruments:
        attrs = {"kind": "instrument", "id": i.id, "name": i.name, "instrument_kind": i.kind}
        for key, d in (("signed", i.signed), ("in_force", i.in_force), ("ended", i.ended)):
            put(attrs, key, d)
        g.add_node(f"instrument:{i.id}", **attrs)
        for p in i.parties:
            edge: dict[str, Any] = {"how": p.how}
            put(edge, "date", p.date)
            put(edge, "until", p.until)
            g.add_edge(f"actor:{p.actor}", f"instrument:{i.id}", **edge)
    return g


def write_graphml(corpus: Any, out: Path) -> dict[str, Any]:
    import networkx as nx

    g = network(corpus)
    atomic_files([out], lambda tmps: nx.write_graphml(g, tmps[0]))
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


# --------------------------------------------------------------------------- timelines


def _tl_date(d: date) -> dict[str, str]:
    return {"year": str(d.year), "month": str(d.month), "day": str(d.day)}


def _quotes_html(corpus: Any, qs: list[Any]) -> str:
    return "".join(f"<blockquote>{_esc(q.quote)}</blockquote>" for q in qs)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def instrument_dates(i: Any) -> str:
    """An instrument's dates as the sources give them, for display."""
    parts = [
        f"{what} {d.text}"
        for what, d in (("signed", i.signed), ("in force", i.in_force), ("ended", i.ended))
        if d is not None
    ]
    if i.ended is None:
        parts.append("no end recorded")
    return "; ".join(parts)


def last_day(corpus: Any) -> date:
    """The latest day any date of the corpus may be: where an instrument with no recorded end
    is drawn to (it is in force as far as the corpus knows)."""
    days = [e.date.latest for e in corpus.events]
    for i in corpus.instruments:
        days += [d.latest for d in (i.signed, i.in_force, i.ended) if d is not None]
        days += [d.latest for p in i.parties for d in (p.date, p.until) if d is not None]
    return max(days, default=date.today())


def timelinejs(corpus: Any) -> dict[str, Any]:
    """A TimelineJS document: every event and instrument, fuzzy dates as ranges; an instrument
    runs from entry into force (or signature) to its end (or the corpus's last day), with its
    dates as the sources give them as ``display_date``."""
    slides = []
    open_end = last_day(corpus)
    for e in corpus.events:
        slide: dict[str, Any] = {
            "unique_id": f"event-{e.id}",
            "start_date": _tl_date(e.date.earliest),
            "display_date": e.date.text,
            "group": e.type.replace("_", " "),
            "text": {"headline": _esc(e.summary), "text": _quotes_html(corpus, e.sources)},
        }
        if not e.date.exact:
            slide["end_date"] = _tl_date(e.date.latest)
        slides.append(slide)
    for i in corpus.instruments:
        start = i.in_force or i.signed
        if start is None:
            continue
        end = i.ended.latest if i.ended is not None else open_end
        slide = {
            "unique_id": f"instrument-{i.id}",
            "start_date": _tl_date(start.earliest),
            "end_date": _tl_date(max(end, start.latest)),
            "display_date": instrument_dates(i),
            "group": "instruments",
            "text": {
                "headline": _esc(i.name),
                "text": "Parties: " + ", ".join(p.actor for p in i.parties),
            },
        }
        slides.append(slide)
    slides.sort(
        key=lambda s: (
            int(s["start_date"]["year"]),
            int(s["start_date"]["month"]),
            int(s["start_date"]["day"]),
            s["unique_id"],
        )
    )
    return {
        "title": {
            "text": {
                "headline": _esc(corpus.metadata.title or corpus.metadata.name),
                "text": _esc(corpus.metadata.description),
            }
        },
        "events": slides,
    }


def vis_items(corpus: Any) -> dict[str, Any]:
    """vis-timeline ``items`` and ``groups``: events (points, or ranges when fuzzy) and
    instruments (ranges from entry into force, or signature, to end; an instrument with no
    recorded end runs to the corpus's last day, class ``open-ended``), each with its dates
    as the sources give them (``title``)."""
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    open_end = last_day(corpus)
    for e in corpus.events:
        groups.setdefault(e.type, {"id": e.type, "content": e.type.replace("_", " ")})
        item: dict[str, Any] = {
            "id": f"event:{e.id}",
            "group": e.type,
            "content": _esc(e.summary),
            "start": e.date.earliest.isoformat(),
            "title": e.date.text,
            "type": "point",
        }
        if not e.date.exact:
            item["end"] = (e.date.latest + timedelta(days=1)).isoformat()
            item["type"] = "range"
            item["className"] = "fuzzy"
        items.append(item)
    for i in corpus.instruments:
        start = i.in_force or i.signed
        if start is None:
            continue
        groups.setdefault("instruments", {"id": "instruments", "content": "instruments"})
        end = i.ended.latest if i.ended is not None else open_end
        item = {
            "id": f"instrument:{i.id}",
            "group": "instruments",
            "content": _esc(i.name),
            "start": start.earliest.isoformat(),
            "end": (max(end, start.latest) + timedelta(days=1)).isoformat(),
            "title": instrument_dates(i),
            "type": "range",
        }
        if i.ended is None:
            item["className"] = "open-ended"
        items.append(item)
    return {"items": items, "groups": sorted(groups.values(), key=lambda g: g["id"])}


def _write_json(data: dict[str, Any], out: Path) -> None:
    _write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", out)


def write_timelinejs(corpus: Any, out: Path) -> dict[str, Any]:
    data = timelinejs(corpus)
    _write_json(data, out)
    return {"slides": len(data["events"])}


def write_vis(corpus: Any, out: Path) -> dict[str, Any]:
    data = vis_items(corpus)
    _write_json(data, out)
    return {"items": len(data["items"])}


# --------------------------------------------------------------------------- tables

#: Extra columns of the fluents table in exports: time points as days (docs/decisions/0001).
FLUENT_DAYS = [
    sqlglot.parse_one(
        "CAST('0001-01-01' AS DATE) + CAST(start - 1 AS INTEGER) AS from_day", read="duckdb"
    ),
    sqlglot.parse_one(
        'CASE WHEN "end" IS NULL THEN NULL '
        "ELSE CAST('0001-01-01' AS DATE) + CAST(\"end\" - 2 AS INTEGER) END AS to_day",
        read="duckdb",
    ),
]


#: The tables of the database's ``main`` schema, by name.
_MAIN_TABLES = sqlglot.parse_one(
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'main' ORDER BY table_name",
    read="duckdb",
)


def write_tables(kb: Any, out: Path, fmt: str) -> dict[str, Any]:
    """Every table of the built database as ``<out>/<table>.<csv|parquet>``: each written
    beside its file first, and all renamed onto theirs once every one is written (a full disk
    leaves the folder as it was)."""
    out.mkdir(parents=True, exist_ok=True)
    con = kb.connect()
    # the knowledge base reads its few rows on one thread; a whole table's copy uses every core
    con.execute(set_setting("threads", os.cpu_count() or 1))
    written: dict[str, int] = {}
    try:
        tables = [r[0] for r in con.execute(_MAIN_TABLES.sql("duckdb")).fetchall()]

        def copy_all(tmps: list[Path]) -> None:
            for t, tmp in zip(tables, tmps, strict=True):
                table = exp.to_table(t, quoted=True)
                cols = [exp.Star(), *FLUENT_DAYS] if t in ("fluents", "scenario_fluents") else ["*"]
                kind = "PARQUET" if fmt == "parquet" else "CSV"
                params = [exp.CopyParameter(this=exp.var("FORMAT"), expression=exp.var(kind))]
                if fmt != "parquet":
                    params.append(exp.CopyParameter(this=exp.var("HEADER")))
                copy = exp.Copy(
                    this=exp.Subquery(this=exp.select(*cols).from_(table)),
                    kind=False,
                    files=[exp.Literal.string(str(tmp.resolve()))],
                    params=params,
                )
                con.execute(copy.sql("duckdb"))
                count = exp.select(exp.Count(this=exp.Star())).from_(table)
                written[t] = con.execute(count.sql("duckdb")).fetchone()[0]

        atomic_files([out / f"{t}.{fmt}" for t in tables], copy_all)
    finally:
        con.close()
    return {"tables": written}


Writer = Callable[..., dict[str, Any]]
FORMATS: dict[str, Writer] = {
    "turtle": write_turtle,
    "jsonld": write_jsonld,
    "graphml": write_graphml,
    "timelinejs": write_timelinejs,
    "vis": write_vis,
    "csv": lambda kb, out: write_tables(kb, out, "csv"),
    "parquet": lambda kb, out: write_tables(kb, out, "parquet"),
}
ALIASES = {
    "ttl": "turtle",
    "rdf": "turtle",
    "json-ld": "jsonld",
    "timeline": "timelinejs",
    "vis-timeline": "vis",
}


def export(kb: Any, fmt: str, out: Path, base: str | None = None) -> dict[str, Any]:
    """Write ``kb`` (a :class:`~foedus.query.KnowledgeBase`) in format ``fmt`` to ``out``;
    ``base`` names the records of an RDF export (turtle, jsonld)."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    if base is not None:
        if name not in ("turtle", "jsonld"):
            raise UserError(
                f"--base names RDF records: it applies to turtle and jsonld, not {name}"
            )
        check_base(base)
    if name in ("turtle", "jsonld"):
        out.parent.mkdir(parents=True, exist_ok=True)
        info = FORMATS[name](kb.corpus, out, base)
        info["base"] = base_iri(kb.corpus, base)
    elif name not in ("csv", "parquet"):
        out.parent.mkdir(parents=True, exist_ok=True)
        info = FORMATS[name](kb.corpus, out)
    else:
        info = FORMATS[name](kb, out)
    return {"format": name, "path": str(out), **info}
