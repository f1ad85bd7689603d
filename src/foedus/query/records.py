"""Records as the public JSON shapes (the contract: :mod:`foedus.contract`).

Ref ``{"id", "name"}``; Date ``{"earliest", "latest", "text"}``; Event; Instrument with parties
and clauses. Names come from the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from foedus.corpus.corpus import Corpus
from foedus.corpus.kept import KeptRecords, names
from foedus.engine.from_corpus import sides
from foedus.model import Event, FuzzyDate, Instrument, Quote
from foedus.model.vocabulary import INSTRUMENT_ACTS
from foedus.shapes import Json


class Renderer:
    """Turns a corpus's records into JSON-ready dicts; names come from the corpus."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._names = {a.id: a.name for a in corpus.actors}
        self._instruments: dict[str, str] | None = None  # made when first asked for
        self._left: dict[tuple[str, str], list[FuzzyDate]] | None = None  # likewise
        self._predecessors: dict[str, str | None] | None = None  # likewise
        self._superseded: dict[str, list[FuzzyDate]] | None = None  # likewise

    def _instrument_name(self, instrument_id: str) -> str:
        """An instrument's name (a Parquet corpus's instruments are not all made to render
        an answer that names none)."""
        if self._instruments is None:
            self._instruments = {iid: name for iid, name, _ in names(self.corpus.instruments)}
        return self._instruments.get(instrument_id, instrument_id)

    def _until(self, instrument_id: str, actor_id: str, joined: FuzzyDate) -> FuzzyDate | None:
        """When ``actor_id``, a party from ``joined``, left the instrument by an event (a
        denunciation or withdrawal naming it, the first after ``joined``), else None. The
        YAML and overlay events only: a Parquet table's events name no instrument."""
        if self._left is None:
            self._left = {}
            for e in self.corpus.untabled().events:
                if e.type in INSTRUMENT_ACTS and e.instrument:
                    for a in e.actors:
                        self._left.setdefault((e.instrument, a), []).append(e.date)
        after = [
            d for d in self._left.get((instrument_id, actor_id), ()) if d.latest >= joined.earliest
        ]
        return min(after, key=lambda d: (d.earliest, d.latest)) if after else None

    def _ended(self, i: Instrument) -> FuzzyDate | None:
        """When an instrument ended: its ``ended``, else the first of the entry into force
        of an instrument that supersedes it and, for a bilateral one (two sides, as the
        rules count them: :func:`foedus.engine.from_corpus.sides`), a denunciation of or
        withdrawal from it by a party, each of which ends it in every view
        (docs/corpus-format.md), else None."""
        if i.ended is not None:
            return i.ended
        if self._predecessors is None:
            self._predecessors = {a.id: a.predecessor for a in self.corpus.actors}
        if self._superseded is None:
            self._superseded = {}
            for n in _superseding(self.corpus.untabled().instruments):
                when = n.in_force or n.signed
                if when is not None:
                    for old in n.supersedes:
                        self._superseded.setdefault(old, []).append(when)
        ends = list(self._superseded.get(i.id, ()))
        if len(sides(i, self._predecessors)) == 2:
            ends += [
                d
                for p in i.parties
                if (d := self._until(i.id, p.actor, p.date)) is not None and p.until is None
            ]
        return min(ends, key=lambda d: (d.earliest, d.latest)) if ends else None

    def ref(self, actor_id: str | None) -> Json | None:
        if actor_id is None:
            return None
        return {"id": actor_id, "name": self._names.get(actor_id, actor_id)}

    def instrument_ref(self, instrument_id: str | None) -> Json | None:
        if instrument_id is None:
            return None
        return {"id": instrument_id, "name": self._instrument_name(instrument_id)}

    def refs(self, ids: Iterable[str] | None) -> list[Json] | None:
        return None if ids is None else [self.ref(i) for i in ids]  # type: ignore[misc]

    def quotes(self, quotes: Iterable[Quote]) -> list[Json]:
        return [{"source": self.corpus.source_of(q.source), "quote": q.quote} for q in quotes]

    def event(self, e: Event) -> Json:
        return {
            "id": e.id,
            "type": e.type,
            "date": date_json(e.date),
            "actors": self.refs(e.actors),
            "targets": self.refs(e.targets),
            "summary": e.summary,
            "sources": self.quotes(e.sources),
            "justification": e.justification,
            "notes": e.notes,
            "instrument": self.instrument_ref(e.instrument),
            "mode": e.mode,
            "hypothetical": e.hypothetical,
        }

    def instrument(self, i: Instrument) -> Json:
        return {
            "id": i.id,
            "name": i.name,
            "kind": i.kind,
            "aliases": list(i.aliases),
            "signed": date_json(i.signed),
            "in_force": date_json(i.in_force),
            "ended": date_json(self._ended(i)),
            "parties": [
                {
                    "actor": self.ref(p.actor),
                    "how": p.how,
                    "date": date_json(p.date),
                    "until": date_json(p.until or self._until(i.id, p.actor, p.date)),
                    "via": self.ref(p.via),
                    "sources": self.quotes(p.sources),
                }
                for p in i.parties
            ],
            "clauses": [
                {
                    "id": c.id,
                    "article": c.article,
                    "text": c.text,
                    # an overlay's clause is assumed, not quoted: it is in no source
                    "source": None if i.hypothetical else self.corpus.source_of(c.source),
                    "norm": None
                    if c.norm is None
                    else {
                        "kind": c.norm.kind,
                        "categories": list(c.norm.categories),
                        "bearers": self.refs(c.norm.bearers),
                        "beneficiaries": self.refs(c.norm.beneficiaries),
                        "description": c.norm.description,
                    },
                }
                for c in i.clauses
            ],
            "sources": self.quotes(i.sources),
            "notes": i.notes,
            "hypothetical": i.hypothetical,
        }


def date_json(d: FuzzyDate | None) -> Json | None:
    """A date as ``{"earliest", "latest", "text"}`` (ISO days), or None."""
    if d is None:
        return None
    return {"earliest": d.earliest.isoformat(), "latest": d.latest.isoformat(), "text": d.text}


def _superseding(instruments: Sequence[Instrument]) -> Iterator[Instrument]:
    """The instruments that supersede another; of a kept corpus (:class:`KeptRecords`, which
    keeps each one's ``supersedes`` beside its bytes) only those are made, not every one
    (GGO's 4,532 instruments took a warm command 1.2 s to make)."""
    listed = (
        getattr(instruments, "supersedes", None) if isinstance(instruments, KeptRecords) else None
    )
    if listed is None:
        yield from (n for n in instruments if n.supersedes)
        return
    for k, replaced in enumerate(listed):
        if replaced:
            yield instruments[k]
