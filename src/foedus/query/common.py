"""What every family of answers shares: the ``fluents`` rows (:class:`Row`) and how they are
read, as sqlglot trees, and the small JSON pieces (a day, an actor's name).

The reading of ``fluents`` rows is done here once:

- a fluent-value pair holds on day D when a row has ``start <= query_point(D) < end``;
- a row's ``certainty`` is ``certain`` or ``possible``; ``sovereign`` is true when a certain
  row holds, ``"possible"`` when only a possible one does, false otherwise.

Values are written into the trees as literals, never pasted into SQL text, and never bound:
the DuckDB Python client looks for pandas (an import attempt, slow when pandas is not
installed) for every bound value.

>>> where_holds(5).sql("duckdb")
'start <= 5 AND ("end" IS NULL OR 5 < "end")'
>>> arg(0).sql("duckdb")
'args[1]'
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from sqlglot import exp

from foedus.build import binding
from foedus.build.schema import BREACH_KEYS, BREACHES_AGAINST, MENTIONS
from foedus.rules.library.vocabulary import STATUS
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase

STATUS_FLUENTS = STATUS
COLUMNS = (
    "fluent",
    "args",
    "value",
    "start",
    "end",
    "certainty",
    "rule",
    "initiated_by",
    "terminated_by",
)
"""The columns of ``fluents`` that a :class:`Row` holds, in its order."""


@dataclass(frozen=True)
class Row:
    """One row of ``fluents``: a fluent's value over ``[start, end)``, and why."""

    fluent: str
    args: tuple[str, ...]
    value: str
    start: int
    end: int | None
    certainty: str
    rule: str | None
    initiated_by: str | None
    terminated_by: str | None

    def holds_at(self, t: int) -> bool:
        return self.start <= t and (self.end is None or t < self.end)


# --------------------------------------------------------------------------- sql pieces


def col(name: str, table: str | None = None) -> exp.Column:
    """A column (``end`` quoted: it is a keyword)."""
    return exp.column(name, table, quoted=True if name == "end" else None)


def lit(value: Any) -> exp.Expression:
    """A value as a SQL literal: a string, a number or a day."""
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value)
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    return exp.Literal.string(str(value))


def arg(i: int) -> exp.Expression:
    """The argument at 0-based position ``i`` of a row (``args[i + 1]`` in DuckDB).

    The index is written 1-based, as DuckDB counts (``offset=1``): a 0-based index makes
    sqlglot infer the list's type to shift it, which imports its optimizer and the Spark,
    Hive and Databricks dialects (~70 ms of a warm command)."""
    return exp.Bracket(this=col("args"), expressions=[exp.Literal.number(i + 1)], offset=1)


def one_of(column: exp.Expression, values: tuple[str, ...] | list[str]) -> exp.Expression:
    """``column IN (values)``; false for no value."""
    if not values:
        return exp.false()
    return column.isin(*(lit(v) for v in values))


def where_holds(at: int) -> exp.Expression:
    """The condition that a row holds at time point ``at``."""
    end = col("end")
    return exp.and_(
        col("start") <= lit(at),
        exp.paren(exp.or_(end.is_(exp.null()), lit(at) < end), copy=False),
    )


def where_overlaps(lo: int, hi: int) -> exp.Expression:
    """The condition that a row holds at some time point of [lo, hi].

    >>> where_overlaps(3, 9).sql("duckdb")
    'start <= 9 AND ("end" IS NULL OR 3 < "end")'
    """
    end = col("end")
    return exp.and_(
        col("start") <= lit(hi),
        exp.paren(exp.or_(end.is_(exp.null()), lit(lo) < end), copy=False),
    )


def table(name: str) -> exp.Table:
    """A table by its (maybe schema-qualified) name."""
    return exp.to_table(name)


def run(kb: KnowledgeBase, query: exp.Expression) -> list[tuple[Any, ...]]:
    """The rows of ``query`` read through this thread's cursor."""
    return kb.cursor().execute(query.sql("duckdb", copy=False)).fetchall()


# --------------------------------------------------------------------------- fluent rows


def naming(kb: KnowledgeBase, actor_id: str, perspective: str | None) -> exp.Select:
    """The rows of a perspective that name the actor ``actor_id``: from the index if the
    database has it, else from ``fluents``."""
    return _naming(kb, actor_id, col("perspective").eq(lit(perspective or kb.perspective)))


def _naming(kb: KnowledgeBase, actor_id: str, p: exp.Expression) -> exp.Select:
    """:func:`naming`, of the perspectives that the condition ``p`` keeps."""
    if kb.indexed:
        return (
            exp.select(*map(col, COLUMNS))
            .from_(table(MENTIONS), copy=False)
            .where(p, col("who").eq(lit(actor_id)), copy=False)
        )
    names = exp.or_(
        exp.func("list_contains", col("args"), lit(actor_id), dialect="duckdb"),
        col("value").eq(lit(actor_id)),
    )
    return (
        exp.select(*map(col, COLUMNS))
        .from_("fluents", copy=False)
        .where(p, exp.paren(names, copy=False), copy=False)
    )


def _ordered(query: exp.Select, at: int | None, during: tuple[int, int] | None) -> exp.Select:
    if at is not None:
        query = query.where(where_holds(at), copy=False)
    if during is not None:
        query = query.where(where_overlaps(*during), copy=False)
    return query.order_by(*map(col, ("fluent", "args", "value", "start")), copy=False)


def _rows(
    kb: KnowledgeBase, query: exp.Select, at: int | None, during: tuple[int, int] | None = None
) -> list[Row]:
    return [Row(r[0], tuple(r[1]), *r[2:]) for r in run(kb, _ordered(query, at, during))]


def _rows_of_views(
    kb: KnowledgeBase,
    perspective: str | None,
    key: tuple[Any, ...],
    make: Callable[[exp.Expression], exp.Select],
    at: int | None = None,
    during: tuple[int, int] | None = None,
) -> list[Row]:
    """The rows of the query ``make(condition)`` (``condition``: the rows' perspective is
    ``perspective``), read with those of every perspective of the :func:`shared_reads` open
    (``key`` names the read apart from its perspective), or alone when none is."""
    p = perspective or kb.perspective
    views = _SHARED.get()
    if views is None or p not in views.perspectives:
        return _rows(kb, make(col("perspective").eq(lit(p))), at, during)

    def read() -> dict[str, list[Row]]:
        query = make(one_of(col("perspective"), list(views.perspectives)))
        query = _ordered(query.select(col("perspective"), copy=False), at, during)
        out: dict[str, list[Row]] = {v: [] for v in views.perspectives}
        for r in run(kb, query):
            out[r[-1]].append(Row(r[0], tuple(r[1]), *r[2:-1]))
        return out

    return list(views.read(("rows", *key, at, during), read)[p])


def rows_about(
    kb: KnowledgeBase,
    actor_id: str,
    perspective: str | None = None,
    *,
    own: bool = False,
    fluents: tuple[str, ...] | None = None,
    at: int | None = None,
) -> list[Row]:
    """Every fluent row whose arguments or value name the actor ``actor_id``, in the order
    (fluent, args, value, start); ``own``: only those whose arguments are ``(actor_id,)``;
    ``fluents``: only these fluents; ``at``: only those that hold at time point ``at``."""

    def make(p: exp.Expression) -> exp.Select:
        query = _naming(kb, actor_id, p)
        if own:
            length = exp.func("len", col("args"), dialect="duckdb")
            query = query.where(length.eq(lit(1)), arg(0).eq(lit(actor_id)), copy=False)
        if fluents is not None:
            query = query.where(one_of(col("fluent"), fluents), copy=False)
        return query

    return _rows_of_views(kb, perspective, ("about", actor_id, own, fluents), make, at)


def own_rows(
    kb: KnowledgeBase, actor_ids: list[str], perspective: str | None = None
) -> dict[str, list[Row]]:
    """For each of ``actor_ids``, the rows whose arguments are ``(actor_id,)`` (as
    :func:`rows_about` with ``own``), read in one query."""
    if not actor_ids:
        return {}
    length = exp.func("len", col("args"), dialect="duckdb")
    query = naming(kb, actor_ids[0], perspective)
    query.set("where", None)
    p = col("perspective").eq(lit(perspective or kb.perspective))
    query = query.where(p, length.eq(lit(1)), one_of(arg(0), actor_ids), copy=False)
    if kb.indexed:
        # the index holds a row once for each actor it names: keep it under its own actor
        query = query.where(one_of(col("who"), actor_ids), col("who").eq(arg(0)), copy=False)
    out: dict[str, list[Row]] = {a: [] for a in actor_ids}
    for r in _rows(kb, query, None):
        out[r.args[0]].append(r)
    return out


def rows_of(
    kb: KnowledgeBase,
    fluent: str,
    perspective: str | None = None,
    *,
    naming_actor: str | None = None,
    args: dict[int, str] | None = None,
    at: int | None = None,
    during: tuple[int, int] | None = None,
) -> list[Row]:
    """The rows of ``fluent``, in the order (args, value, start); ``args``: only those whose
    argument at each (0-based) position is the one given; ``naming_actor``: only those that
    name this actor (read from the index: use it when the rows are about an actor); ``at``:
    only those that hold at time point ``at``; ``during`` ``(lo, hi)``: only those that hold
    at some time point of [lo, hi] (the rows of every day of a range, read at once)."""
    if during is not None and during[0] == during[1]:
        at, during = during[0], None
    lazy = binding.rows_for(kb, fluent, perspective or kb.perspective, args or {}, at)
    if lazy is not None:  # a fluent computed on demand (foedus.build.binding)
        found = [Row(*r) for r in lazy]
        if during is not None:
            lo, hi = during
            found = [r for r in found if r.start <= hi and (r.end is None or lo < r.end)]
        return found

    def make(p: exp.Expression) -> exp.Select:
        if naming_actor is not None:
            query = _naming(kb, naming_actor, p)
        else:
            query = exp.select(*map(col, COLUMNS)).from_("fluents", copy=False).where(p)
        query = query.where(col("fluent").eq(lit(fluent)), copy=False)
        for i, value in sorted((args or {}).items()):
            length = exp.func("len", col("args"), dialect="duckdb")
            query = query.where(length > lit(i), arg(i).eq(lit(value)), copy=False)
        return query

    key = ("of", fluent, naming_actor, tuple(sorted((args or {}).items())))
    return _rows_of_views(kb, perspective, key, make, at, during)


def read_ahead(
    kb: KnowledgeBase,
    fluent: str,
    asks: Iterable[tuple[str, dict[int, str]]],
    during: tuple[int, int] | None = None,
) -> None:
    """While :func:`shared_reads` is open, on a database with the query index: what
    :func:`rows_of` ``(kb, fluent, naming_actor=n, args=a, during=during)`` reads for each
    ``(n, a)`` of ``asks`` (under every shared perspective), read in two queries instead of
    one each (the first ask is read alone: a fluent computed on demand is then read one ask
    at a time, as :func:`rows_of` does) and kept for those reads. Otherwise nothing."""
    views = _SHARED.get()
    if views is None or not kb.indexed or kb.perspective not in views.perspectives:
        return
    if during is not None and during[0] == during[1]:
        return  # rows_of reads one time point with ``at``: not kept under these keys
    todo: dict[tuple[Any, ...], tuple[str, dict[int, str]]] = {}
    for n, a in asks:
        key = ("rows", "of", fluent, n, tuple(sorted(a.items())), None, during)
        if key not in views.kept:
            todo.setdefault(key, (n, a))
    if len(todo) < 2:
        return
    first, *rest = todo.items()
    rows_of(kb, fluent, naming_actor=first[1][0], args=first[1][1], during=during)
    if first[0] not in views.kept:
        return  # computed on demand
    length = exp.func("len", col("args"), dialect="duckdb")
    each = []
    for _, (n, a) in rest:
        cond: exp.Expression = col("who").eq(lit(n))
        for i, value in sorted(a.items()):
            cond = exp.and_(cond, length > lit(i), arg(i).eq(lit(value)))
        each.append(exp.paren(cond, copy=False))
    query = (
        exp.select(*map(col, COLUMNS), col("who"), col("perspective"))
        .from_(table(MENTIONS), copy=False)
        .where(one_of(col("perspective"), list(views.perspectives)), copy=False)
        .where(col("fluent").eq(lit(fluent)), exp.paren(exp.or_(*each), copy=False), copy=False)
    )
    found: dict[tuple[Any, ...], dict[str, list[Row]]] = {
        key: {p: [] for p in views.perspectives} for key, _ in rest
    }
    for r in run(kb, _ordered(query, None, during)):
        row = Row(r[0], tuple(r[1]), *r[2:9])
        for key, (n, a) in rest:
            if r[9] == n and all(len(row.args) > i and row.args[i] == v for i, v in a.items()):
                found[key][r[10]].append(row)
    with views.lock:
        for key, kept in found.items():
            views.kept.setdefault(key, kept)


def breach_rows(
    kb: KnowledgeBase,
    against: str | None = None,
    perspective: str | None = None,
    *,
    by: str | None = None,
    treaty: str | None = None,
    event: str | None = None,
    event_types: tuple[str, ...] | None = None,
) -> list[tuple[Json, date | None]]:
    """The rows of ``breaches`` (by event, instrument and clause), each with its event's
    earliest day: ``against`` an actor (its beneficiary or target), ``by`` an actor, of a
    ``treaty``, by an ``event``, by an event of one of ``event_types``, each filter when
    given. ``against`` is read from the index when the database has it; the day is None
    when neither ``against`` (with the index) nor ``event_types`` asked for the event."""
    keys = [col(k, "b") for k in BREACH_KEYS]
    if against is not None and kb.indexed:
        query = (
            exp.select(*keys, col("event_earliest", "b"))
            .from_(exp.alias_(table(BREACHES_AGAINST), "b", table=True), copy=False)
            .where(col("who", "b").eq(lit(against)), copy=False)
        )
        etype: exp.Expression = col("event_type", "b")
    elif event_types is not None:
        query = (
            exp.select(*keys, col("date_earliest", "e"))
            .from_("breaches AS b", copy=False)
            .join("events AS e", on=col("id", "e").eq(col("event_id", "b")), copy=False)
        )
        etype = col("type", "e")
    else:  # no event read: no join
        query = exp.select(*keys, exp.null()).from_("breaches AS b", copy=False)
        etype = exp.null()
    if against is not None and not kb.indexed:
        who = lit(against)
        query = query.where(
            exp.paren(
                exp.or_(col("beneficiary", "b").eq(who), col("target", "b").eq(who)), copy=False
            )
        )
    for column, value in (("actor", by), ("instrument", treaty), ("event_id", event)):
        if value is not None:
            query = query.where(col(column, "b").eq(lit(value)), copy=False)
    if event_types is not None:
        query = query.where(one_of(etype, event_types), copy=False)
    query = query.order_by(*(col(k, "b") for k in ("event_id", "instrument", "clause")), copy=False)
    p = perspective or kb.perspective
    views = _SHARED.get()
    if views is None or p not in views.perspectives:
        query = query.where(col("perspective", "b").eq(lit(p)), copy=False)
        return [(dict(zip(BREACH_KEYS, r, strict=False)), r[-1]) for r in run(kb, query)]

    def read() -> dict[str, list[tuple[Json, date | None]]]:
        shared = query.where(one_of(col("perspective", "b"), list(views.perspectives)))
        shared = shared.select(col("perspective", "b"), copy=False)
        out: dict[str, list[tuple[Json, date | None]]] = {v: [] for v in views.perspectives}
        for r in run(kb, shared):
            out[r[-1]].append((dict(zip(BREACH_KEYS, r, strict=False)), r[-2]))
        return out

    key = ("breaches", against, by, treaty, event, event_types)
    return list(views.read(key, read)[p])


# --------------------------------------------------------------------------- shared reads

K = TypeVar("K")


@dataclass
class _Views:
    """The reads kept while :func:`shared_reads` is open: by what is read, per perspective."""

    perspectives: tuple[str, ...]
    kept: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def read(self, key: tuple[Any, ...], read: Callable[[], K]) -> K:
        with self.lock:  # a read made once, whichever thread asks first
            if key not in self.kept:
                self.kept[key] = read()
            found: K = self.kept[key]
            return found


_SHARED: ContextVar[_Views | None] = ContextVar("foedus_shared_reads", default=None)


@contextmanager
def shared_reads(perspectives: Iterable[str]) -> Iterator[None]:
    """While open (in this context, and in the threads given a copy of it), a read of rows
    (:func:`rows_of`, :func:`rows_about`, :func:`breach_rows`) under one of ``perspectives``
    reads those of all of them in one query, and is kept: the same read under another of
    them, or again, is answered from it. For one question answered under several
    perspectives at once (``ask``'s yes/no verdict); the database does not change meanwhile."""
    token = _SHARED.set(_Views(tuple(dict.fromkeys(perspectives))))
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: tuple[Any, ...], read: Callable[[], K]) -> K:
    """``read()``, kept under ``key`` while :func:`shared_reads` is open."""
    views = _SHARED.get()
    return read() if views is None else views.read(key, read)


def sharing() -> bool:
    """Whether :func:`shared_reads` is open."""
    return _SHARED.get() is not None


# --------------------------------------------------------------------------- json pieces


def name_of(kb: KnowledgeBase, actor_id: str) -> str:
    """An actor's name (its id when the corpus does not know it)."""
    ref = kb.render.ref(actor_id)
    return str(ref["name"]) if ref else actor_id


def day_json(d: date | None) -> Json | None:
    """A day as the contract's Date (earliest = latest)."""
    if d is None:
        return None
    return {"earliest": d.isoformat(), "latest": d.isoformat(), "text": d.isoformat()}
