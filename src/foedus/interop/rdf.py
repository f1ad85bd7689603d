"""The RDF graph of a corpus (``foedus export turtle|jsonld``): actors, instruments (parties,
clauses, norms), events and quotes in the foedus vocabulary (``vocab.ttl`` beside this
module), with Wikidata properties where they fit (P31, P580, P582, P585, P710, P1891).
:mod:`foedus.interop.exports` writes it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from foedus.errors import UserError
from foedus.model import FuzzyDate

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

    quoted = iter(range(1, 1 << 62))

    def quotes(subject: Any, qs: list[Any]) -> None:
        for q in qs:
            # labelled in the corpus's order, so that the same corpus gives the same file
            b = BNode(f"quote{next(quoted)}")
            g.add((subject, prov.wasDerivedFrom, b))
            g.add((b, RDF.type, prov.Entity))
            g.add((b, prov.value, Literal(q.quote)))
            src = corpus.source_of(q.source)
            if src:
                g.add((b, prov.wasQuotedFrom, node("source", src)))

    for ident in corpus.sources:
        g.add((node("source", ident), RDF.type, prov.Entity))
        g.add((node("source", ident), fd.id, Literal(ident)))

    def named(kind: str, cls: URIRef, r: Any) -> URIRef:
        """The node of an actor or instrument ``r``: its class, name, id, kind and aliases."""
        s = node(kind, r.id)
        g.add((s, wdt.P31, cls))
        g.add((s, RDFS.label, Literal(r.name)))
        g.add((s, fd.id, Literal(r.id)))
        g.add((s, fd.kind, Literal(r.kind)))
        for n in r.aliases:
            g.add((s, fd.alias, Literal(n)))
        return s

    for a in corpus.actors:
        s = named("actor", fd.Actor, a)
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
        if ("actor", a.id) in corpus.hypothetical_ids:
            g.add((s, fd.hypothetical, Literal(True)))
        quotes(s, a.sources)
    for i in corpus.instruments:
        s = named("instrument", fd.Instrument, i)
        point(s, wdt.P585, i.signed)  # point in time (of signature)
        dates(s, i.signed, "signed")
        point(s, wdt.P580, i.in_force or i.signed)  # start time
        dates(s, i.in_force, "inForce")
        point(s, wdt.P582, i.ended)  # end time
        dates(s, i.ended, "ended")
        if i.amends:
            g.add((s, fd.amends, node("instrument", i.amends)))
        for other in i.supersedes:
            g.add((s, fd.supersedes, node("instrument", other)))
        if i.political:
            g.add((s, fd.political, Literal(True)))
        if i.hypothetical:
            g.add((s, fd.hypothetical, Literal(True)))
        for k, p in enumerate(i.parties):
            if p.how in SIGNED:  # signatory: not a party by accession, adherence, succession
                g.add((s, wdt.P1891, node("actor", p.actor)))
            g.add((s, wdt.P710, node("actor", p.actor)))  # participant
            pn = URIRef(f"{s}/party/{k}")
            g.add((s, fd.party, pn))
            g.add((pn, RDF.type, fd.Party))
            g.add((pn, fd.actor, node("actor", p.actor)))
            g.add((pn, fd.how, Literal(p.how)))
            if i.hypothetical:  # an assumed instrument's parties, clauses, norms are assumed
                g.add((pn, fd.hypothetical, Literal(True)))
            if p.via:
                g.add((pn, fd.via, node("actor", p.via)))
            dates(pn, p.date, "joined")
            dates(pn, p.until, "left")
            quotes(pn, p.sources)
        for c in i.clauses:
            cn = URIRef(f"{s}/clause/{c.id}")
            g.add((s, fd.clause, cn))
            g.add((cn, RDF.type, fd.Clause))
            g.add((cn, fd.id, Literal(c.id)))
            g.add((cn, fd.text, Literal(c.text)))
            if i.hypothetical:
                g.add((cn, fd.hypothetical, Literal(True)))
            src = corpus.source_of(c.source)
            if src and not i.hypothetical:  # an overlay's clause is assumed, not quoted
                g.add((cn, prov.wasQuotedFrom, node("source", src)))
            if c.article:
                g.add((cn, fd.article, Literal(c.article)))
            if c.norm is not None:
                nn = URIRef(f"{cn}/norm")
                g.add((cn, fd.norm, nn))
                g.add((nn, RDF.type, fd.Norm))
                g.add((nn, fd.normKind, Literal(c.norm.kind)))
                if i.hypothetical:
                    g.add((nn, fd.hypothetical, Literal(True)))
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
        if e.mode:
            g.add((s, fd.mode, Literal(e.mode)))
        if e.justification:
            g.add((s, fd.justification, Literal(e.justification)))
        if e.hypothetical:
            g.add((s, fd.hypothetical, Literal(True)))
        quotes(s, e.sources)
    for cat in corpus.categories:
        s = node("category", cat.id)
        g.add((s, RDF.type, fd.Category))
        g.add((s, RDFS.label, Literal(cat.name)))
        g.add((s, fd.id, Literal(cat.id)))
        if ("category", cat.id) in corpus.hypothetical_ids:
            g.add((s, fd.hypothetical, Literal(True)))
        for t in cat.event_types:
            g.add((s, fd.eventTypeIn, fd[f"type/{t}"]))
        quotes(s, cat.sources)
    return g


#: How a party joined that makes it a signatory (``wdt:P1891``): it signed, or ratified what
#: it signed; a state that accedes, adheres or succeeds did not sign.
SIGNED = ("signature", "ratification")
