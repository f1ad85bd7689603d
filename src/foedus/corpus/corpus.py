"""A loaded corpus: its typed records, source texts, rule files and where each value is written.

:mod:`.load` makes it from a folder; :mod:`.validate` checks it; the build and the queries read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from foedus.corpus import parquet
from foedus.corpus.folder import Loc, display
from foedus.model import ActCategory, Actor, Event, Group, Instrument, Perspective

KINDS: dict[str, type[BaseModel]] = {
    "actors": Actor,
    "instruments": Instrument,
    "events": Event,
    "categories": ActCategory,
    "perspectives": Perspective,
}
SINGULAR = {
    "actors": "actor",
    "instruments": "instrument",
    "events": "event",
    "categories": "category",
    "perspectives": "perspective",
}


class CorpusMeta(BaseModel):
    """The corpus's ``corpus.yaml``."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    name: str
    title: str = ""
    default_source: str | None = None
    default_perspective: str | None = None
    """The perspective answers are given under unless another is named (else the first of
    ``perspectives.yaml``)."""
    description: str = ""
    groups: list[Group] = Field(default_factory=list)
    """Actors the corpus names together ("the Baltic states"; ``foedus ask``)."""
    examples: list[str] = Field(default_factory=list)
    """Questions ``foedus ask`` suggests for this corpus (docs/questions.md)."""


@dataclass
class Salvaged:
    """What is left of a record that failed its schema (:mod:`.salvage`), to be checked
    against the corpus all the same: its well-typed fields, each field with an error empty.

    It is not one of the corpus's records (nothing refers to it, nothing is built from it);
    the validator checks its references, dates and quotes so that one run reports them
    beside its schema error (an event's ``mode: [1]`` and its unknown actor).
    """

    kind: str
    record: Any
    positions: dict[str | None, Loc]
    """Where its values are written, by path inside the record (None: the record)."""
    bad: frozenset[str]
    """Its top-level fields that have a schema error."""
    overlay: bool = False
    """Read from an overlay (``--assume``): hypothetical, and cites no source."""


@dataclass
class Corpus:
    """A loaded corpus: typed records, source texts, rule files and where each value is written.

    ``positions`` maps ``(kind, id, field)`` to a :data:`Loc`; ``kind`` is ``actor``,
    ``instrument``, ``event``, ``category`` or ``perspective``; ``field`` is ``None`` for the
    record itself or a path inside it such as ``"date"`` or ``"clauses[2].text"``.
    """

    path: Path
    metadata: CorpusMeta
    actors: list[Actor] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    categories: list[ActCategory] = field(default_factory=list)
    perspectives: list[Perspective] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    source_files: dict[str, Path] = field(default_factory=dict)
    rule_files: list[Path] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)
    """Rule files under ``rules/`` that could not be read (reported by the loader)."""
    positions: dict[tuple[str, str, str | None], Loc] = field(default_factory=dict)
    unplaced: list[tuple[Path, str]] = field(default_factory=list)
    """YAML files read without positions (:func:`.yamlread.read_fast`), each with its name as
    shown when it was read: ``positions`` holds their records at 1:1 until :meth:`place`
    reads where they are written."""
    content_hash: str = ""
    overlay: Path | None = None
    hypothetical_ids: set[tuple[str, str]] = field(default_factory=set)
    tables: dict[str, Path] = field(default_factory=dict)
    """The Parquet tables of a Parquet corpus by name (``events``, ``instruments``, ...);
    their records are read into ``events`` and ``instruments`` only when first used."""
    salvaged: list[Salvaged] = field(default_factory=list)
    """Records that failed their schema, as far as they can still be checked (empty in a
    corpus that loaded)."""
    added: dict[str, list[Any]] = field(default_factory=dict)
    """On a Parquet corpus with an overlay: the overlay's ``events`` and ``instruments``,
    which the build writes beside the tables' rows (and instead of those with their ids)."""

    def where(self, kind: str, id: str, *fields: str | None) -> Loc:
        """The position of the first of ``fields`` written for a record, else of the record."""
        self.place()
        for f in (*fields, None):
            loc = self.positions.get((kind, id, f))
            if loc is not None:
                return loc
        return (display(self.path), 1, 1)

    def place(self) -> None:
        """Read where the records of the files read without positions are written (once)."""
        while self.unplaced:
            path, shown = self.unplaced.pop()
            from foedus.corpus import yamlread  # here: a warm query reads no YAML

            self.positions.update(yamlread.record_positions(path, shown, self.path, SINGULAR))

    @property
    def default_source(self) -> str | None:
        """The source a quote without ``source`` comes from."""
        if self.metadata.default_source:
            return self.metadata.default_source
        if len(self.sources) == 1:
            return next(iter(self.sources))
        return None

    def source_of(self, given: str) -> str | None:
        """The source id a quote or clause cites (its own, else the default)."""
        return given or self.default_source

    def records(self) -> Iterator[tuple[str, Any]]:
        """Every top-level record with its kind."""
        for key, kind in SINGULAR.items():
            for rec in getattr(self, key):
                yield kind, rec

    def untabled(self) -> Corpus:
        """The corpus without the records its Parquet tables hold: its YAML records and an
        overlay's (``added``); itself when it has no tables."""
        if not self.tables:
            return self
        return replace(
            self,
            tables={},
            events=self.added.get("events", []) if "events" in self.tables else self.events,
            instruments=self.added.get("instruments", [])
            if "instruments" in self.tables
            else self.instruments,
        )

    def norm_clauses(self, kind: str) -> list[tuple[str, str, list[str]]]:
        """``(instrument, clause, categories)`` of every clause whose norm is of ``kind``, in
        the order of the instruments. A Parquet corpus whose instruments have not been made
        reads them from its clauses table (:func:`foedus.corpus.parquet.norm_clauses`), an
        overlay's instruments in place of the tables' of the same id and after them, as its
        records are ordered: making every instrument to find one clause cost the 10^6 world
        0.6 s."""
        records, replaced = self._records_beside_tables()
        found: list[tuple[str, str, list[str]]] = []
        if replaced is not None:
            found = [r for r in parquet.norm_clauses(self.tables, kind) if r[0] not in replaced]
        for ins in records:
            for c in ins.clauses:
                if c.norm is not None and c.norm.kind == kind:
                    found.append((ins.id, c.id, list(c.norm.categories)))
        return found

    def instruments_with_parties(self, actors: Iterable[str]) -> list[str]:
        """The ids of the instruments that list every one of ``actors`` among their parties,
        in the order of the instruments. A Parquet corpus whose instruments have not been
        made reads its parties table (:func:`foedus.corpus.parquet.instruments_with_parties`),
        an overlay's instruments in place of the tables' of the same id and after them:
        ``treaties --between`` made every instrument of the 10^6 world for it (0.84 s)."""
        wanted = set(actors)
        records, replaced = self._records_beside_tables()
        found: list[str] = []
        if replaced is not None:
            found = [
                i
                for i in parquet.instruments_with_parties(self.tables, wanted)
                if i not in replaced
            ]
        found += [ins.id for ins in records if {p.actor for p in ins.parties} >= wanted]
        return found

    def _records_beside_tables(self) -> tuple[Any, set[str] | None]:
        """The instrument records a question about every instrument reads one by one, and
        the ids whose rows of the instruments table they replace: for a Parquet corpus whose
        instruments have not been made, its overlay's (the table is read for the others);
        otherwise every record, and None (no table to read)."""
        records: Any = self.instruments
        if "instruments" in self.tables and not getattr(records, "loaded", True):
            added = self.added.get("instruments", [])
            return added, {r.id for r in added}
        return records, None

    def counts(self) -> dict[str, int]:
        """How many actors, instruments, events and quotes the corpus holds (a Parquet
        corpus's tables are counted in SQL: their records are not made)."""
        if self.tables:
            n = self.untabled().counts()
            t = parquet.counts(self.tables, [e.id for e in self.added.get("events", [])])
            return {k: n[k] + t.get(k, 0) for k in n}
        quotes = sum(len(rec.sources) for _, rec in self.records())
        quotes += sum(len(p.sources) for i in self.instruments for p in i.parties)
        quotes += sum(len(i.clauses) for i in self.instruments)
        return {
            "actors": len(self.actors),
            "instruments": len(self.instruments),
            "events": len(self.events),
            "quotes": quotes,
        }
