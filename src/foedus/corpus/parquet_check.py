"""Validation of a Parquet corpus (:mod:`foedus.corpus.parquet`), table by table in SQL:
references, duplicate ids, dates in order and inside the actors' existence, and each
*distinct* quoted text found verbatim in its source; problems name the file and the row
(``events.parquet:12:1`` is the twelfth row). Every query is a sqlglot tree (or constant text
parsed into one)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.corpus.folder import display
from foedus.corpus.parquet import COLUMNS, _not_in, _numbered, _scan
from foedus.corpus.quotes import found, normalise
from foedus.duck import duckdb, insert_arrow
from foedus.errors import Problem
from foedus.model import EVENT_TYPES, NORM_KINDS

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


def _table(name: str, **columns: str) -> str:
    """``CREATE TABLE name (column type, …)``."""
    defs = [
        exp.ColumnDef(this=exp.to_identifier(c), kind=exp.DataType.build(t))
        for c, t in columns.items()
    ]
    schema = exp.Schema(this=exp.to_table(name), expressions=defs)
    return exp.Create(this=schema, kind="TABLE").sql("duckdb")


def _insert_all(
    con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple[Any, ...]], width: int
) -> None:
    """Insert ``rows`` (tuples of ``width`` values) into the table ``name`` in one statement,
    from an Arrow table of them (``executemany`` ran the statement once per row: 0.3 s for the
    500 actors of a generated world; each column bound as one list, DuckDB's client tried to
    import pandas once for every value: 1,088 tries, 0.1 s, for the 10^6 world)."""
    if not rows:
        return
    import pyarrow as pa  # with a Parquet corpus only, which the build reads with it too

    columns = [pa.array(list(c)) for c in zip(*rows, strict=True)]
    insert_arrow(con, name, pa.table(columns, names=[f"c{i}" for i in range(width)]))


def check_columns(tables: dict[str, Path]) -> list[Problem]:
    """Every table has the columns of the layout."""
    out = []
    con = duckdb.connect()
    try:
        for name, path in tables.items():
            try:
                have = {
                    d[0]
                    for d in con.execute(
                        exp.select("*").from_(_scan(path)).limit(0).sql("duckdb")
                    ).description
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


#: The actors and the targets of the events, each unnested beside its role (0: an actor, 1: a
#: target) in one scan, that name no actor or one outside its existence; the first 50 of each
#: role in file order (over the 10^6 world's events, 0.110 s in two scans, 0.105 s in one:
#: the join of the 2·10^6 names costs the most).
_INVOLVED = sqlglot.parse_one(
    """
  SELECT e.role, e._row, e.id, e.who, a.id IS NULL, a.existed_from, a.existed_to
  FROM (SELECT role, _row, id, date_earliest, date_latest, unnest(l) AS who
        FROM (SELECT _row, id, date_earliest, date_latest, unnest([0, 1]) AS role,
                     unnest([actors, targets]) AS l
              FROM events)) AS e
  LEFT JOIN actors AS a ON a.id = e.who
  WHERE a.id IS NULL OR e.date_latest < a.existed_from OR e.date_earliest > a.existed_to
  QUALIFY row_number() OVER (PARTITION BY e.role ORDER BY e._row) <= 50
  ORDER BY e.role, e._row""",
    read="duckdb",
)


def _nul(table: str) -> exp.Expression:
    """A text column of ``table`` holds a NUL character."""
    return exp.or_(
        *(
            exp.Anonymous(
                this="contains",
                expressions=[
                    exp.column(c),
                    exp.Anonymous(this="chr", expressions=[exp.Literal.number(0)]),
                ],
            )
            for c in TEXT_COLUMNS[table]
        )
    )


def _flagged(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[str, ...],
    checks: list[exp.Expression],
    limit: int = 50,
) -> list[list[tuple[Any, ...]]]:
    """Several row-level checks of ``table`` in one scan: for each condition of ``checks``,
    the first ``limit`` rows (in file order) where it is true, each as ``(_row, *columns)``.
    Each condition is a flag of the row (NULL counts as false, as in a ``WHERE``), and the
    flagged rows are numbered per flag, so that no more than ``limit`` of each are read (the
    events' unknown types, bad dates, unsourced rows and NUL characters cost 0.17 s in four
    scans of the 10^6 world, 0.10 s in one)."""
    flags = [f"_k{i}" for i in range(len(checks))]
    inner = exp.select(
        "_row",
        *columns,
        *(
            exp.alias_(exp.func("coalesce", c, exp.false()), k)
            for c, k in zip(checks, flags, strict=True)
        ),
    ).from_(table)
    order = exp.Order(expressions=[exp.Ordered(this=exp.column("_row"))])
    counted = (
        exp.select(
            "*",
            *(
                exp.alias_(
                    exp.Window(this=exp.func("count_if", exp.column(k)), order=order.copy()),
                    f"_n{i}",
                )
                for i, k in enumerate(flags)
            ),
        )
        .from_(inner.subquery())
        .where(exp.or_(*(exp.column(k) for k in flags)))
    )
    kept = exp.or_(
        *(
            exp.and_(
                exp.column(k),
                exp.LTE(this=exp.column(f"_n{i}"), expression=exp.Literal.number(limit)),
            )
            for i, k in enumerate(flags)
        )
    )
    q = exp.select("*").from_(counted.subquery()).where(kept).order_by("_row")
    out: list[list[tuple[Any, ...]]] = [[] for _ in checks]
    width = 1 + len(columns)
    for r in con.execute(q.sql("duckdb")).fetchall():
        for i in range(len(checks)):
            if r[width + i] and r[width + len(checks) + i] <= limit:
                out[i].append(r[:width])
    return out


def validate_tables(corpus: Any, *, columns_checked: bool = False) -> list[Problem]:
    """The cross-record checks of a Parquet corpus, in SQL, table by table; its columns are
    checked first unless ``columns_checked`` (:func:`read_corpus` has, and reported them).

    The row-level checks of a table are made in one scan of it (:func:`_flagged`), their
    problems reported in the order of the checks, each kind's first 50 rows in file order."""
    tables: dict[str, Path] = corpus.tables
    problems = [] if columns_checked else check_columns(tables)
    if problems:
        return problems
    con = duckdb.connect()
    try:
        con.execute(_table("actors", id="VARCHAR", existed_from="DATE", existed_to="DATE"))
        rows = [
            (
                a.id,
                a.existed_from.earliest if a.existed_from else None,
                a.existed_to.latest if a.existed_to else None,
            )
            for a in corpus.actors
        ]
        _insert_all(con, "actors", rows, 3)
        con.execute(_table("cats", id="VARCHAR"))
        _insert_all(con, "cats", [(c.id,) for c in corpus.categories], 1)
        for name, path in tables.items():
            view = exp.Create(this=exp.to_table(name), kind="VIEW", expression=_numbered(path))
            con.execute(view.sql("duckdb"))

        def add(table: str, found: list[tuple[Any, ...]], message: Callable[..., str]) -> None:
            """Rows ``(_row, *values)`` as problems."""
            for r in found:
                problems.append(_problem(tables[table], r[0], message(*r[1:])))

        def report(
            table: str, q: exp.Expression, message: Callable[..., str], limit: int = 50
        ) -> None:
            """The first rows of the query ``q`` (a sqlglot tree) as problems."""
            assert isinstance(q, exp.Select)
            add(table, con.execute(q.order_by("1").limit(limit).sql("duckdb")).fetchall(), message)

        nuls: dict[str, list[tuple[Any, ...]]] = {}  # reported last, table by table
        for table, key in (("instruments", "id"), ("events", "id")):
            if table in tables:
                report(
                    table,
                    exp.select(exp.Min(this=exp.column("_row")), key)
                    .from_(table)
                    .group_by(key)
                    .having(
                        exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))
                    ),
                    lambda k, t=table: f"duplicate {t[:-1]} id {k!r}",
                )
        unsourced: list[tuple[Any, ...]] = []
        if "events" in tables:
            typed, dated, unsourced, nuls["events"] = _flagged(
                con,
                "events",
                ("id", "type"),
                [
                    _not_in(EVENT_TYPES, "type"),
                    sqlglot.parse_one(
                        "date_earliest IS NULL OR date_latest < date_earliest OR len(actors) = 0",
                        read="duckdb",
                    ),
                    sqlglot.parse_one("quote IS NULL", read="duckdb"),
                    _nul("events"),
                ],
            )
            add("events", typed, lambda i, t: f"event {i!r}: unknown event type {t!r}")
            add(
                "events",
                dated,
                lambda i, _t: f"event {i!r}: missing or inverted date, or no actors",
            )
            involved = con.execute(_INVOLVED.sql("duckdb")).fetchall()
            add(
                "events",
                [r[1:] for r in involved],  # the actors, then the targets
                lambda i, a, unknown, f, t: (
                    f"event {i!r}: unknown actor {a!r}"
                    if unknown
                    else f"event {i!r} involves {a!r} outside its existence ({f} to {t})"
                ),
            )
        if "parties" in tables:
            report(
                "parties",
                sqlglot.parse_one(
                    """
              SELECT p._row, p.instrument_id, p.actor FROM parties AS p
              LEFT JOIN actors AS a ON a.id = p.actor WHERE a.id IS NULL""",
                    read="duckdb",
                ),
                lambda i, a: f"instrument {i!r}: unknown actor {a!r}",
            )
            dated, nuls["parties"] = _flagged(
                con,
                "parties",
                ("instrument_id",),
                [
                    sqlglot.parse_one(
                        "date_earliest IS NULL OR until_latest < date_earliest", read="duckdb"
                    ),
                    _nul("parties"),
                ],
            )
            add(
                "parties",
                dated,
                lambda i: f"instrument {i!r}: a party's date is missing or inverted",
            )
            if "instruments" in tables:
                report(
                    "parties",
                    sqlglot.parse_one(
                        """
                  SELECT p._row, p.instrument_id FROM parties AS p
                  ANTI JOIN instruments AS i ON i.id = p.instrument_id""",
                        read="duckdb",
                    ),
                    lambda i: f"party of unknown instrument {i!r}",
                )
        if "clauses" in tables:
            known = exp.and_(
                exp.not_(exp.Is(this=exp.column("norm_kind"), expression=exp.null())),
                _not_in(NORM_KINDS, "norm_kind"),
            )
            kinds, nuls["clauses"] = _flagged(
                con, "clauses", ("instrument_id", "norm_kind"), [known, _nul("clauses")]
            )
            add("clauses", kinds, lambda i, k: f"instrument {i!r}: unknown norm kind {k!r}")
            report(
                "clauses",
                sqlglot.parse_one(
                    """
              SELECT c._row, c.instrument_id, c.cat FROM
                (SELECT _row, instrument_id, unnest(norm_categories) AS cat FROM clauses) AS c
              ANTI JOIN cats ON cats.id = c.cat""",
                    read="duckdb",
                ),
                lambda i, cat: f"instrument {i!r}: unknown category {cat!r}",
            )
        if "instruments" in tables:
            ordered, nuls["instruments"] = _flagged(
                con,
                "instruments",
                ("id",),
                [
                    sqlglot.parse_one(
                        "in_force_latest < signed_earliest OR ended_latest < in_force_earliest",
                        read="duckdb",
                    ),
                    _nul("instruments"),
                ],
            )
            add("instruments", ordered, lambda i: f"instrument {i!r}: dates out of order")
        # quotes: each distinct (source, text) once
        quoted = []
        for table, col in (("instruments", "quote"), ("events", "quote"), ("clauses", "text")):
            if table in tables:
                quoted.append(
                    exp.select(
                        exp.Min(this=exp.column("_row")), exp.Literal.string(table), "source", col
                    )
                    .from_(table)
                    .where(exp.not_(exp.Is(this=exp.column(col), expression=exp.null())))
                    .group_by("source", col)
                )
        union = (
            exp.union(*quoted, distinct=False) if len(quoted) > 1 else quoted[0] if quoted else None
        )
        distinct = con.execute(union.sql("duckdb")).fetchall() if union else []
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
        add("events", unsourced, lambda i, _t: f"event {i!r} cites no source")
        for table in TEXT_COLUMNS:  # text that cannot be stored or shown
            add(
                table,
                nuls.get(table, []),
                lambda i, *_, t=table: f"{t}: {i!r}: text with a NUL character (\\x00)",
            )
    finally:
        con.close()
    return problems
