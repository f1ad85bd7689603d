"""The corpus tables of a built database: corpus records as rows.

:func:`write_tables` creates every table of :data:`foedus.build.schema.TABLES` and fills it:
from the records of a YAML corpus (one ``INSERT`` of literal rows per table), and, for a
Parquet corpus, straight from its files in SQL (no per-record Python).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import duckdb
from sqlglot import exp

from foedus.build.schema import SCHEMA_VERSION, TABLES, create
from foedus.corpus.load import Corpus
from foedus.corpus.parquet import scan
from foedus.model import FuzzyDate

Progress = Callable[[str], None]


def _d(d: FuzzyDate | None) -> tuple[Any, Any, Any]:
    return (d.earliest, d.latest, d.text) if d else (None, None, None)


def _rows(corpus: Corpus) -> dict[str, list[tuple[Any, ...]]]:
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}

    def quotes(kind: str, owner: str, part: str | None, qs: Iterable[Any]) -> None:
        for k, q in enumerate(qs):
            rows["quotes"].append((kind, owner, part, k, corpus.source_of(q.source), q.quote))

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
            rows["quotes"].append(("clause", i.id, c.id, 0, corpus.source_of(c.source), c.text))
            if c.norm is not None:
                n = c.norm
                rows["norms"].append(
                    (i.id, c.id, n.kind, n.bearers, n.beneficiaries, n.description)
                )
                rows["norm_categories"] += [(i.id, c.id, cat) for cat in n.categories]
        quotes("instrument", i.id, None, i.sources)
    for e in corpus.events:
        rows["events"].append(
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
            )
        )
        rows["event_actors"] += [(e.id, k, a) for k, a in enumerate(e.actors)]
        rows["event_targets"] += [(e.id, k, a) for k, a in enumerate(e.targets)]
        quotes("event", e.id, None, e.sources)
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
    default = (
        exp.null() if corpus.default_source is None else exp.Literal.string(corpus.default_source)
    )
    src = exp.func("coalesce", exp.column("source"), default).sql("duckdb")
    out: dict[str, list[str]] = {name: [] for name in TABLES}

    def dates(*names: str) -> str:
        return ", ".join(f"{n}_earliest, {n}_latest, {n}_text" for n in names)

    if "instruments" in t:
        ins = scan(t["instruments"])
        out["instruments"].append(
            f"INSERT INTO instruments SELECT id, name, kind, {dates('signed', 'in_force', 'ended')}"
            f", NULL, NULL, false FROM {ins}"
        )
        out["instrument_aliases"].append(
            f"INSERT INTO instrument_aliases SELECT DISTINCT lower(n), id FROM "
            f"(SELECT id, unnest([id, name]) AS n FROM {ins})"
        )
        out["quotes"].append(
            f"INSERT INTO quotes SELECT 'instrument', id, NULL, 0, {src}, quote FROM {ins} "
            "WHERE quote IS NOT NULL"
        )
    if "parties" in t:
        out["parties"].append(
            f"INSERT INTO parties SELECT instrument_id, seq, actor, how, {dates('date', 'until')}"
            f", via, NULL FROM {scan(t['parties'])}"
        )
    if "clauses" in t:
        cl = scan(t["clauses"])
        out["clauses"].append(
            f"INSERT INTO clauses SELECT instrument_id, clause_id, seq, article, text, {src}, "
            f"NULL FROM {cl}"
        )
        out["quotes"].append(
            f"INSERT INTO quotes SELECT 'clause', instrument_id, clause_id, 0, {src}, text "
            f"FROM {cl}"
        )
        out["norms"].append(
            f"INSERT INTO norms SELECT instrument_id, clause_id, norm_kind, bearers, "
            f"beneficiaries, NULL FROM {cl} WHERE norm_kind IS NOT NULL"
        )
        out["norm_categories"].append(
            f"INSERT INTO norm_categories SELECT instrument_id, clause_id, "
            f"unnest(norm_categories) FROM {cl} WHERE norm_kind IS NOT NULL"
        )
    if "events" in t:
        ev = scan(t["events"])
        if restated := sorted({e.id for e in corpus.added.get("events", [])}):
            # an overlay's events replace the table's of the same id (docs/decisions/0005)
            ids = ", ".join(exp.Literal.string(i).sql("duckdb") for i in restated)
            ev = f"(SELECT * FROM {ev} WHERE id NOT IN ({ids}))"
        out["events"].append(
            f"INSERT INTO events SELECT id, type, {dates('date')}, NULL, mode, summary, "
            f"justification, NULL, false FROM {ev}"
        )
        for role in ("actors", "targets"):
            out[f"event_{role}"].append(
                f"INSERT INTO event_{role} SELECT id, CAST(generate_subscripts({role}, 1) - 1 "
                f"AS INTEGER), unnest({role}) FROM {ev}"
            )
        out["quotes"].append(
            f"INSERT INTO quotes SELECT 'event', id, NULL, 0, {src}, quote FROM {ev} "
            "WHERE quote IS NOT NULL"
        )
    return out


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
    con.execute("BEGIN TRANSACTION")
    for name in TABLES:
        if progress:
            progress(f"table {name}")
        con.execute(create(name))
        if rows[name]:  # one INSERT of literal rows: much faster than binding each row
            con.execute(exp.insert(exp.values(rows[name]), name).sql("duckdb"))
        for sql in fast.get(name, []):
            con.execute(sql)
    con.execute("COMMIT")
