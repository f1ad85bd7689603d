"""Typed records of a corpus: actors, sources and quotes, instruments, clauses, norms, events.

These are the records a corpus's YAML files are validated into (docs/corpus-format.md). Dates
are :class:`~foedus.model.dates.FuzzyDate`; actor and instrument references are slugs.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from foedus.model.dates import FuzzyDate
from foedus.model.vocabulary import EVENT_TYPES, NORM_KINDS

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]


def _coerce_date(value: Any) -> Any:
    if value is None or isinstance(value, FuzzyDate):
        return value
    return FuzzyDate.coerce(value)


Date = Annotated[FuzzyDate, BeforeValidator(_coerce_date)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


class Quote(Record):
    """A verbatim passage of a source; ``source`` defaults to the corpus's only source."""

    source: str = ""
    quote: str = Field(min_length=1)


def _coerce_quotes(value: Any) -> Any:
    if isinstance(value, str):
        return [{"quote": value}]
    if isinstance(value, list):
        return [{"quote": v} if isinstance(v, str) else v for v in value]
    return value


Quotes = Annotated[list[Quote], BeforeValidator(_coerce_quotes)]


class Actor(Record):
    """A state or other international person, with every name it goes by."""

    id: Slug
    name: str
    kind: Literal[
        "state",
        "government",
        "organisation",
        "administrative-entity",
        "republic",
        "people",
        "other",
    ] = "state"
    aliases: list[str] = Field(default_factory=list)
    iso3166: list[str] = Field(default_factory=list)
    cow: list[int] = Field(default_factory=list)
    wikidata: list[Annotated[str, Field(pattern=r"^Q[0-9]+$")]] = Field(default_factory=list)
    predecessor: str | None = None
    successor: str | None = None
    part_of: str | None = None
    existed_from: Date | None = None
    existed_to: Date | None = None
    demonyms: list[str] = Field(default_factory=list)
    """Words for the actor's people or its adjective ("Estonian", "Estonians", "Soviet"): a
    question that uses one means the actor (``foedus ask``)."""
    capital: str | None = None
    """The actor's capital, where the corpus's source names it: a question may name the actor
    by it ("linked Latvia and Moscow")."""
    sources: Quotes = Field(default_factory=list)
    notes: str | None = None

    def names(self) -> list[str]:
        """Every name the actor answers to: id, name, aliases and codes."""
        return [
            self.id,
            self.name,
            *self.aliases,
            *self.iso3166,
            *(str(c) for c in self.cow),
            *self.wikidata,
        ]


class Party(Record):
    """How and when an actor became a party to an instrument."""

    actor: str
    how: Literal["signature", "ratification", "adherence", "accession", "succession"]
    date: Date
    until: Date | None = None
    via: str | None = None  # for succession: the predecessor whose party status passed on
    sources: Quotes = Field(default_factory=list)
    notes: str | None = None


class Norm(Record):
    """What a clause makes executable.

    ``kind`` is one of :data:`~foedus.model.vocabulary.NORM_KINDS`. ``categories`` are the act
    categories it concerns (corpus ``categories.yaml``). ``bearers`` are the parties bound by
    it (default: every party); ``beneficiaries`` the parties it protects (default: every other
    party).
    """

    kind: str
    categories: list[str] = Field(default_factory=list)
    bearers: list[str] | None = None
    beneficiaries: list[str] | None = None
    description: str | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in NORM_KINDS:
            raise ValueError(f"unknown norm kind {v!r}; known kinds: {', '.join(NORM_KINDS)}")
        return v


class Clause(Record):
    """A clause of an instrument: its verbatim text and, where it binds, a norm."""

    id: Slug
    article: str | None = None
    text: str = Field(min_length=1)
    source: str = ""
    norm: Norm | None = None
    notes: str | None = None

    @property
    def article_label(self) -> str | None:
        """The article as a reader names it: a bare number or Roman numeral gets "Article"
        before it (``II`` -> ``Article II``, ``2(1)`` -> ``Article 2(1)``); anything else is
        as written (``Article 2``, ``Art. 2``, ``Sole article``, ``Annex to Article III``).

        >>> labels = ("II", "Art. 2", "Sole article", "Annex to Article III")
        >>> [Clause(id="c", text="t", article=a).article_label for a in labels]
        ['Article II', 'Art. 2', 'Sole article', 'Annex to Article III']
        """
        if not self.article:
            return None
        bare = re.match(r"(?:[0-9]+|[IVXLCDM]+)\b", self.article)
        return f"Article {self.article}" if bare else self.article


class Instrument(Record):
    """A treaty, pact, protocol, convention, declaration, charter or accords."""

    id: Slug
    name: str
    kind: Literal[
        "treaty",
        "pact",
        "protocol",
        "secret-protocol",
        "convention",
        "declaration",
        "charter",
        "accords",
        "resolution",
        "agreement",
    ]
    aliases: list[str] = Field(default_factory=list)
    signed: Date | None = None
    in_force: Date | None = None
    ended: Date | None = None
    amends: str | None = None
    supersedes: list[str] = Field(default_factory=list)
    """Instruments this one replaces: each ends when this one enters into force."""
    political: bool = False
    """A political instrument (non-aggression, alliance, spheres of influence): in the
    de-facto view the outbreak of war between its parties ends it
    (docs/decisions/0008-how-instruments-end.md)."""
    parties: list[Party] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    sources: Quotes = Field(default_factory=list)
    notes: str | None = None
    hypothetical: bool = False  # set for an overlay's (--assume) instruments


class Event(Record):
    """Something that happened on a (possibly fuzzy) date, done by actors to targets."""

    id: Slug
    type: str
    date: Date
    actors: list[str] = Field(default_factory=list)
    """Who did it; empty only where ``perpetrator`` is ``unknown``."""
    perpetrator: Literal["unknown"] | None = None
    """``unknown``: the source does not say who did it (an unattributed shelling); the event
    then names no actor (none is invented) and gives the rules no happening."""
    targets: list[str] = Field(default_factory=list)
    instrument: str | None = None
    mode: Literal["de-jure", "de-facto"] | None = None
    summary: str
    sources: Quotes = Field(default_factory=list)
    justification: str | None = None
    notes: str | None = None
    hypothetical: bool = False

    @field_validator("type")
    @classmethod
    def _known_type(cls, v: str) -> str:
        if v not in EVENT_TYPES:
            raise ValueError(f"unknown event type {v!r}")
        return v

    @model_validator(mode="after")
    def _someone_did_it(self) -> Event:
        if not self.actors and self.perpetrator is None:
            raise ValueError(
                "an event needs at least one actor (or perpetrator: unknown, when the source "
                "does not say who did it)"
            )
        if self.actors and self.perpetrator == "unknown":
            raise ValueError("an event whose perpetrator is unknown names no actors")
        return self


class ActCategory(Record):
    """A category of acts that norms name (e.g. ``aggression``) and the event types in it."""

    id: Slug
    name: str
    event_types: list[str]
    sources: Quotes = Field(default_factory=list)
    notes: str | None = None


class Perspective(Record):
    """A named legal view: a set of rule files added to the base rules."""

    id: Slug
    name: str
    description: str
    rules: list[str] = Field(default_factory=list)
    replaces: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)
    """Words a question may use to name this perspective besides its id and name: phrases
    ("de jure", "in law") and the names of those who hold it ("Moscow", "the Western
    governments"); "according to", "in the eyes of", "under" and the like are understood
    around each (``foedus ask``, docs/questions.md)."""
    sources: Quotes = Field(default_factory=list)


class Group(BaseModel):
    """Actors a corpus names together ("the Baltic states"), declared in ``corpus.yaml``: a
    question about the group asks about each member."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: Slug
    name: str
    aliases: list[str] = Field(default_factory=list)
    members: list[str] = Field(min_length=2)
    sources: Quotes = Field(default_factory=list)
    notes: str | None = None


class CorpusFile(Record):
    """The top level of one YAML file of a corpus; every list is optional."""

    actors: list[Actor] = Field(default_factory=list)
    instruments: list[Instrument] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    categories: list[ActCategory] = Field(default_factory=list)
    perspectives: list[Perspective] = Field(default_factory=list)
