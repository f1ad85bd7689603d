"""Turn a corpus into what the engines read: a narrative of happenings and static facts.

Everything the rules can see of a corpus is made here, in one place, and documented in
docs/rule-language.md ("What the corpus gives the rules"):

- every actor ``X``: ``comes_into_existence(X)`` on its ``existed_from`` (or, when the corpus
  gives none, at :data:`BEGINNING`, or on the calendar's first day if ``X`` ceased to exist
  before that: :func:`undated_beginning`), ``ceases_to_exist(X)`` on its ``existed_to``;
  ``succession(P, X)`` on ``X``'s ``existed_from`` when ``P`` is its predecessor;
- every instrument ``T``: ``signed(T)``, ``enter_into_force(T)`` (on ``in_force``, else on
  ``signed``), ``end(T)``; every party ``X``: ``join(X, T)`` on the day it joined (however it
  joined) and ``leave(X, T)`` on its ``until``;
- every event of type ``E`` by actor ``A``: ``E(A)``, and ``E(A, B)`` for every target ``B``;
- every event of type ``denunciation`` or ``withdrawal_from_treaty`` that names an
  ``instrument`` ``T``: ``denounce(A, T)`` or ``withdraw(A, T)`` for each actor ``A``
  (:data:`foedus.model.vocabulary.INSTRUMENT_ACTS`);
- facts: ``state(X)`` for actors of kind state; ``forbids(T, C, X, Y, E)``: clause ``C`` of
  ``T`` forbids its bearer ``X`` acts of event type ``E`` towards ``Y`` (from norms of kind
  prohibition, obligation, renunciation and guarantee, their categories, bearers and
  beneficiaries; bearers pass on to their successors); ``political(T)`` for instruments
  marked ``political``; ``bilateral(T)`` for instruments of exactly two sides
  (:func:`sides`: a party that took over another party's part by succession is that
  party's side, not a third one);
  ``supersedes(N, T)`` when ``N`` replaces ``T``; ``body_of(B, X)`` for an actor ``B`` whose
  ``part_of`` is ``X`` (an assembly or government of a state).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from foedus.engine.narrative import Facts, Happening
from foedus.engine.timepoints import event_point
from foedus.model import FuzzyDate
from foedus.model.vocabulary import INSTRUMENT_ACTS

BEGINNING = date(1800, 1, 1)

#: Norm kinds whose categories name acts that breach the clause.
BREACHABLE_KINDS = ("prohibition", "obligation", "renunciation", "guarantee")


def _at(name: str, args: tuple[str, ...], when: FuzzyDate, ident: str | None) -> Happening:
    return Happening(name, args, event_point(when.earliest), event_point(when.latest), ident)


def undated_beginning(existed_to: FuzzyDate | None) -> date:
    """The day an actor that the corpus gives no ``existed_from`` comes into existence: the
    engine's first day, :data:`BEGINNING`, unless it ceased to exist earlier (an
    ``existed_to`` whose earliest day is before it): then the first day of the calendar, so
    that it exists until its end rather than coming back into existence after it."""
    if existed_to is not None and existed_to.earliest < BEGINNING:
        return date.min
    return BEGINNING


def _begin(name: str, args: tuple[str, ...], day: date, ident: str | None) -> Happening:
    p = event_point(day)
    return Happening(name, args, p, p, ident)


def happenings(corpus: Any) -> list[Happening]:
    """The narrative of a corpus, in no particular order."""
    out: list[Happening] = []
    for actor in corpus.actors:
        ident = f"actor:{actor.id}"
        if actor.existed_from is not None:
            out.append(_at("comes_into_existence", (actor.id,), actor.existed_from, ident))
            if actor.predecessor:
                out.append(
                    _at("succession", (actor.predecessor, actor.id), actor.existed_from, ident)
                )
        else:
            day = undated_beginning(actor.existed_to)
            out.append(_begin("comes_into_existence", (actor.id,), day, ident))
        if actor.existed_to is not None:
            out.append(_at("ceases_to_exist", (actor.id,), actor.existed_to, ident))
    for ins in corpus.instruments:
        ident = f"instrument:{ins.id}"
        if ins.signed is not None:
            out.append(_at("signed", (ins.id,), ins.signed, ident))
        start = ins.in_force or ins.signed
        if start is not None:
            out.append(_at("enter_into_force", (ins.id,), start, ident))
        if ins.ended is not None:
            out.append(_at("end", (ins.id,), ins.ended, ident))
        for party in ins.parties:
            pid = f"party:{ins.id}:{party.actor}:{party.how}"
            out.append(_at("join", (party.actor, ins.id), party.date, pid))
            if party.until is not None:
                out.append(_at("leave", (party.actor, ins.id), party.until, pid))
    for ev in corpus.events:
        act = INSTRUMENT_ACTS.get(ev.type) if ev.instrument else None
        for a in ev.actors:
            out.append(_at(ev.type, (a,), ev.date, ev.id))
            for b in ev.targets:
                out.append(_at(ev.type, (a, b), ev.date, ev.id))
            if act is not None:
                out.append(_at(act, (a, ev.instrument), ev.date, ev.id))
    return out


def successors(corpus: Any) -> dict[str, list[str]]:
    """Each actor's chain of successors: ``{"rsfsr": ["ussr", "russia"], ...}``."""
    nxt: dict[str, str] = {}
    for actor in corpus.actors:
        if actor.predecessor:
            nxt[actor.predecessor] = actor.id
        if actor.successor:
            nxt.setdefault(actor.id, actor.successor)
    chains: dict[str, list[str]] = {}
    for start in nxt:
        chain, cur = [], start
        while cur in nxt and nxt[cur] not in chain and nxt[cur] != start:
            cur = nxt[cur]
            chain.append(cur)
        chains[start] = chain
    return chains


NormFactors = tuple[set[tuple[str, str, str]], set[tuple[str, str, str]], set[tuple[str, str, str]]]
"""A corpus's breachable norms as three sets of ``(instrument, clause, x)``: the bearers,
the beneficiaries and the event types."""


def norm_factors(corpus: Any) -> NormFactors:
    """Every breachable norm's bearers and beneficiaries (each with its successors; a norm
    that names none: every party of its instrument) and event types, one set each: what
    :func:`norm_rows` is the product of (:data:`foedus.engine.from_tables.NORM_FACTORS`)."""
    types_of = {c.id: list(c.event_types) for c in corpus.categories}
    chains = successors(corpus)
    bearers: set[tuple[str, str, str]] = set()
    beneficiaries: set[tuple[str, str, str]] = set()
    types: set[tuple[str, str, str]] = set()
    for ins in corpus.instruments:
        parties = sorted({p.actor for p in ins.parties})
        for clause in ins.clauses:
            norm = clause.norm
            if norm is None or norm.kind not in BREACHABLE_KINDS:
                continue
            for out, named in ((bearers, norm.bearers), (beneficiaries, norm.beneficiaries)):
                for a in named or parties:
                    out.update((ins.id, clause.id, x) for x in (a, *chains.get(a, [])))
            types.update(
                (ins.id, clause.id, t) for cat in norm.categories for t in types_of.get(cat, [])
            )
    return bearers, beneficiaries, types


def norm_rows(corpus: Any) -> list[tuple[str, str, str, str, str]]:
    """``(instrument, clause, bearer, beneficiary, event_type)`` for every breachable norm:
    the product of its :func:`norm_factors`, a bearer never its own beneficiary."""
    bearers, beneficiaries, types = norm_factors(corpus)
    ys: dict[tuple[str, str], list[str]] = {}
    ts: dict[tuple[str, str], list[str]] = {}
    for ins, clause, y in beneficiaries:
        ys.setdefault((ins, clause), []).append(y)
    for ins, clause, t in types:
        ts.setdefault((ins, clause), []).append(t)
    return sorted(
        (ins, clause, x, y, t)
        for ins, clause, x in bearers
        for y in ys.get((ins, clause), [])
        if x != y
        for t in ts.get((ins, clause), [])
    )


def sides(instrument: Any, predecessors: Mapping[str, str | None]) -> set[str]:
    """The parties of an instrument that make its sides: every party but one that came by
    succession (``how: succession``) from another party of the same instrument (its ``via``,
    else the actor's ``predecessor``), which continues that party's side. So a treaty of
    Estonia and the RSFSR, with the USSR its successor, has two sides, and is bilateral.
    ``predecessors`` maps an actor to its predecessor."""
    parties = {p.actor for p in instrument.parties}
    out: set[str] = set()
    for p in instrument.parties:
        via = p.via or predecessors.get(p.actor)
        if p.how == "succession" and via in parties and via != p.actor:
            continue
        out.add(p.actor)
    return out


def facts(corpus: Any) -> Facts:
    """The static facts of a corpus (see the module docstring)."""
    predecessors = {a.id: a.predecessor for a in corpus.actors}
    return {
        "state": {(a.id,) for a in corpus.actors if a.kind == "state"},
        "forbids": set(norm_rows(corpus)),
        "political": {(i.id,) for i in corpus.instruments if i.political},
        "bilateral": {(i.id,) for i in corpus.instruments if len(sides(i, predecessors)) == 2},
        "supersedes": {(i.id, old) for i in corpus.instruments for old in i.supersedes},
        "body_of": {(a.id, a.part_of) for a in corpus.actors if a.part_of},
    }
