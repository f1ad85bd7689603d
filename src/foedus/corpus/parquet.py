"""Parquet corpora: the columnar layout of large corpora, read without per-record Python.

A corpus folder may hold, instead of (or beside) YAML lists of instruments and events, four
Parquet tables (docs/performance.md, "The Parquet corpus layout"). Dates are three columns
``<name>_earliest DATE, <name>_latest DATE, <name>_text VARCHAR`` (NULL when absent):

``instruments.parquet``
    ``id, name, kind, signed_*, in_force_*, ended_*, source, quote`` (one cited quote)
``parties.parquet``
    ``instrument_id, seq, actor, how, date_*, until_*, via``
``clauses.parquet``
    ``instrument_id, seq, clause_id, article, text, source, norm_kind, norm_categories
    VARCHAR[], bearers VARCHAR[], beneficiaries VARCHAR[]`` (``norm_kind`` NULL: no norm)
``events.parquet``
    ``id, type, date_*, actors VARCHAR[], targets VARCHAR[], mode, summary, justification,
    source, quote``

Actors, categories and perspectives stay YAML (they are few). A Parquet corpus is validated
table by table in SQL: references, duplicate ids, dates in order and inside the actors'
existence, and each *distinct* quoted text found verbatim in its source; problems name the
file and the row (``events.parquet:12:1`` is the twelfth row). The records are made into
typed objects only when something asks for them (:class:`LazyRecords`): the build reads the
tables straight into DuckDB.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, overload

from sqlglot import exp

from foedus.duck import duckdb
from foedus.model import (
    Clause,
    Event,
    FuzzyDate,
    Instrument,
    Norm,
    Party,
    Quote,
)

_DATE = ("earliest", "latest", "text")

#: Required columns of each table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "instruments": (
        "id",
        "name",
        "kind",
        *(f"{d}_{p}" for d in ("signed", "in_force", "ended") for p in _DATE),
        "source",
        "quote",
    ),
    "parties": (
        "instrument_id",
        "seq",
        "actor",
        "how",
        *(f"date_{p}" for p in _DATE),
        *(f"until_{p}" for p in _DATE),
        "via",
    ),
    "clauses": (
        "instrument_id",
        "seq",
        "clause_id",
        "article",
        "text",
        "source",
        "norm_kind",
        "norm_categories",
        "bearers",
        "beneficiaries",
    ),
    "events": (
        "id",
        "type",
        *(f"date_{p}" for p in _DATE),
        "actors",
        "targets",
        "mode",
        "summary",
        "justification",
        "source",
        "quote",
    ),
}


def parquet_tables(root: Path) -> dict[str, Path]:
    """The Parquet tables of a corpus folder, by table name (empty for a YAML corpus)."""
    return {
        name: root / f"{name}.parquet" for name in COLUMNS if (root / f"{name}.parquet").is_file()
    }


def _scan(path: Path) -> exp.Expression:
    """The table function that reads one Parquet file, as a sqlglot tree."""
    return exp.func("read_parquet", exp.Literal.string(str(path)))


def _numbered(path: Path) -> exp.Select:
    """The rows of one Parquet file with ``_row``, each one's 0-based position in the file
    (DuckDB's ``file_row_number``: read in parallel, where ``row_number() OVER ()`` numbered
    the rows in one thread, 2-3 times slower over the 10^6 world's events)."""
    row = exp.column("file_row_number")
    scan = exp.func(
        "read_parquet", exp.Literal.string(str(path)), exp.EQ(this=row, expression=exp.true())
    )
    return exp.select(exp.alias_(row.copy(), "_row"), exp.Star(**{"except": [row.copy()]})).from_(
        scan
    )


def _counts(path: Path, *what: exp.Expression) -> exp.Select:
    return exp.select(*what).from_(_scan(path))


_COUNT = exp.Count(this=exp.Star())
_COUNT_QUOTE = exp.Count(this=exp.column("quote"))


def _not_in(values: Iterable[str], column: str) -> exp.Not:
    """``NOT list_contains([values], column)``: the values as sqlglot literals."""
    listed = exp.Array(expressions=[exp.Literal.string(v) for v in values])
    return exp.not_(exp.Anonymous(this="list_contains", expressions=[listed, exp.column(column)]))


def _ids_table(con: duckdb.DuckDBPyConnection, name: str, ids: Iterable[str]) -> int:
    """A table ``name(id)`` of the distinct ``ids``; how many there are."""
    rows = [(i,) for i in sorted(set(ids))]
    schema = exp.Schema(
        this=exp.to_table(name),
        expressions=[
            exp.ColumnDef(this=exp.to_identifier("id"), kind=exp.DataType.build("VARCHAR"))
        ],
    )
    con.execute(exp.Create(this=schema, kind="TABLE").sql("duckdb"))
    if rows:
        values = exp.Values(expressions=[exp.Tuple(expressions=[exp.Placeholder()])])
        con.executemany(exp.insert(values, name).sql("duckdb"), rows)
    return len(rows)


def rows_of(path: Path, ids: Iterable[str]) -> dict[str, int]:
    """``{id: row}`` (0-based, in file order) of the rows of a table whose id is one of
    ``ids``: which of a few ids a large table holds, without reading the others."""
    con = duckdb.connect()
    try:
        if not _ids_table(con, "wanted", ids):
            return {}
        return {
            i: int(r)
            for i, r in con.execute(
                exp.select("id", exp.Min(this=exp.column("_row")))
                .from_(exp.Subquery(this=_numbered(path)))
                .where(exp.column("id").isin(query=exp.select("id").from_("wanted")))
                .group_by("id")
                .sql("duckdb")
            ).fetchall()
        }
    finally:
        con.close()


def norm_clauses(tables: dict[str, Path], kind: str) -> list[tuple[str, str, list[str]]]:
    """``(instrument, clause, categories)`` of every clause whose norm is of ``kind``, in the
    order :func:`load_instruments` makes them (the instruments by id, each one's clauses by
    ``seq``; a clause of no instrument left out, as there): what a question about one kind of
    norm reads without making every instrument."""
    if "clauses" not in tables or "instruments" not in tables:
        return []
    c = exp.column

    def scan(name: str, alias: str) -> exp.Table:
        return exp.Table(
            this=_scan(tables[name]), alias=exp.TableAlias(this=exp.to_identifier(alias))
        )

    q = (
        exp.select(c("instrument_id", "c"), c("clause_id", "c"), c("norm_categories", "c"))
        .from_(scan("clauses", "c"))
        .join(
            scan("instruments", "i"),
            on=exp.EQ(this=c("id", "i"), expression=c("instrument_id", "c")),
            join_type="semi",
        )
        .where(exp.EQ(this=c("norm_kind", "c"), expression=exp.Literal.string(kind)))
        .order_by(c("instrument_id", "c"), c("seq", "c"))
    )
    return [(i, k, list(cats or [])) for i, k, cats in _read(q)[1]]


def instruments_with_parties(tables: dict[str, Path], actors: Iterable[str]) -> list[str]:
    """The ids of the instruments that list every one of ``actors`` among their parties (an
    instrument of the instruments table; by id), read without making the instruments: what
    ``treaties --between`` asks of every instrument."""
    wanted = sorted(set(actors))
    if "parties" not in tables or "instruments" not in tables or not wanted:
        return []
    c = exp.column
    q = (
        exp.select(c("instrument_id"))
        .from_(_scan(tables["parties"]))
        .where(c("actor").isin(*(exp.Literal.string(a) for a in wanted)))
        .where(c("instrument_id").isin(query=exp.select("id").from_(_scan(tables["instruments"]))))
        .group_by(c("instrument_id"))
        .having(
            exp.EQ(
                this=exp.Count(this=exp.Distinct(expressions=[c("actor")])),
                expression=exp.Literal.number(len(wanted)),
            )
        )
        .order_by(c("instrument_id"))
    )
    return [i for (i,) in _read(q)[1]]


def counts(tables: dict[str, Path], skip_events: Iterable[str] = ()) -> dict[str, int]:
    """How many instruments and events a Parquet corpus's tables hold, and how many quotes
    they give (an instrument's and an event's ``quote``, every clause's text: what the build
    writes into ``quotes``), read in SQL; the events ``skip_events`` names are left out."""
    out = {"instruments": 0, "events": 0, "quotes": 0}
    con = duckdb.connect()
    try:
        if "instruments" in tables:
            n, q = con.execute(
                _counts(tables["instruments"], _COUNT, _COUNT_QUOTE).sql("duckdb")
            ).fetchone() or (0, 0)
            out["instruments"], out["quotes"] = n, out["quotes"] + q
        if "clauses" in tables:
            row = con.execute(_counts(tables["clauses"], _COUNT).sql("duckdb")).fetchone()
            out["quotes"] += row[0] if row else 0
        if "events" in tables:
            _ids_table(con, "skip", skip_events)
            kept = exp.not_(exp.column("id").isin(query=exp.select("id").from_("skip")))
            n, q = con.execute(
                _counts(tables["events"], _COUNT, _COUNT_QUOTE).where(kept).sql("duckdb")
            ).fetchone() or (0, 0)
            out["events"], out["quotes"] = n, out["quotes"] + q
    finally:
        con.close()
    return out


class LazyRecords(Sequence[Any]):
    """A read-only list of records made from a table on first use; ``some`` (optional) makes
    only the records of some ids (:meth:`by_id`), without making the others, and ``listed``
    (optional) reads their ids and names (:meth:`names`). Pickled, it keeps
    how to make them, not what it made (a kept corpus, :mod:`foedus.corpus.cache`)."""

    #: Records made alone before all are made at once: a caller going through many (a
    #: server's answers) reads the tables once, not three reads per record (~15 ms each).
    ONE_BY_ONE = 24
    #: Records made together by :meth:`some` at most (more are made with all the others).
    TOGETHER = 2_000
    _ids: frozenset[str] | None = None  # the ids, read once to answer a look-up of no record
    _singles = 0  # how many records were made alone

    def __init__(
        self,
        make: Callable[[], list[Any]],
        some: Callable[[Sequence[str]], list[Any]] | None = None,
        listed: Callable[[], list[tuple[str, str, list[str]]]] | None = None,
    ) -> None:
        self._make = make
        self._some = some
        self._listed = listed
        self._items: list[Any] | None = None
        self._index: dict[str, Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {
            "_make": self._make,
            "_some": self._some,
            "_listed": self._listed,
            "_items": None,
            "_index": None,
            "_ids": None,
        }

    def names(self) -> list[tuple[str, str, list[str]]] | None:
        """``(id, name, aliases)`` of every record, read without making them when ``listed``
        was given and they are not made; else None."""
        if self._items is None and self._listed is not None:
            return self._listed()
        return None

    @property
    def looks_up(self) -> bool:
        """Whether one record is made alone by :meth:`by_id` (``some`` given)."""
        return self._some is not None

    def by_id(self, record_id: str) -> Any | None:
        """The record of id ``record_id``, or None: from the records when they are made, else
        made alone (when ``some`` was given, for the first :data:`ONE_BY_ONE` reads), else
        all made first (:meth:`some`)."""
        return self.some([record_id]).get(record_id)

    def some(self, record_ids: Sequence[str]) -> dict[str, Any]:
        """The records of ``record_ids`` that there are, by id: made together in one read
        (when ``some`` was given, fewer than :data:`ONE_BY_ONE` reads were made so, and they
        are at most :data:`TOGETHER`; it counts as one read), else from all the records, made
        first."""
        ids = list(dict.fromkeys(record_ids))
        if (
            self._items is not None
            or self._some is None
            or self._singles >= self.ONE_BY_ONE
            or len(ids) > self.TOGETHER
        ):
            if self._index is None:
                self._index = {r.id: r for r in self._all()}
            return {i: self._index[i] for i in ids if i in self._index}
        if self._listed is not None:  # ids that are none of theirs read nothing
            if self._ids is None:
                self._ids = frozenset(i for i, _, _ in self._listed())
            ids = [i for i in ids if i in self._ids]
        if not ids:
            return {}
        self._singles += 1
        return {r.id: r for r in self._some(ids)}

    def _all(self) -> list[Any]:
        if self._items is None:
            self._items = self._make()
        return self._items

    @property
    def loaded(self) -> bool:
        """Whether the records have been made (by a first use)."""
        return self._items is not None

    @overload
    def __getitem__(self, i: int) -> Any: ...
    @overload
    def __getitem__(self, i: slice) -> list[Any]: ...
    def __getitem__(self, i: int | slice) -> Any:
        return self._all()[i]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())


def _fd(e: date | None, la: date | None, t: str | None) -> FuzzyDate | None:
    if e is None:
        return None
    return FuzzyDate.model_construct(earliest=e, latest=la or e, text=t or e.isoformat())


#: The in-memory DuckDB connection that :func:`_rows` reads the tables through, opened on
#: first use: a look-up of one record reads three tables, and opening a connection for each
#: read cost ~10 ms (a ``holds`` answer naming five instruments took 0.27 s).
_reader: list[duckdb.DuckDBPyConnection] = []
_reader_lock = threading.Lock()


def _read(query: exp.Expression) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of ``query`` (a read of the tables), through :data:`_reader`."""
    with _reader_lock:
        if not _reader:
            _reader.append(duckdb.connect())
        cur = _reader[0].cursor()  # a cursor per read: threads read side by side
    try:
        cur.execute(query.sql("duckdb"))
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        cur.close()


def _rows(
    path: Path, *order: str, where: exp.Expression | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    return _read(exp.select("*").from_(_scan(path)).where(where).order_by(*order, dialect="duckdb"))


def _quotes(source: str | None, quote: str | None) -> list[Quote]:
    return [Quote.model_construct(source=source or "", quote=quote)] if quote else []


def load_events(path: Path) -> list[Event]:
    cols, rows = _rows(path, "id")
    out = []
    for r in rows:
        d = dict(zip(cols, r, strict=True))
        out.append(
            Event.model_construct(
                id=d["id"],
                type=d["type"],
                date=_fd(d["date_earliest"], d["date_latest"], d["date_text"]),
                actors=list(d["actors"] or []),
                targets=list(d["targets"] or []),
                instrument=None,
                mode=d["mode"],
                summary=d["summary"],
                sources=_quotes(d["source"], d["quote"]),
                justification=d["justification"],
                notes=None,
                hypothetical=False,
            )
        )
    return out


#: The columns of an event read back from a built database's stored events
#: (:data:`foedus.build.schema.STORED_EVENTS`) by :func:`events_by_id`.
_EVENT_COLUMNS = (
    "id, type, date_earliest, date_latest, date_text, instrument_id, mode, summary, "
    "justification, notes, hypothetical, actors, targets, quotes"
).split(", ")


def _events_by_id(table: str, ids: list[exp.Literal]) -> exp.Select:
    """``SELECT`` the stored columns ``FROM table WHERE id IN (ids)``, made from new nodes
    (nothing to parse, nothing to copy)."""
    of_ids = exp.In(this=exp.column("id"), expressions=ids)
    rows = exp.Select(expressions=[exp.column(c) for c in _EVENT_COLUMNS])
    return rows.from_(exp.to_table(table), copy=False).where(of_ids, copy=False)


def events_by_id(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str], table: str
) -> dict[str, Event]:
    """The events among ``ids``, read from ``table``, the stored events of a built database
    (:data:`foedus.build.schema.STORED_EVENTS`: an event with its actors, targets and quotes
    in one row).

    The records are those :func:`load_events` makes from ``events.parquet`` (a quote's
    ``source`` is the one it resolves to, which renders the same). The rows are read by their
    id (the database's index makes this a few index look-ups, not a scan), so that a query
    about a few events never makes the million others.
    """
    if not ids:
        return {}
    # the ids are inlined as literals, not bound: the client would look for pandas (an
    # import attempt, slow without pandas) for every bound value
    marks = [exp.Literal.string(str(i)) for i in ids]
    rows = con.execute(_events_by_id(table, marks).sql("duckdb", copy=False)).fetchall()
    out = {}
    for (
        ev_id,
        type_,
        d_e,
        d_l,
        d_t,
        instrument,
        mode,
        summary,
        justification,
        notes,
        hypothetical,
        actors,
        targets,
        quotes,
    ) in rows:
        out[ev_id] = Event.model_construct(
            id=ev_id,
            type=type_,
            date=_fd(d_e, d_l, d_t),
            actors=list(actors or []),
            targets=list(targets or []),
            instrument=instrument,
            mode=mode,
            summary=summary,
            sources=[q for x in quotes or [] for q in _quotes(x["source_id"], x["quote"])],
            justification=justification,
            notes=notes,
            hypothetical=bool(hypothetical),
        )
    return out


def load_instruments(tables: dict[str, Path], ids: Sequence[str] | None = None) -> list[Instrument]:
    """The instruments of the tables, by id (only those of ``ids`` when given)."""

    def among(column: str) -> exp.Expression | None:
        if ids is None:
            return None
        return exp.column(column).isin(*(exp.Literal.string(i) for i in ids))

    parties: dict[str, list[Party]] = {}
    if "parties" in tables:
        cols, rows = _rows(tables["parties"], "instrument_id", "seq", where=among("instrument_id"))
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            parties.setdefault(d["instrument_id"], []).append(
                Party.model_construct(
                    actor=d["actor"],
                    how=d["how"],
                    date=_fd(d["date_earliest"], d["date_latest"], d["date_text"]),
                    until=_fd(d["until_earliest"], d["until_latest"], d["until_text"]),
                    via=d["via"],
                    sources=[],
                    notes=None,
                )
            )
    clauses: dict[str, list[Clause]] = {}
    if "clauses" in tables:
        cols, rows = _rows(tables["clauses"], "instrument_id", "seq", where=among("instrument_id"))
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            norm = None
            if d["norm_kind"]:
                norm = Norm.model_construct(
                    kind=d["norm_kind"],
                    categories=list(d["norm_categories"] or []),
                    bearers=d["bearers"],
                    beneficiaries=d["beneficiaries"],
                    description=None,
                )
            clauses.setdefault(d["instrument_id"], []).append(
                Clause.model_construct(
                    id=d["clause_id"],
                    article=d["article"],
                    text=d["text"],
                    source=d["source"] or "",
                    norm=norm,
                    notes=None,
                )
            )
    cols, rows = _rows(tables["instruments"], "id", where=among("id"))
    out = []
    for r in rows:
        d = dict(zip(cols, r, strict=True))
        out.append(
            Instrument.model_construct(
                id=d["id"],
                name=d["name"],
                kind=d["kind"],
                aliases=[],
                signed=_fd(d["signed_earliest"], d["signed_latest"], d["signed_text"]),
                in_force=_fd(d["in_force_earliest"], d["in_force_latest"], d["in_force_text"]),
                ended=_fd(d["ended_earliest"], d["ended_latest"], d["ended_text"]),
                amends=None,
                parties=parties.get(d["id"], []),
                clauses=clauses.get(d["id"], []),
                sources=_quotes(d["source"], d["quote"]),
                notes=None,
                hypothetical=False,
                # given, not left to its default: pydantic inspects a default factory's
                # signature for every record it makes (0.5 s for 2,000 instruments)
                supersedes=[],
            )
        )
    return out


def instrument_names(tables: dict[str, Path]) -> list[tuple[str, str, list[str]]]:
    """``(id, name, aliases)`` of every instrument, in the order :func:`load_instruments`
    makes them (none has aliases there), read without making them."""
    q = exp.select("id", "name").from_(_scan(tables["instruments"])).order_by("id")
    return [(i, n, []) for i, n in _read(q)[1]]
