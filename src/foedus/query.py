"""The one query API that the CLI, the HTTP API and the web page call.

>>> kb = KnowledgeBase("tests/corpora/good")                      # doctest: +SKIP
>>> [e["id"] for e in kb.events(actor="the North")["events"]]    # doctest: +SKIP
['northland-independence', 'northland-restoration']

Every method returns the JSON shape of its command (docs and BRIEF); names of actors and
instruments are resolved through every alias; DAY arguments are ISO days.

A knowledge base keeps one read-only connection to its built database, opened on first use;
each thread reads through a cursor of its own (:meth:`KnowledgeBase.cursor`), so that the
HTTP server's worker threads can share one knowledge base. The events of a Parquet corpus are
made from the database one by one, by id, when an answer names them (:class:`EventIndex`),
never all at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from foedus import answers, pipeline, reasoning, storage  # noqa: F401  (pipeline registers)
from foedus.corpus import Corpus, Resolver, bundled_path, load_corpus, load_overlay
from foedus.corpus.parquet import LazyRecords, events_by_id
from foedus.corpus.validate import suggest
from foedus.errors import DateError, UnknownName, UserError
from foedus.model import EVENT_TYPES, Event, parse_day
from foedus.render import Json, Renderer
from foedus.rules.ast import Program

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


class EventIndex(Mapping[str, Event]):
    """The events of a corpus by id, made from the built database when first asked for.

    For a Parquet corpus whose records have not been made: a look-up reads that event (and a
    batch, :meth:`fetch`, reads many) from the database; what has been read is kept, and so
    is what is not an event. Iterating or counting reads the ids only. Asked for more than
    :data:`ALL_AT_ONCE` events at once, or for more than :data:`ONE_BY_ONE` events one look-up
    at a time (``index[id]``, ``id in index``: a caller going through them all), it makes
    every record instead, once (as the corpus would).
    """

    ALL_AT_ONCE = 200_000
    ONE_BY_ONE = 5_000
    BATCH = 2_000

    def __init__(self, kb: KnowledgeBase, records: LazyRecords) -> None:
        self._kb = kb
        self._records = records
        self._known: dict[str, Event] = {}
        self._missing: set[str] = set()
        self._complete = False
        self._singles = 0
        self._lock = threading.Lock()

    def fetch(self, ids: Iterable[str], one: bool = False) -> dict[str, Event]:
        """The events among ``ids`` (those that are events), read in as few queries as can."""
        wanted = list(dict.fromkeys(ids))
        if not self._complete:
            todo = [i for i in wanted if i not in self._known and i not in self._missing]
            if one and todo:
                self._singles += 1
            if (
                self._records.loaded
                or len(todo) > self.ALL_AT_ONCE
                or self._singles > self.ONE_BY_ONE
            ):
                self._load_all()
            elif todo:
                cur = self._kb.cursor()
                for k in range(0, len(todo), self.BATCH):
                    chunk = todo[k : k + self.BATCH]
                    got = events_by_id(cur, chunk)
                    with self._lock:
                        self._known.update(got)
                        self._missing.update(i for i in chunk if i not in got)
        known = self._known
        return {i: known[i] for i in wanted if i in known}

    def _load_all(self) -> None:
        """Every record, as the corpus makes them (its first use, or a use before)."""
        with self._lock:
            if not self._complete:
                self._known = {e.id: e for e in self._records}
                self._complete = True

    def __getitem__(self, key: str) -> Event:
        found = self.fetch([key], one=True)
        if key not in found:
            raise KeyError(key)
        return found[key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.fetch([key], one=True)

    def __iter__(self) -> Iterator[str]:
        if self._records.loaded:
            return iter([e.id for e in self._records])
        rows = self._kb.cursor().execute("SELECT id FROM events ORDER BY id").fetchall()
        return iter([r[0] for r in rows])

    def __len__(self) -> int:
        if self._records.loaded:
            return len(self._records)
        row = self._kb.cursor().execute("SELECT count(*) FROM events").fetchone()
        return int(row[0]) if row else 0


class _Connection:
    """The read-only connection that a knowledge base (under every perspective) reads through,
    opened on first use, and each thread's cursor of it."""

    def __init__(self) -> None:
        self.con: duckdb.DuckDBPyConnection | None = None
        self.indexed: bool | None = None
        self.local = threading.local()
        self.lock = threading.Lock()

    def _open(self, kb: KnowledgeBase) -> duckdb.DuckDBPyConnection:
        con = self.con
        if con is None:
            path = kb.db_path  # may build the database: outside the lock
            with self.lock:
                if self.con is None:
                    self.con = storage.connect(path)
                con = self.con
        return con

    def new_cursor(self, kb: KnowledgeBase) -> duckdb.DuckDBPyConnection:
        con = self._open(kb)
        with self.lock:
            return con.cursor()

    def cursor(self, kb: KnowledgeBase) -> duckdb.DuckDBPyConnection:
        mine: tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection] | None = getattr(
            self.local, "cursor", None
        )
        con = self._open(kb)
        if mine is None or mine[0] is not con:
            with self.lock:
                mine = (con, con.cursor())
            self.local.cursor = mine
        return mine[1]

    def close(self) -> None:
        with self.lock:
            con, self.con, self.indexed = self.con, None, None
        if con is not None:
            con.close()


class _Resolver(Resolver):
    """A :class:`Resolver` whose events are an :class:`EventIndex` (not made at once)."""

    def __init__(self, corpus: Corpus, events: EventIndex) -> None:
        super().__init__(replace(corpus, events=[]))
        self.corpus = corpus
        self._events = events  # type: ignore[assignment]


class KnowledgeBase:
    """A validated corpus (with an optional overlay) and its built database."""

    def __init__(
        self,
        corpus: str | Path | Corpus | None = None,
        *,
        perspective: str = DEFAULT_PERSPECTIVE,
        assume: str | Path | None = None,
    ) -> None:
        if isinstance(corpus, Corpus):
            loaded = corpus
        else:
            loaded = load_corpus(Path(corpus) if corpus is not None else bundled_path())
        if assume is not None:
            loaded = load_overlay(assume, loaded)
        self.corpus = loaded
        self.perspective = reasoning.check_perspective(loaded, perspective)
        self.render = Renderer(loaded)
        self._db: Path | None = None
        self._shared = _Connection()
        self._instruments = {i.id: i for i in loaded.instruments}
        self._events: Mapping[str, Event]
        if isinstance(loaded.events, LazyRecords) and not loaded.events.loaded:
            index = EventIndex(self, loaded.events)
            self._events = index
            self.resolver: Resolver = _Resolver(loaded, index)
        else:
            self._events = {e.id: e for e in loaded.events}
            self.resolver = Resolver(loaded)
        # Parsed once per perspective, shared by every with_perspective() copy: no query
        # parses rules once they are here (the server fills them when it starts).
        self._programs: dict[str, Program] = {}
        self._rule_texts: dict[str, dict[str, str]] = {}

    @property
    def events_on_demand(self) -> bool:
        """Whether the corpus's events are read from the database when asked for (a Parquet
        corpus whose records have not been made), not held: a caller then asks by id or in
        SQL, never goes through them all."""
        return isinstance(self._events, EventIndex)

    def rule_text(self, label: str | None) -> str | None:
        """``label: <the rule as written> (file:line)`` for a rule of this perspective."""
        if label is None:
            return None
        return self._texts().get(label, label)

    def program(self, perspective: str | None = None) -> Program:
        """The rule program of ``perspective`` (default: this one's), parsed once."""
        pid = perspective or self.perspective
        if pid not in self._programs:
            self._programs[pid] = reasoning.program_for(self.corpus, pid)
        return self._programs[pid]

    def _texts(self) -> dict[str, str]:
        pid = self.perspective
        if pid not in self._rule_texts:
            self._rule_texts[pid] = reasoning.rule_texts(self.corpus, pid, self.program(pid))
        return self._rule_texts[pid]

    def with_perspective(self, perspective: str) -> KnowledgeBase:
        """The same knowledge base read under another perspective."""
        other = KnowledgeBase.__new__(KnowledgeBase)
        other.__dict__.update(self.__dict__)
        other.perspective = reasoning.check_perspective(self.corpus, perspective)
        return other

    # ----------------------------------------------------------------------- database

    @property
    def db_path(self) -> Path:
        """The built database (from the cache, built on first use)."""
        if self._db is None:
            key, steps = storage.registered_steps()
            self._db = storage.ensure_built(self.corpus, key, steps)
        return self._db

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor of the knowledge base's connection (the caller does not
        close it). A DuckDB connection must not run queries from two threads at once; a
        cursor is a connection of its own to the same database, so each thread has one."""
        return self._shared.cursor(self)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the built database, for the caller to close."""
        return self._shared.new_cursor(self)

    def close(self) -> None:
        """Close the connection to the database (a later query opens it again)."""
        self._shared.close()

    @property
    def indexed(self) -> bool:
        """Whether the database has a current query index (:func:`foedus.answers.store_index`);
        one without it is read without it (and answers the same, more slowly)."""
        shared = self._shared
        if shared.indexed is None:
            shared.indexed = answers.index_current(self.cursor())
        return shared.indexed

    def events_by_id(self, ids: Iterable[str]) -> dict[str, Event]:
        """The events among ``ids``, made (for a Parquet corpus) in one batch."""
        if isinstance(self._events, EventIndex):
            return self._events.fetch(ids)
        return {i: self._events[i] for i in ids if i in self._events}

    def _ids(self, query: exp.Select) -> list[str]:
        return [row[0] for row in self.cursor().execute(query.sql("duckdb")).fetchall()]

    # ----------------------------------------------------------------------- queries

    def events(
        self,
        actor: str | None = None,
        target: str | None = None,
        type: str | None = None,
        from_: Day = None,
        to: Day = None,
    ) -> Json:
        """``{"events": [Event]}``: events by actor, target and type whose dates overlap
        [from_, to], sorted by date."""
        start, end = as_day(from_, "--from"), as_day(to, "--to")
        if start and end and end < start:
            raise DateError(f"--to {end.isoformat()} is before --from {start.isoformat()}")
        q = sqlglot.select("e.id").from_("events AS e")
        for role, table in ((actor, "event_actors"), (target, "event_targets")):
            if role is not None:
                actor_id = self.resolver.actor(role).id
                sub = (
                    sqlglot.select("1")
                    .from_(f"{table} AS x")
                    .where("x.event_id = e.id")
                    .where(exp.column("actor_id", "x").eq(_lit(actor_id)))
                )
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
        ids = self._ids(q)
        found = self.events_by_id(ids)
        return {"events": [self.render.event(found[i]) for i in ids]}

    def treaty(self, name: str) -> Json:
        """The instrument ``name`` (id, name or alias) with its parties, clauses and norms."""
        return self.render.instrument(self.resolver.instrument(name))

    def treaties(
        self,
        party: str | None = None,
        between: tuple[str, str] | list[str] | None = None,
        on: Day = None,
    ) -> Json:
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
        q = q.order_by(
            exp.Ordered(this=exp.column("signed_earliest", "i"), nulls_first=False), "i.id"
        )
        return {"treaties": [self.render.instrument(self._instruments[i]) for i in self._ids(q)]}

    def _treaty_conditions(self, party: str | None = None) -> list[exp.Expression]:
        """The WHERE conditions of :meth:`treaties`, one per filter given."""
        conditions: list[exp.Expression] = []
        if party is not None:
            actor_id = self.resolver.actor(party).id
            sub = (
                sqlglot.select("1")
                .from_("parties AS p")
                .where("p.instrument_id = i.id")
                .where(exp.column("actor_id", "p").eq(_lit(actor_id)))
            )
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

    def breaches(
        self,
        by: str | None = None,
        against: str | None = None,
        treaty: str | None = None,
        from_: Day = None,
        to: Day = None,
    ) -> Json:
        """``{"breaches": [...]}``: events that fell within what a binding clause forbids.

        >>> kb = KnowledgeBase()
        >>> sorted({b["treaty"]["id"] for b in kb.breaches(by="USSR", against="Estonia",
        ...         from_="1940-06-01", to="1940-06-30")["breaches"]})[:2]
        ['convention-for-the-definition-of-aggression', 'kellogg-briand-pact']
        """
        return answers.breaches(
            self, by, against, treaty, as_day(from_, "--from"), as_day(to, "--to")
        )

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
            found = answers.breaches(self, event=ev.id)["breaches"]
            if len(args) == 2:
                ins = self.resolver.instrument(args[1])
                found = [b for b in found if b["treaty"]["id"] == ins.id]
            if not found:
                raise UnknownName("breach", " ".join(args))
            if len(found) == 1:
                return {"explanation": found[0]["explanation"]}
            return {
                "explanation": answers.node(
                    f"{ev.summary} ({ev.date.text}) breached {len(found)} clauses",
                    premises=[b["explanation"] for b in found],
                )
            }
        raise UserError(
            f"explain: expected 'status A --on DAY', 'breach EVENT [TREATY]' or "
            f"'aggressor A B', got {' '.join([what, *args])!r}"
        )


def _need_day(value: Day, what: str) -> date:
    day = as_day(value, what)
    if day is None:
        raise DateError(f"{what}: a day is required (YYYY-MM-DD)")
    return day
