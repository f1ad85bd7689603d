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

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, overload

import duckdb
from sqlglot import exp

from foedus.corpus.folder import display
from foedus.corpus.quotes import found, normalise
from foedus.errors import Problem
from foedus.model import (
    EVENT_TYPES,
    NORM_KINDS,
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


def scan(path: Path) -> str:
    """A SQL expression that reads one Parquet file."""
    return exp.func("read_parquet", exp.Literal.string(str(path))).sql("duckdb")


def _strings(values: Iterable[str]) -> str:
    """A SQL list of string literals, rendered by sqlglot."""
    return exp.Array(expressions=[exp.Literal.string(v) for v in values]).sql("duckdb")


def _ids_table(con: duckdb.DuckDBPyConnection, name: str, ids: Iterable[str]) -> int:
    """A table ``name(id)`` of the distinct ``ids``; how many there are."""
    rows = [(i,) for i in sorted(set(ids))]
    con.execute(f"CREATE TABLE {name} (id VARCHAR)")
    if rows:
        con.executemany(f"INSERT INTO {name} VALUES (?)", rows)
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
                f"SELECT id, min(_row) FROM (SELECT row_number() OVER () - 1 AS _row, id FROM "
                f"{scan(path)}) WHERE id IN (SELECT id FROM wanted) GROUP BY id"
            ).fetchall()
        }
    finally:
        con.close()


def counts(tables: dict[str, Path], skip_events: Iterable[str] = ()) -> dict[str, int]:
    """How many instruments and events a Parquet corpus's tables hold, and how many quotes
    they give (an instrument's and an event's ``quote``, every clause's text: what the build
    writes into ``quotes``), read in SQL; the events ``skip_events`` names are left out."""
    out = {"instruments": 0, "events": 0, "quotes": 0}
    con = duckdb.connect()
    try:
        if "instruments" in tables:
            n, q = con.execute(
                f"SELECT count(*), count(quote) FROM {scan(tables['instruments'])}"
            ).fetchone() or (0, 0)
            out["instruments"], out["quotes"] = n, out["quotes"] + q
        if "clauses" in tables:
            row = con.execute(f"SELECT count(*) FROM {scan(tables['clauses'])}").fetchone()
            out["quotes"] += row[0] if row else 0
        if "events" in tables:
            _ids_table(con, "skip", skip_events)
            n, q = con.execute(
                f"SELECT count(*), count(quote) FROM {scan(tables['events'])} "
                "WHERE id NOT IN (SELECT id FROM skip)"
            ).fetchone() or (0, 0)
            out["events"], out["quotes"] = n, out["quotes"] + q
    finally:
        con.close()
    return out


class LazyRecords(Sequence[Any]):
    """A read-only list of records made from a table on first use."""

    def __init__(self, make: Callable[[], list[Any]]) -> None:
        self._make = make
        self._items: list[Any] | None = None

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


def _rows(path: Path, order: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = duckdb.connect()
    try:
        cur = con.execute(f"SELECT * FROM {scan(path)} ORDER BY {order}")
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()


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


#: Reads a few events back from a built database (:mod:`foedus.build.schema`'s tables), by id.
_EVENTS_BY_ID_SQL = (
    "SELECT id, type, date_earliest, date_latest, date_text, instrument_id, mode, summary, "
    "justification, notes, hypothetical FROM events WHERE id IN ({marks})"
)
_EVENT_PARTS_SQL = (
    "SELECT '#actor' AS part, event_id, seq, actor_id, NULL AS quote FROM event_actors "
    "WHERE event_id IN ({marks}) "
    "UNION ALL SELECT '#target', event_id, seq, actor_id, NULL FROM event_targets "
    "WHERE event_id IN ({marks}) "
    "UNION ALL SELECT owner_kind, owner_id, seq, source_id, quote FROM quotes "
    "WHERE owner_id IN ({marks})"
)


def events_by_id(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, Event]:
    """The events among ``ids``, read from the corpus tables of a built database.

    The records are those :func:`load_events` makes from ``events.parquet`` (a quote's
    ``source`` is the one it resolves to, which renders the same). Each table is read by its
    id (the database's indexes make this a few index look-ups, not a scan), so that a query
    about a few events never makes the million others.
    """
    if not ids:
        return {}
    # the ids are inlined as literals, not bound: the client would look for pandas (an
    # import attempt, slow without pandas) for every bound value
    marks = ", ".join("'" + str(i).replace("'", "''") + "'" for i in ids)
    heads = con.execute(_EVENTS_BY_ID_SQL.format(marks=marks)).fetchall()
    if not heads:
        return {}
    parts = con.execute(_EVENT_PARTS_SQL.format(marks=marks)).fetchall()
    actors: dict[str, list[tuple[int, str]]] = {}
    targets: dict[str, list[tuple[int, str]]] = {}
    quotes: dict[str, list[tuple[int, Quote]]] = {}
    for part, owner, seq, value, quote in parts:
        if part == "#actor":
            actors.setdefault(owner, []).append((seq, value))
        elif part == "#target":
            targets.setdefault(owner, []).append((seq, value))
        elif part == "event":
            quotes.setdefault(owner, []).extend((seq, q) for q in _quotes(value, quote))
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
    ) in heads:
        out[ev_id] = Event.model_construct(
            id=ev_id,
            type=type_,
            date=_fd(d_e, d_l, d_t),
            actors=[a for _, a in sorted(actors.get(ev_id, []))],
            targets=[t for _, t in sorted(targets.get(ev_id, []))],
            instrument=instrument,
            mode=mode,
            summary=summary,
            sources=[q for _, q in sorted(quotes.get(ev_id, []), key=lambda x: x[0])],
            justification=justification,
            notes=notes,
            hypothetical=bool(hypothetical),
        )
    return out


def load_instruments(tables: dict[str, Path]) -> list[Instrument]:
    parties: dict[str, list[Party]] = {}
    if "parties" in tables:
        cols, rows = _rows(tables["parties"], "instrument_id, seq")
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
        cols, rows = _rows(tables["clauses"], "instrument_id, seq")
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
    cols, rows = _rows(tables["instruments"], "id")
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
            )
        )
    return out


# --------------------------------------------------------------------------- validation


def _problem(path: Path, row: int | None, message: str) -> Problem:
    return Problem(display(path), (row or 0) + 1, 1, message)


#: The text columns of each table that are checked for NUL characters (the first names the row).
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "instruments": ("id", "name", "kind", "source", "quote"),
    "parties": ("instrument_id", "actor", "how", "via"),
    "clauses": ("instrument_id", "clause_id", "article", "text", "source"),
    "events": ("id", "type", "summary", "justification", "mode", "source", "quote"),
}


def check_columns(tables: dict[str, Path]) -> list[Problem]:
    """Every table has the columns of the layout."""
    out = []
    con = duckdb.connect()
    try:
        for name, path in tables.items():
            try:
                have = {
                    d[0] for d in con.execute(f"SELECT * FROM {scan(path)} LIMIT 0").description
                }
            except duckdb.Error as e:
                out.append(_problem(path, None, f"cannot read Parquet table: {e}"))
                continue
            missing = [c for c in COLUMNS[name] if c not in have]
            if missing:
                out.append(
                    _problem(
                        path,
                        None,
                        f"{name}: missing column(s) " + ", ".join(repr(m) for m in missing),
                    )
                )
    finally:
        con.close()
    return out


def validate_tables(corpus: Any) -> list[Problem]:
    """The cross-record checks of a Parquet corpus, in SQL, table by table."""
    tables: dict[str, Path] = corpus.tables
    problems = check_columns(tables)
    if problems:
        return problems
    con = duckdb.connect()
    try:
        con.execute("CREATE TABLE actors (id VARCHAR, existed_from DATE, existed_to DATE)")
        rows = [
            (
                a.id,
                a.existed_from.earliest if a.existed_from else None,
                a.existed_to.latest if a.existed_to else None,
            )
            for a in corpus.actors
        ]
        if rows:
            con.executemany("INSERT INTO actors VALUES (?, ?, ?)", rows)
        con.execute("CREATE TABLE cats (id VARCHAR)")
        if corpus.categories:
            con.executemany("INSERT INTO cats VALUES (?)", [(c.id,) for c in corpus.categories])
        for name, path in tables.items():
            con.execute(
                f"CREATE VIEW {name} AS SELECT row_number() OVER () - 1 AS _row, * "
                f"FROM {scan(path)}"
            )

        def report(table: str, sql: str, message: Callable[..., str], limit: int = 50) -> None:
            for r in con.execute(sql + f" ORDER BY 1 LIMIT {limit}").fetchall():
                problems.append(_problem(tables[table], r[0], message(*r[1:])))

        for table, key in (("instruments", "id"), ("events", "id")):
            if table in tables:
                report(
                    table,
                    f"SELECT min(_row), {key} FROM {table} GROUP BY {key} HAVING count(*) > 1",
                    lambda k, t=table: f"duplicate {t[:-1]} id {k!r}",
                )
        if "events" in tables:
            types = _strings(EVENT_TYPES)
            report(
                "events",
                f"SELECT _row, id, type FROM events WHERE NOT list_contains({types}, type)",
                lambda i, t: f"event {i!r}: unknown event type {t!r}",
            )
            report(
                "events",
                "SELECT _row, id FROM events WHERE date_earliest IS NULL OR "
                "date_latest < date_earliest OR len(actors) = 0",
                lambda i: f"event {i!r}: missing or inverted date, or no actors",
            )
            for role in ("actors", "targets"):
                report(
                    "events",
                    f"""
                  SELECT e._row, e.id, e.who, a.id IS NULL, a.existed_from, a.existed_to
                  FROM (SELECT _row, id, date_earliest, date_latest, unnest({role}) AS who
                        FROM events) AS e
                  LEFT JOIN actors AS a ON a.id = e.who
                  WHERE a.id IS NULL OR e.date_latest < a.existed_from
                     OR e.date_earliest > a.existed_to""",
                    lambda i, a, unknown, f, t: (
                        f"event {i!r}: unknown actor {a!r}"
                        if unknown
                        else f"event {i!r} involves {a!r} outside its existence ({f} to {t})"
                    ),
                )
        if "parties" in tables:
            report(
                "parties",
                """
              SELECT p._row, p.instrument_id, p.actor FROM parties AS p
              LEFT JOIN actors AS a ON a.id = p.actor WHERE a.id IS NULL""",
                lambda i, a: f"instrument {i!r}: unknown actor {a!r}",
            )
            report(
                "parties",
                """
              SELECT p._row, p.instrument_id FROM parties AS p
              WHERE p.date_earliest IS NULL OR p.until_latest < p.date_earliest""",
                lambda i: f"instrument {i!r}: a party's date is missing or inverted",
            )
            if "instruments" in tables:
                report(
                    "parties",
                    """
                  SELECT p._row, p.instrument_id FROM parties AS p
                  ANTI JOIN instruments AS i ON i.id = p.instrument_id""",
                    lambda i: f"party of unknown instrument {i!r}",
                )
        if "clauses" in tables:
            kinds = _strings(NORM_KINDS)
            report(
                "clauses",
                f"SELECT _row, instrument_id, norm_kind FROM clauses "
                f"WHERE norm_kind IS NOT NULL AND NOT list_contains({kinds}, norm_kind)",
                lambda i, k: f"instrument {i!r}: unknown norm kind {k!r}",
            )
            report(
                "clauses",
                """
              SELECT c._row, c.instrument_id, c.cat FROM
                (SELECT _row, instrument_id, unnest(norm_categories) AS cat FROM clauses) AS c
              ANTI JOIN cats ON cats.id = c.cat""",
                lambda i, cat: f"instrument {i!r}: unknown category {cat!r}",
            )
        if "instruments" in tables:
            report(
                "instruments",
                """
              SELECT _row, id FROM instruments
              WHERE in_force_latest < signed_earliest OR ended_latest < in_force_earliest""",
                lambda i: f"instrument {i!r}: dates out of order",
            )
        # quotes: each distinct (source, text) once
        quoted = []
        for table, col in (("instruments", "quote"), ("events", "quote"), ("clauses", "text")):
            if table in tables:
                quoted.append(
                    f"SELECT min(_row), '{table}', source, {col} FROM {table} "
                    f"WHERE {col} IS NOT NULL GROUP BY source, {col}"
                )
        distinct = con.execute(" UNION ALL ".join(quoted)).fetchall() if quoted else []
        for row, table, source, text in distinct:
            src = corpus.source_of(source or "")
            if src is None or src not in corpus.sources:
                problems.append(
                    _problem(
                        tables[table],
                        row,
                        f'{table}: unknown source {src!r} for quote "{normalise(text)[:60]}"',
                    )
                )
            elif not found(text, corpus.sources[src]):
                problems.append(
                    _problem(
                        tables[table],
                        row,
                        f"{table}: quotes text not in "
                        f'source {src!r}\n  quote:   "{normalise(text)}"',
                    )
                )
        if "events" in tables:
            report(
                "events",
                "SELECT _row, id FROM events WHERE quote IS NULL",
                lambda i: f"event {i!r} cites no source",
            )
        for table, columns in TEXT_COLUMNS.items():  # text that cannot be stored or shown
            if table in tables:
                nul = " OR ".join(f"contains({c}, chr(0))" for c in columns)
                report(
                    table,
                    f"SELECT _row, {columns[0]} FROM {table} WHERE {nul}",
                    lambda i, t=table: f"{t}: {i!r}: text with a NUL character (\\x00)",
                )
    finally:
        con.close()
    return problems
