"""The knowledge base: a corpus, its built database, and the one query API that the CLI, the
HTTP API and the web page call (each answer is computed by the module of its family).

>>> kb = KnowledgeBase("tests/corpora/good")                      # doctest: +SKIP
>>> [e["id"] for e in kb.events(actor="the North")["events"]]    # doctest: +SKIP
['northland-independence', 'northland-restoration']

Every method returns the JSON shape of its command (docs/api.md); names of actors and
instruments are resolved through every alias; DAY arguments are ISO days.

A knowledge base keeps one read-only connection to its built database, opened on first use;
each thread reads through a cursor of its own (:meth:`KnowledgeBase.cursor`), so that the
HTTP server's worker threads can share one knowledge base. The events of a Parquet corpus are
made from the database one by one, by id, when an answer names them (:class:`EventIndex`),
never all at once. Each method imports the module of its family when first called, so that a
command imports only the family it answers from (docs/performance.md, cold start).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from foedus import build
from foedus.build.index import index_current
from foedus.build.schema import set_setting
from foedus.corpus.corpus import Corpus
from foedus.corpus.kept import by_id
from foedus.corpus.parquet import LazyRecords
from foedus.corpus.perspectives import (
    DEFAULT_PERSPECTIVE,
    check_perspective,
    default_perspective,
    perspective_ids,
)
from foedus.corpus.resolve import Resolver
from foedus.duck import duckdb
from foedus.engine.timepoints import query_point
from foedus.errors import DateError, UnknownName, UserError, suggest
from foedus.model import Event, Instrument, parse_day
from foedus.query.common import Row, rows_of
from foedus.query.lookup import EventIndex
from foedus.query.records import Renderer
from foedus.query.rules import RuleBook, rule_texts
from foedus.shapes import Json

_T = TypeVar("_T")

Day = date | str | None


def as_day(value: Day, what: str = "day") -> date | None:
    """A DAY argument as a date: an ISO day (``YYYY-MM-DD``) or a date; :class:`DateError`
    names a bad value.

    >>> as_day("1943-01-01")
    datetime.date(1943, 1, 1)
    >>> as_day("19430101", "--on")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    foedus.errors.DateError: --on: not an ISO day (YYYY-MM-DD): '19430101'
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_day(value)
    except DateError as e:
        raise DateError(f"{what}: {e}", param=_param(what), problem="day") from None


def as_span(from_: Day, to: Day) -> tuple[date | None, date | None]:
    """``--from`` and ``--to`` as dates; :class:`DateError` when ``--to`` is before ``--from``
    (a period that holds no day)."""
    start, end = as_day(from_, "--from"), as_day(to, "--to")
    if start and end and end < start:
        raise DateError(
            f"--to {end.isoformat()} is before --from {start.isoformat()}",
            param="to",
            problem="range",
        )
    return start, end


def need_day(value: Day, what: str) -> date:
    """A required DAY argument as a date; :class:`DateError` when it is missing or bad."""
    day = as_day(value, what)
    if day is None:
        raise DateError(
            f"{what}: a day is required (YYYY-MM-DD)", param=_param(what), problem="missing"
        )
    return day


def named(value: str | None, what: str, name: str, any_: str) -> str | None:
    """A name a filter was given (``--by``, ``--party``, ``actor``...), None when it was left
    out; :class:`UserError` (``empty``) for an empty or blank one: it names nothing, and read
    as no filter it answered a question that was not asked (as an empty ``perspective``).

    >>> named("Estonia", "--by", "an actor", "acts by any actor")
    'Estonia'
    >>> try:
    ...     named(" ", "--by", "an actor", "acts by any actor")
    ... except UserError as e:
    ...     print(e, (e.param, e.problem))
    --by: empty value ' '; name an actor, or leave it out for acts by any actor ('by', 'empty')
    """
    if value is not None and not value.strip():
        raise UserError(
            f"{what}: empty value {value!r}; name {name}, or leave it out for {any_}",
            param=_param(what),
            problem="empty",
        )
    return value


def empty_perspective(corpus: Corpus, value: str, default: str) -> UserError:
    """The refusal of an empty or blank perspective (``--perspective ''``, ``perspective=``),
    worded alike by the CLI and the HTTP API: it names no perspective, and the default is
    asked for by leaving it out."""
    names = ", ".join(perspective_ids(corpus)) or default
    return UserError(
        f"perspective: empty value {value!r}; name a perspective ({names}), "
        f"or leave the parameter out for the default ({default})",
        param="perspective",
        problem="empty",
    )


def named_perspective(corpus: Corpus, perspective: str | None) -> str:
    """The id of ``perspective`` (None: the corpus's default), as
    :func:`~foedus.corpus.perspectives.check_perspective` finds it; an empty or blank one is
    refused as :func:`empty_perspective` words it."""
    if perspective is not None and not perspective.strip():
        raise empty_perspective(corpus, perspective, default_perspective(corpus))
    return check_perspective(corpus, perspective)


def _param(what: str) -> str | None:
    """The query's argument a day's name names (``--on`` and ``on``: ``on``); None for the
    default, ``day``, which names none."""
    return None if what == "day" else what.removeprefix("--")


class _Connection:
    """The read-only connection that a knowledge base (under every perspective) reads through,
    opened on first use, and each thread's cursor of it."""

    def __init__(self) -> None:
        self.con: duckdb.DuckDBPyConnection | None = None
        self.indexed: bool | None = None
        self.local = threading.local()
        self.lock = threading.Lock()
        self.memo: dict[Hashable, Any] = {}  # KnowledgeBase.remembered's, of this database

    def _open(self, kb: KnowledgeBase) -> duckdb.DuckDBPyConnection:
        con = self.con
        if con is None:
            path = kb.db_path  # may build the database: outside the lock
            with self.lock:
                if self.con is None:
                    self.con = build.connect(path)
                    # its reads are look-ups of a few thousand rows: on one thread each,
                    # DuckDB spends a third less CPU on them (GGO, a new pair: 37 -> 23 ms)
                    # and is not slowed by waiting for a second core; the HTTP server and
                    # ask run their questions on threads of their own
                    self.con.execute(set_setting("threads", 1))
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
            self.memo = {}
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
        perspective: str | None = DEFAULT_PERSPECTIVE,
        assume: str | Path | None = None,
    ) -> None:
        if isinstance(corpus, Corpus):
            loaded = corpus
        else:
            from foedus.corpus import bundled_path, load_corpus  # the YAML reader: only here

            loaded = load_corpus(Path(corpus) if corpus is not None else bundled_path())
        if assume is not None:
            from foedus.corpus import load_overlay

            loaded = load_overlay(assume, loaded)
        self.corpus = loaded
        self.perspective = named_perspective(loaded, perspective)
        self.render = Renderer(loaded)
        self._db: Path | None = None
        self._shared = _Connection()
        self._on_demand: dict[str, dict[str, int]] = {}
        """The fluents computed on demand per perspective (:func:`foedus.build.binding.
        rows_for`), looked up once and shared by :meth:`with_perspective`'s views."""
        self.rule_book = RuleBook()
        """The rules' texts of every perspective read, shared by :meth:`with_perspective`."""
        self._instruments: Mapping[str, Instrument] = by_id(loaded.instruments)
        self._events: Mapping[str, Event]
        if isinstance(loaded.events, LazyRecords) and not loaded.events.loaded:
            index = EventIndex(self, loaded.events)
            self._events = index
            self.resolver: Resolver = _Resolver(loaded, index)
        else:
            self._events = by_id(loaded.events)
            self.resolver = Resolver(loaded)

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
        return rule_texts(self, self.perspective).get(label, label)

    def with_perspective(self, perspective: str) -> KnowledgeBase:
        """The same knowledge base read under another perspective."""
        other = KnowledgeBase.__new__(KnowledgeBase)
        other.__dict__.update(self.__dict__)
        other.perspective = named_perspective(self.corpus, perspective)
        return other

    # ----------------------------------------------------------------------- records

    def event(self, event_id: str) -> Event:
        """The event with id ``event_id`` (KeyError when there is none)."""
        return self._events[event_id]

    def event_record(self, event_id: str) -> Event | None:
        """The event with id ``event_id``, or None."""
        return self._events.get(event_id)

    def events_by_id(self, ids: Iterable[str]) -> dict[str, Event]:
        """The events among ``ids``, made (for a Parquet corpus) in one batch."""
        if isinstance(self._events, EventIndex):
            return self._events.fetch(ids)
        return {i: self._events[i] for i in ids if i in self._events}

    def instrument(self, instrument_id: str) -> Instrument:
        """The instrument with id ``instrument_id`` (KeyError when there is none)."""
        return self._instruments[instrument_id]

    def instrument_record(self, instrument_id: str) -> Instrument | None:
        """The instrument with id ``instrument_id``, or None."""
        return self._instruments.get(instrument_id)

    def instruments_by_id(self, ids: Iterable[str]) -> dict[str, Instrument]:
        """The instruments among ``ids``, made (for a Parquet corpus) together in one read:
        an answer that names many reads them so before it goes through them one by one."""
        wanted = list(dict.fromkeys(ids))
        fetch = getattr(self._instruments, "fetch", None)
        if fetch is not None:
            fetch(wanted)
        return {i: ins for i in wanted if (ins := self._instruments.get(i)) is not None}

    def source(self, source_id: str) -> Json:
        """One source of the corpus by id, with its text: ``{"id", "title", "url",
        "licence", "text"}`` (an unknown id is :class:`UnknownName`)."""
        texts = self.corpus.sources
        if source_id not in texts:
            raise UnknownName("source", source_id, suggest(source_id, list(texts)))
        meta = self.source_meta(source_id)
        return {
            "id": source_id,
            "title": meta.get("title", source_id),
            "url": meta.get("url"),
            "licence": meta.get("licence"),
            "text": texts[source_id],
        }

    def source_meta(self, source_id: str) -> Json:
        """What ``corpus.yaml`` says of a source under ``sources:`` (empty when it says
        nothing: ``sources:`` is optional)."""
        extra = self.corpus.metadata.model_extra or {}
        sources = extra.get("sources") or {}
        meta = sources.get(source_id) if isinstance(sources, dict) else None
        return dict(meta) if isinstance(meta, dict) else {}

    # ----------------------------------------------------------------------- database

    @property
    def db_path(self) -> Path:
        """The built database (from the cache, built on first use unless the package ships
        it: :func:`foedus.build.shipped.cached_or_shipped`, which finds it without importing
        the build)."""
        if self._db is None:
            self._db = build.cached_or_shipped(self.corpus)
            if self._db is None:
                key, steps = build.default_steps()
                self._db = build.ensure_built(self.corpus, key, steps)
        return self._db

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor of the knowledge base's connection (the caller does not
        close it). A DuckDB connection must not run queries from two threads at once; a
        cursor is a connection of its own to the same database, so each thread has one."""
        return self._shared.cursor(self)

    def remembered(self, key: Hashable, make: Callable[[], _T]) -> _T:
        """``make()``, kept under ``key`` (all it depends on but the database) while the
        database is open, for :meth:`with_perspective`'s views too (4,096 at most)."""
        memo = self._shared.memo
        if key not in memo:
            if len(memo) >= 4096:
                memo.clear()
            memo[key] = make()
        return memo[key]  # type: ignore[no-any-return]

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the built database, for the caller to close."""
        return self._shared.new_cursor(self)

    def close(self) -> None:
        """Close the connection to the database (a later query opens it again)."""
        self._shared.close()

    @property
    def indexed(self) -> bool:
        """Whether the database has a current query index (:func:`foedus.build.index.store_index`);
        one without it is read without it (and answers the same, more slowly)."""
        shared = self._shared
        if shared.indexed is None:
            shared.indexed = index_current(self.cursor())
        return shared.indexed

    def fluent_rows(self, fluent: str, on: Day = None) -> list[Row]:
        """The rows of ``fluent`` under this perspective (that hold on day ``on``, if
        given), in the order (args, value, start)."""
        day = as_day(on, "on")
        return rows_of(self, fluent, at=query_point(day) if day is not None else None)

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
        from foedus.query.events import events as _events

        actor = named(actor, "--actor", "an actor", "events by any actor")
        target = named(target, "--target", "an actor", "events done to any actor")
        type = named(type, "--type", "an event type", "events of every type")
        return _events(self, actor, target, type, *as_span(from_, to))

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
        from foedus.query.treaties import all_treaties as _all_treaties
        from foedus.query.treaties import treaties_on as _treaties_on

        party = named(party, "--party", "an actor", "the treaties of every party")
        if between is not None:
            for name in between:
                named(name, "--between", "two actors", "the treaties of every party")
        day = as_day(on, "--on")
        if between is not None or day is not None:
            pair = None
            if between is not None:
                if len(between) != 2:
                    raise UnknownName("pair of actors", " ".join(between))
                pair = (between[0], between[1])
                x, y = (self.resolver.actor(n).id for n in pair)
                if x == y:
                    raise UserError(
                        f"treaties --between: {pair[0]!r} and {pair[1]!r} are the same actor "
                        f"({x}); name two actors",
                        param="between",
                        problem="same_actor",
                    )
            return _treaties_on(self, pair, party, day)
        return _all_treaties(self, party)

    # ----------------------------------------------------------------------- reasoning

    def status(self, actor: str, on: Day) -> Json:
        """The status of ``actor`` on day ``on`` under this perspective, with its explanation.

        >>> kb = KnowledgeBase(perspective="non-recognition")
        >>> kb.status("Estonia", "1960-01-01")["status"]["sovereign"]
        [{'value': True, 'certainty': 'certain'}]
        """
        from foedus.query.status import status as _status

        return _status(self, actor, need_day(on, "--on"))

    def holds(self, actor: str, on: Day, every: bool | None = False) -> Json:
        """``{"fluents": [...]}``: every fluent that holds for ``actor`` on ``on``; the rules'
        internal fluents (``binds``, ``protected``, ``displaced_by``) only with ``every``."""
        from foedus.query.status import holds as _holds

        return _holds(self, actor, need_day(on, "--on"), every=bool(every))

    def timeline(self, actor: str) -> Json:
        """The periods of ``actor``'s status under this perspective, and its events."""
        from foedus.query.status import timeline as _timeline

        return _timeline(self, actor)

    def periods(self, actor_id: str) -> list[Json]:
        """The periods of ``timeline`` for the actor ``actor_id`` (an id) under this
        perspective: maximal periods of constant status, each with its rules."""
        from foedus.query.status import periods as _periods

        out = _periods(self, actor_id)
        for p in out:
            p.pop("_start")
            p.pop("_end")
        return out

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
        from foedus.query.breaches import breaches as _breaches

        by = named(by, "--by", "an actor", "acts by any actor")
        against = named(against, "--against", "an actor", "acts against any actor")
        treaty = named(treaty, "--treaty", "an instrument", "every instrument")
        return _breaches(self, by, against, treaty, *as_span(from_, to))

    def breach_summaries(self) -> list[Json]:
        """Every breach under this perspective, one per (event, instrument, clause), without
        its explanation (``{"event", "treaty", "clause", "by", "against", "date",
        "certainty"}``), sorted by date."""
        from foedus.query.breaches import breach_summaries as _breach_summaries

        return _breach_summaries(self)

    def aggressor(self, a: str, b: str, from_: Day = None, to: Day = None) -> Json:
        """The aggressor between ``a`` and ``b`` under the 1933 Convention (first to act).

        >>> KnowledgeBase().aggressor("USSR", "Estonia")["aggressor"]["id"]
        'ussr'
        """
        from foedus.query.aggressor import aggressor as _aggressor

        return _aggressor(self, a, b, *as_span(from_, to))

    def compare(self, p: str, q: str, actor: str | None = None) -> Json:
        """Where perspectives ``p`` and ``q`` give different statuses, and the rules why."""
        from foedus.query.compare import compare as _compare

        p_id = check_perspective(self.corpus, p)
        q_id = check_perspective(self.corpus, q)
        return _compare(self, p_id, q_id, named(actor, "actor", "an actor", "every actor"))

    def explain(self, what: str, args: list[str], on: Day = None) -> Json:
        """``{"explanation": Explanation}`` of a status, a breach or an aggressor answer."""
        from foedus.query.explain import explain as _explain

        day = need_day(on, "--on") if what == "status" and len(args) == 1 else None
        return _explain(self, what, args, day)

    def across(self, command: str, **kwargs: Any) -> Json:
        """The answer of ``command`` (``status``, ``holds``, ``treaties``, ``breaches``,
        ``explain``) under every perspective of the corpus, side by side: ``--perspective
        all`` (:func:`foedus.query.across.across`)."""
        from foedus.query.across import across as _across

        return _across(self, command, kwargs)
