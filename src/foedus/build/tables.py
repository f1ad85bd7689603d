"""The corpus tables of a built database: corpus records as rows.

:func:`write_tables` creates every table of :data:`foedus.build.schema.TABLES` and fills it:
from the records of a YAML corpus (one Arrow table per table, inserted in one scan), and, for a
Parquet corpus, straight from its files in SQL (no per-record Python).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pyarrow as pa
from sqlglot import exp

from foedus.build.schema import (
    BEGIN,
    COMMIT,
    SCHEMA_VERSION,
    STORE,
    STORE_SCHEMA,
    STORED_EVENTS,
    STORED_QUOTES,
    TABLES,
    create,
)
from foedus.corpus.load import Corpus
from foedus.duck import arrow_table, duckdb, insert_arrow
from foedus.model import FuzzyDate

Progress = Callable[[str], None]


def _d(d: FuzzyDate | None) -> tuple[Any, Any, Any]:
    return (d.earliest, d.latest, d.text) if d else (None, None, None)


def _stored(name: str) -> str:
    """The table that holds the rows of corpus table ``name``: itself, or for a view of
    :data:`foedus.build.schema.VIEWS` the table of :data:`foedus.build.schema.STORE` under it
    (the rows of ``event_actors`` and ``event_targets`` are lists of ``events``' rows)."""
    return {"events": STORED_EVENTS, "quotes": STORED_QUOTES}.get(name, name)


def _rows(corpus: Corpus) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of each table that holds the corpus (keyed by :func:`_stored`'s names)."""
    rows: dict[str, list[tuple[Any, ...]]] = {
        _stored(name): [] for name in TABLES if name not in ("event_actors", "event_targets")
    }

    def quotes(kind: str, owner: str, part: str | None, qs: Iterable[Any]) -> None:
        for k, q in enumerate(qs):
            rows[STORED_QUOTES].append((kind, owner, part, k, corpus.source_of(q.source), q.quote))

    for a in corpus.actors:
        rows["actors"].append(
            (
                a.id,
                a.name,
                a.kind,
                a.predecessor,
                a.successor,
                a.part_of,
                *_d(a.existed_from),
                *_d(a.existed_to),
                a.notes,
            )
        )
        names = dict.fromkeys(n.lower() for n in a.names())
        rows["aliases"] += [(n, a.id) for n in names]
        quotes("actor", a.id, None, a.sources)
    for i in corpus.instruments:
        rows["instruments"].append(
            (
                i.id,
                i.name,
                i.kind,
                *_d(i.signed),
                *_d(i.in_force),
                *_d(i.ended),
                i.amends,
                i.notes,
                i.hypothetical,
                list(i.supersedes),
                i.political,
            )
        )
        names = dict.fromkeys(n.lower() for n in (i.id, i.name, *i.aliases))
        rows["instrument_aliases"] += [(n, i.id) for n in names]
        for k, p in enumerate(i.parties):
            rows["parties"].append(
                (i.id, k, p.actor, p.how, *_d(p.date), *_d(p.until), p.via, p.notes)
            )
            quotes("party", i.id, str(k), p.sources)
        for k, c in enumerate(i.clauses):
            rows["clauses"].append(
                (i.id, c.id, k, c.article, c.text, corpus.source_of(c.source), c.notes)
            )
            rows[STORED_QUOTES].append(
                ("clause", i.id, c.id, 0, corpus.source_of(c.source), c.text)
            )
            if c.norm is not None:
                n = c.norm
                rows["norms"].append(
                    (i.id, c.id, n.kind, n.bearers, n.beneficiaries, n.description)
                )
                rows["norm_categories"] += [(i.id, c.id, cat) for cat in n.categories]
        quotes("instrument", i.id, None, i.sources)
    for e in corpus.events:
        rows[STORED_EVENTS].append(
            (
                e.id,
                e.type,
                *_d(e.date),
                e.instrument,
                e.mode,
                e.summary,
                e.justification,
                e.notes,
                e.hypothetical,
                list(e.actors),
                list(e.targets),
                [{"source_id": corpus.source_of(q.source), "quote": q.quote} for q in e.sources],
            )
        )
    for cat in corpus.categories:
        rows["categories"].append((cat.id, cat.name, cat.notes))
        rows["category_event_types"] += [(cat.id, t) for t in cat.event_types]
        quotes("category", cat.id, None, cat.sources)
    for view in corpus.perspectives:
        rows["perspectives"].append(
            (view.id, view.name, view.description, view.rules, view.replaces)
        )
        quotes("perspective", view.id, None, view.sources)
    rows["sources"] = sorted(corpus.sources.items())
    rows["meta"] = [
        ("corpus", corpus.metadata.name),
        ("content_hash", corpus.content_hash),
        ("schema_version", SCHEMA_VERSION),
    ]
    return rows


def _parquet_inserts(corpus: Corpus) -> dict[str, list[str]]:
    """``INSERT`` statements that fill the corpus tables from a Parquet corpus's tables, in
    SQL (no per-record Python); the layout is :mod:`foedus.corpus.parquet`'s."""
    t = corpus.tables
    given = corpus.default_source
    default = exp.null() if given is None else exp.Literal.string(given)
    src = exp.func("coalesce", exp.column("source"), default)
    out: dict[str, list[str]] = {name: [] for name in TABLES}  # by the corpus table's name
    null, false, zero = exp.null, exp.false, lambda: exp.Literal.number(0)

    def read(path: Any) -> exp.Expression:
        return exp.func("read_parquet", exp.Literal.string(str(path)))

    def dates(*names: str) -> list[str]:
        return [f"{n}_{part}" for n in names for part in ("earliest", "latest", "text")]

    def insert(table: str, query: exp.Select) -> None:
        out[table].append(exp.insert(query, _stored(table)).sql("duckdb"))

    def quoted() -> exp.Expression:
        return exp.column("quote").is_(exp.null()).not_()

    if "instruments" in t:
        ins = read(t["instruments"])
        none_superseded = exp.cast(exp.Array(expressions=[]), exp.DataType.build("VARCHAR[]"))
        cols = ["id", "name", "kind", *dates("signed", "in_force", "ended")]
        insert(
            "instruments",
            # amends, notes, hypothetical, supersedes (none: an empty list, as YAML's), political
            exp.select(*cols, null(), null(), false(), none_superseded, false()).from_(ins),
        )
        names = exp.select("id", exp.Explode(this=exp.array("id", "name")).as_("n")).from_(ins)
        insert(
            "instrument_aliases",
            exp.select(exp.func("lower", exp.column("n")), "id").distinct().from_(names.subquery()),
        )
        insert(
            "quotes",
            exp.select(exp.Literal.string("instrument"), "id", null(), zero(), src.copy(), "quote")
            .from_(ins)
            .where(quoted()),
        )
    if "parties" in t:
        cols = ["instrument_id", "seq", "actor", "how", *dates("date", "until"), "via"]
        insert("parties", exp.select(*cols, null()).from_(read(t["parties"])))
    if "clauses" in t:
        cl = read(t["clauses"])
        cols = ["instrument_id", "clause_id", "seq", "article", "text"]
        insert("clauses", exp.select(*cols, src.copy(), null()).from_(cl))
        insert(
            "quotes",
            exp.select(
                exp.Literal.string("clause"),
                "instrument_id",
                "clause_id",
                zero(),
                src.copy(),
                "text",
            ).from_(cl),
        )
        normed = exp.column("norm_kind").is_(exp.null()).not_()
        cols = ["instrument_id", "clause_id", "norm_kind", "bearers", "beneficiaries"]
        insert("norms", exp.select(*cols, null()).from_(cl).where(normed))
        categories = exp.Explode(this=exp.column("norm_categories"))
        insert(
            "norm_categories",
            exp.select("instrument_id", "clause_id", categories).from_(cl).where(normed.copy()),
        )
    if "events" in t:
        ev: exp.Expression = read(t["events"])
        if restated := sorted({e.id for e in corpus.added.get("events", [])}):
            # an overlay's events replace the table's of the same id (docs/decisions/0005)
            kept = exp.not_(exp.column("id").isin(*(exp.Literal.string(i) for i in restated)))
            ev = exp.select("*").from_(ev).where(kept).subquery()
        cols = ["id", "type", *dates("date")]
        rest = ["mode", "summary", "justification"]
        # an event's one quote, as the list of the stored row (none: an empty list, as YAML's)
        quote = exp.Struct(
            expressions=[
                exp.PropertyEQ(this=exp.to_identifier("source_id"), expression=src.copy()),
                exp.PropertyEQ(this=exp.to_identifier("quote"), expression=exp.column("quote")),
            ]
        )
        quotes = exp.If(
            this=quoted(),
            true=exp.Array(expressions=[quote]),
            false=exp.Array(expressions=[]),
        )
        lists = [
            exp.func("coalesce", exp.column(r), exp.Array(expressions=[]))
            for r in ("actors", "targets")
        ]
        insert(
            "events",
            exp.select(*cols, null(), *rest, null(), false(), *lists, quotes).from_(ev),
        )
    return out


def _insert(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[Any, ...]]) -> None:
    """Append ``rows`` to table ``name`` as one Arrow table with the table's column types."""
    schema = arrow_table(con, exp.select("*").from_(name).limit(0).sql("duckdb")).schema
    columns = list(zip(*rows, strict=True))
    table = pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)],
        schema=schema,
    )
    insert_arrow(con, name, table)


def write_tables(
    con: duckdb.DuckDBPyConnection, corpus: Corpus, progress: Progress | None = None
) -> None:
    """Create and fill every corpus table in an open database.

    The tables of a Parquet corpus (``corpus.tables``) are read straight from the files.
    """
    fast: dict[str, list[str]] = {}
    if corpus.tables:
        fast = _parquet_inserts(corpus)
        corpus = corpus.untabled()  # the tables' records are not made; an overlay's are
    rows = _rows(corpus)
    con.execute(BEGIN)
    con.execute(exp.Create(this=exp.to_table(STORE_SCHEMA), kind="SCHEMA").sql("duckdb"))
    for name in STORE:
        con.execute(create(name))
    for name in TABLES:
        if progress:
            progress(f"table {name}")
        con.execute(create(name))
        stored = rows.get(_stored(name))  # none for a view of the events' lists
        if stored:  # one Arrow table, typed as the table: no SQL text of the rows
            _insert(con, _stored(name), stored)
        for sql in fast.get(name, []):
            con.execute(sql)
    con.execute(COMMIT)
