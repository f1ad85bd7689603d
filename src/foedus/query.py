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

from foedus import answers, pipeline, reasoning, storage  # noqa: F401  (pipeline registers)
from foedus.corpus import Corpus, Resolver, bundled_path, load_corpus, load_overlay
from foedus.corpus.validate import suggest
from foedus.errors import DateError, UnknownName, UserError
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
        self.perspective = reasoning.check_perspective(loaded, perspective)
        self.resolver = Resolver(loaded)
        self.render = Renderer(loaded)
        self._db: Path | None = None
        self._events = {e.id: e for e in loaded.events}
        self._instruments = {i.id: i for i in loaded.instruments}
        self._rule_texts: dict[str, str] | None = None

    def rule_text(self, label: str | None) -> str | None:
        """``label: <the rule as written> (file:line)`` for a rule of this perspective."""
        if label is None:
            return None
        if self._rule_texts is None:
            self._rule_texts = reasoning.rule_texts(self.corpus, self.perspective)
        return self._rule_texts.get(label, label)

    def _texts(self) -> dict[str, str]:
        if self._rule_texts is None:
            self._rule_texts = reasoning.rule_texts(self.corpus, self.perspective)
        return self._rule_texts

    def with_perspective(self, perspective: str) -> KnowledgeBase:
        """The same knowledge base read under another perspective."""
        other = KnowledgeBase.__new__(KnowledgeBase)
        other.__dict__.update(self.__dict__)
        other.perspective = reasoning.check_perspective(self.corpus, perspective)
        other._rule_texts = None
        return other

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

    def treaties(self, party: str | None = None, between: tuple[str, str] | list[str] | None = None,
                 on: Day = None) -> Json:
        """``{"treaties": [Instrument]}``: with ``between`` and ``on``, the instruments in force
        and binding both on that day; ``between`` alone, all they ever shared; ``party`` (and
        ``on``), those the actor was (on that day) party to; ``on`` alone, those in force; no
        filter, every instrument. Sorted by date of signature."""
        day = as_day(on, "--on")
        if between is not None or day is not None:
            pair = None
            if between is not None:
                if len(between) != 2:
                    raise UnknownName("pair of actors", " ".join(between))
                pair = (between[0], between[1])
            return answers.treaties_on(self, pair, party, day)
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

    # ----------------------------------------------------------------------- reasoning

    def status(self, actor: str, on: Day) -> Json:
        """The status of ``actor`` on day ``on`` under this perspective, with its explanation.

        >>> kb = KnowledgeBase(perspective="non-recognition")
        >>> kb.status("Estonia", "1960-01-01")["status"]["sovereign"]
        True
        """
        return answers.status(self, actor, _need_day(on, "--on"))

    def holds(self, actor: str, on: Day) -> Json:
        """``{"fluents": [...]}``: every fluent that holds for ``actor`` on ``on``."""
        return answers.holds(self, actor, _need_day(on, "--on"))

    def timeline(self, actor: str) -> Json:
        """The periods of ``actor``'s status under this perspective, and its events."""
        return answers.timeline(self, actor)

    def breaches(self, by: str | None = None, against: str | None = None,
                 treaty: str | None = None, from_: Day = None, to: Day = None) -> Json:
        """``{"breaches": [...]}``: events that fell within what a binding clause forbids.

        >>> kb = KnowledgeBase()
        >>> sorted({b["treaty"]["id"] for b in kb.breaches(by="USSR", against="Estonia",
        ...         from_="1940-06-01", to="1940-06-30")["breaches"]})[:2]
        ['convention-for-the-definition-of-aggression', 'kellogg-briand-pact']
        """
        return answers.breaches(self, by, against, treaty, as_day(from_, "--from"),
                                as_day(to, "--to"))

    def aggressor(self, a: str, b: str, from_: Day = None, to: Day = None) -> Json:
        """The aggressor between ``a`` and ``b`` under the 1933 Convention (first to act).

        >>> KnowledgeBase().aggressor("USSR", "Estonia")["aggressor"]["id"]
        'ussr'
        """
        return answers.aggressor(self, a, b, as_day(from_, "--from"), as_day(to, "--to"))

    def compare(self, p: str, q: str, actor: str | None = None) -> Json:
        """Where perspectives ``p`` and ``q`` give different statuses, and the rules why."""
        p_id = reasoning.check_perspective(self.corpus, p)
        q_id = reasoning.check_perspective(self.corpus, q)
        return answers.compare(self, p_id, q_id, actor)


    def explain(self, what: str, args: list[str], on: Day = None) -> Json:
        """``{"explanation": Explanation}`` of a status, a breach or an aggressor answer."""
        if what == "status" and len(args) == 1:
            return {"explanation": self.status(args[0], _need_day(on, "--on"))["explanation"]}
        if what == "aggressor" and len(args) == 2:
            return {"explanation": self.aggressor(args[0], args[1])["explanation"]}
        if what == "breach" and 1 <= len(args) <= 2:
            ev = self.resolver.event(args[0])
            found = [b for b in answers.breaches(self)["breaches"] if b["event"]["id"] == ev.id]
            if len(args) == 2:
                ins = self.resolver.instrument(args[1])
                found = [b for b in found if b["treaty"]["id"] == ins.id]
            if not found:
                raise UnknownName("breach", " ".join(args))
            if len(found) == 1:
                return {"explanation": found[0]["explanation"]}
            return {"explanation": answers.node(
                f"{ev.summary} ({ev.date.text}) breached {len(found)} clauses",
                premises=[b["explanation"] for b in found])}
        raise UserError(f"explain: expected 'status A --on DAY', 'breach EVENT [TREATY]' or "
                        f"'aggressor A B', got {' '.join([what, *args])!r}")


def _need_day(value: Day, what: str) -> date:
    day = as_day(value, what)
    if day is None:
        raise DateError(f"{what}: a day is required (YYYY-MM-DD)")
    return day
