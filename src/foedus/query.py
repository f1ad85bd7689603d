"""The one query API that the CLI, the HTTP API and the web page call.

>>> kb = KnowledgeBase("tests/corpora/good")                      # doctest: +SKIP
>>> [e["id"] for e in kb.events(actor="the North")["events"]]    # doctest: +SKIP
['northland-independence', 'northland-restoration']

Every method returns the JSON shape of its command (docs and BRIEF); names of actors and
instruments are resolved through every alias; DAY arguments are ISO days.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from foedus import storage
from foedus.corpus import Corpus, Resolver, bundled_path, load_corpus, load_overlay
from foedus.corpus.validate import suggest
from foedus.errors import DateError, UnknownName
from foedus.model import EVENT_TYPES, parse_day
from foedus.render import Json, Renderer

DEFAULT_PERSPECTIVE = "de-facto"
Day = date | str | None


def as_day(value: Day, what: str = "day") -> date | None:
    """A DAY argument as a date: an ISO day or a date; :class:`DateError` names a bad value."""
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_day(value)
    except DateError:
        raise DateError(f"{what}: not an ISO day (YYYY-MM-DD): {value!r}") from None


def _lit(value: Any) -> exp.Expression:
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    return exp.Literal.string(str(value))


class KnowledgeBase:
    """A validated corpus (with an optional overlay) and its built database."""

    def __init__(self, corpus: str | Path | Corpus | None = None, *,
                 perspective: str = DEFAULT_PERSPECTIVE,
                 assume: str | Path | None = None) -> None:
        if isinstance(corpus, Corpus):
            loaded = corpus
        else:
            loaded = load_corpus(Path(corpus) if corpus is not None else bundled_path())
        if assume is not None:
            loaded = load_overlay(assume, loaded)
        self.corpus = loaded
        self.perspective = perspective
        self.resolver = Resolver(loaded)
        self.render = Renderer(loaded)
        self._db: Path | None = None
        self._events = {e.id: e for e in loaded.events}
        self._instruments = {i.id: i for i in loaded.instruments}

    # ----------------------------------------------------------------------- database

    @property
    def db_path(self) -> Path:
        """The built database (from the cache, built on first use)."""
        if self._db is None:
            key, steps = storage.registered_steps()
            self._db = storage.ensure_built(self.corpus, key, steps)
        return self._db

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the built database."""
        return storage.connect(self.db_path)

    def _ids(self, query: exp.Select) -> list[str]:
        con = self.connect()
        try:
            return [row[0] for row in con.execute(query.sql("duckdb")).fetchall()]
        finally:
            con.close()

    # ----------------------------------------------------------------------- queries

    def events(self, actor: str | None = None, target: str | None = None,
               type: str | None = None, from_: Day = None, to: Day = None) -> Json:
        """``{"events": [Event]}``: events by actor, target and type whose dates overlap
        [from_, to], sorted by date."""
        start, end = as_day(from_, "--from"), as_day(to, "--to")
        if start and end and end < start:
            raise DateError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
        q = sqlglot.select("e.id").from_("events AS e")
        for role, table in ((actor, "event_actors"), (target, "event_targets")):
            if role is not None:
                actor_id = self.resolver.actor(role).id
                sub = (sqlglot.select("1").from_(f"{table} AS x")
                       .where("x.event_id = e.id")
                       .where(exp.column("actor_id", "x").eq(_lit(actor_id))))
                q = q.where(exp.Exists(this=sub))
        if type is not None:
            if type not in EVENT_TYPES:
                raise UnknownName("event type", type, suggest(type, {t: t for t in EVENT_TYPES}))
            q = q.where(exp.column("type", "e").eq(_lit(type)))
        if start is not None:
            q = q.where(exp.column("date_latest", "e") >= _lit(start))
        if end is not None:
            q = q.where(exp.column("date_earliest", "e") <= _lit(end))
        q = q.order_by("e.date_earliest", "e.date_latest", "e.id")
        return {"events": [self.render.event(self._events[i]) for i in self._ids(q)]}

    def treaty(self, name: str) -> Json:
        """The instrument ``name`` (id, name or alias) with its parties, clauses and norms."""
        return self.render.instrument(self.resolver.instrument(name))

    def treaties(self, party: str | None = None) -> Json:
        """``{"treaties": [Instrument]}``: every instrument, or those ``party`` was ever party
        to; sorted by date of signature."""
        q = sqlglot.select("i.id").from_("instruments AS i")
        for condition in self._treaty_conditions(party=party):
            q = q.where(condition)
        q = q.order_by(exp.Ordered(this=exp.column("signed_earliest", "i"), nulls_first=False),
                       "i.id")
        return {"treaties": [self.render.instrument(self._instruments[i])
                             for i in self._ids(q)]}

    def _treaty_conditions(self, party: str | None = None) -> list[exp.Expression]:
        """The WHERE conditions of :meth:`treaties`, one per filter given."""
        conditions: list[exp.Expression] = []
        if party is not None:
            actor_id = self.resolver.actor(party).id
            sub = (sqlglot.select("1").from_("parties AS p").where("p.instrument_id = i.id")
                   .where(exp.column("actor_id", "p").eq(_lit(actor_id))))
            conditions.append(exp.Exists(this=sub))
        return conditions
