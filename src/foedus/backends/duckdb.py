"""The DuckDB backend: renders plans in the "duckdb" dialect on an embedded connection.

Inputs are bulk-loaded from an Arrow table when pyarrow is installed (one scan, no per-row
Python), else inserted as rendered ``VALUES`` batches. Intermediate tables are temporary;
in a large build, whose plan runs on two connections at once (:mod:`foedus.backends.side`),
they are in an in-memory database that both connections see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlglot import exp

from foedus.backends import side
from foedus.backends.base import Backend, Script, happening_columns, happening_rows
from foedus.duck import arrow_table, duckdb, insert_arrow
from foedus.engine.compile import HAPPENINGS, OUTPUT, OUTPUT_COLUMNS, Materialize, Plan
from foedus.engine.compile_event import EV
from foedus.engine.compile_sql import union_parts
from foedus.engine.narrative import Happening

try:
    import pyarrow as pa
except ImportError:  # pragma: no cover - exercised only without pyarrow
    pa = None

#: How each append of :meth:`DuckDBBackend.output_script` starts (:meth:`~DuckDBBackend.output_into`
#: sends the rows elsewhere).
_INSERT_OUTPUT = f"INSERT INTO {OUTPUT} "
_ARROW = {"VARCHAR": "string", "INT": "int32", "BIGINT": "int64"}
_BATCH = 2000
SMALL_ROWS = 122_880
"""Inputs of at most this many rows in all (one DuckDB row group: a scan of them is one task
whatever the threads) make a plan's run "small" (:func:`small_run`)."""


@contextmanager
def small_run(con: duckdb.DuckDBPyConnection, rows: int) -> Iterator[bool]:
    """Run what the ``with`` block runs on ``con`` in one transaction on one thread when the
    inputs hold at most :data:`SMALL_ROWS` rows (``rows``): on a small corpus a plan is
    hundreds of statements of a few milliseconds each, most of it DuckDB's fixed cost per
    statement — starting its threads and committing — not the data (docs/performance.md,
    cold start). Larger inputs run as before (every thread; each statement its own
    transaction, so that a table dropped frees its memory at once). Yields whether it is
    small. The threads setting is restored after, and the transaction rolled back on error."""
    if rows > SMALL_ROWS:
        yield False
        return
    ((threads,),) = con.execute("SELECT current_setting('threads')").fetchall()
    con.execute("SET threads = 1")
    con.begin()
    try:
        yield True
    except BaseException:
        con.rollback()
        raise
    else:
        con.commit()
    finally:
        con.execute(f"SET threads = {int(threads)}")


def input_rows(con: duckdb.DuckDBPyConnection, tables: Sequence[str]) -> int:
    """How many rows the tables ``tables`` of ``con`` hold in all (DuckDB's count, kept in
    its catalog: no scan)."""
    if not tables:
        return 0
    q = (
        exp.select(
            exp.func("coalesce", exp.Sum(this=exp.column("estimated_size")), exp.Literal.number(0))
        )
        .from_(exp.func("duckdb_tables"))
        .where(exp.column("table_name").isin(*(exp.Literal.string(t) for t in tables)))
    )
    ((n,),) = con.execute(q.sql("duckdb")).fetchall()
    return int(n)


class DuckDBBackend(Backend):
    name = "duckdb"
    dialect = "duckdb"
    #: Run the output (:meth:`output_script`) in one transaction, as one append of every
    #: fluent's rows: a build of a large corpus, whose statements are otherwise each their
    #: own. Their commits one by one cost the 10^6 world's fluents step 0.15-0.3 s (a commit
    #: after appending to the output took up to 0.19 s), and the tables each fluent's rows
    #: read are then dropped after the append of them all, not after their own (10-30 MB more
    #: at the peak). Not inside a transaction already (:func:`small_run`'s).
    output_in_one_transaction = False
    #: How many connections run the plan's statements (:mod:`foedus.backends.side`), when
    #: :attr:`output_in_one_transaction` (a large build): more than one makes every
    #: intermediate table in the in-memory database :data:`~foedus.backends.side.SCRATCH`,
    #: which the caller attaches (:func:`~foedus.backends.side.scratch_catalog`).
    workers = 1
    settle_on_points = True
    #: Where the output's rows go instead of ``intervals`` (:meth:`output_into`): the table,
    #: the column it has beside the output's and that column's value (a build's ``fluents``,
    #: ``perspective`` and the perspective's id).
    _into: tuple[str, str, str] | None = None

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.con = con if con is not None else duckdb.connect()

    @property
    def side_by_side(self) -> bool:
        """Whether a plan runs on :attr:`workers` connections (:mod:`foedus.backends.side`)."""
        return self.workers > 1 and self.output_in_one_transaction

    def run(self, plan: Plan, keep: Sequence[str] = ()) -> None:
        if self.side_by_side:  # the statements made (rendered) while the first ones run
            side.play(self, self.script_steps(plan, keep), self.workers, _INSERT_OUTPUT)
        else:
            super().run(plan, keep)

    def play(self, script: Script) -> None:
        if self.side_by_side:
            side.play(self, script, self.workers, _INSERT_OUTPUT)
        else:
            super().play(script)

    def execute(self, sql: str) -> None:
        if self._into is not None and sql.startswith(_INSERT_OUTPUT):
            sql = self._redirected(sql[len(_INSERT_OUTPUT) :])
        self.con.execute(sql)

    @contextmanager
    def output_into(self, table: str, column: str, value: str) -> Iterator[None]:
        """While the block runs, a plan's output rows (:meth:`output_script`'s appends to
        ``intervals``) go straight into ``table``, each with ``value`` in its column
        ``column`` (a build's ``fluents`` and its perspective): every interval is written
        once, not into ``intervals`` and then copied, and no temporary copy of them is held.
        (In time it is even: at 10^6 events the copy's 0.16 s went to the appends to a stored
        table and their commit.) ``table`` has the output's columns, by name, and ``column``;
        ``intervals`` stays empty."""
        self._into = (table, column, value)
        try:
            yield
        finally:
            self._into = None

    def _redirected(self, query: str) -> str:
        assert self._into is not None
        table, column, value = self._into
        first = exp.alias_(exp.Literal.string(value), column, quoted=True).sql("duckdb")
        into = exp.to_table(table).sql("duckdb")
        return f"INSERT INTO {into} BY NAME SELECT {first}, * FROM ({query})"

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def fetch_columns(self, sql: str) -> list[list[Any]]:
        if pa is None:  # pragma: no cover - without pyarrow
            return super().fetch_columns(sql)
        result = arrow_table(self.con, sql)
        if result.num_rows == 0:
            return []
        return [c.to_pylist() for c in result.columns]

    def copy_out(self, query: str, table: str, params: Sequence[Any] = ()) -> None:
        """Append the rows of ``query`` (DuckDB SQL, ``?`` parameters) to ``table``."""
        self.con.execute(f"INSERT INTO {table} {query}", list(params))

    def close_inputs(self) -> None:
        """Nothing to release: the plan ran on the caller's connection."""

    def has_table(self, name: str) -> bool:
        # duckdb_tables() and duckdb_views() (the user's): information_schema.tables' rows,
        # without the view's own cost (~4 ms a call among a build's temporary tables)
        views = (
            exp.select(exp.column("view_name").as_("table_name"))
            .from_(exp.Table(this=exp.Anonymous(this="duckdb_views")))
            .where(exp.not_(exp.column("internal")))
        )
        tables = exp.select("table_name").from_(exp.Table(this=exp.Anonymous(this="duckdb_tables")))
        q = (
            exp.select(exp.Count(this=exp.Star()))
            .from_(exp.union(tables, views, distinct=False).subquery("t"))
            .where(exp.EQ(this=exp.column("table_name"), expression=exp.Literal.string(name)))
        )
        ((n,),) = self.fetch(self.sql(q))
        return bool(n)

    def output_script(self, step: Materialize, droppable: Sequence[str]) -> Script:
        """``intervals`` one fluent at a time: created empty (the plan's columns), then each
        fluent's rows appended, after which the tables only they read are dropped — so the
        fluents' tables, their certainty groups and the output are not all held at once. With
        :attr:`output_in_one_transaction` (a large build, its rows going to a stored table:
        :meth:`output_into`), every fluent's rows in one append instead, and then the drops;
        but with :attr:`side_by_side`, each fluent's rows an append of its own again, which
        the run makes once nothing else runs, the appends ready then as one
        (:mod:`foedus.backends.side`)."""
        parts = union_parts(step.query)
        out: Script = [f"CREATE OR REPLACE TEMP TABLE {OUTPUT} ({OUTPUT_COLUMNS})"]
        if self.side_by_side:  # a table every connection sees
            out[0] = (
                f"CREATE OR REPLACE TABLE {self.sql(side.scratch_table(OUTPUT))} ({OUTPUT_COLUMNS})"
            )
        last: dict[str, int] = {}
        for i, part in enumerate(parts):
            for ref in part.find_all(exp.Table):
                last[ref.name] = i
        if self.output_in_one_transaction and not self.side_by_side:
            # every fluent's rows in one append, which DuckDB writes on every thread; one
            # append per fluent is written on one (the 10^6 world's 11 appends to a stored
            # table: 0.45-0.48 s, against 0.24-0.25 s in one; docs/performance.md, "Session 34")
            out.append(_INSERT_OUTPUT + self.sql(step.query))
            out += [self.dropping(name) for name in droppable if name in last]
            return ["BEGIN TRANSACTION", *out, "COMMIT"]
        for i, part in enumerate(parts):
            out.append(_INSERT_OUTPUT + self.sql(part))
            out += [self.dropping(name) for name in droppable if last.get(name) == i]
        return out

    def dropping(self, name: str) -> str:
        """The statement that drops ``name`` (:meth:`apply` runs it)."""
        return self.sql(self.drop(name))

    def materialize(self, step: Materialize) -> exp.Expression:
        """A step's table, temporary for the plan's intermediates. The plan's event table
        (every happening once per scenario, :data:`~foedus.engine.compile_event.EV`) is a
        table too, not a view of ``happenings``: DuckDB plans a rule's join of a view
        without the view's row counts, and a rule that joins the events of one name with a
        fact table ``ON TRUE`` and two ``party_to`` tables was planned as the product of the
        fact and ``party_to`` first (the GGO corpus, no such event: 108 s for that statement
        instead of 0.21 s as a table; docs/performance.md, "Session 18"). Its rows are
        stored in the order of their names (:func:`_by_name`)."""
        stmt = _by_name(step).statement()
        if not step.table.startswith("_foedus_"):
            return stmt
        if self.side_by_side:  # every connection of the database sees it
            stmt.set("this", side.scratch_table(step.table))
        else:
            stmt.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
        return stmt

    def scratch(self) -> DuckDBBackend:
        return _TemporaryBackend(self.con)

    def _load(self, name: str, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> None:
        schema = exp.Schema(
            this=exp.to_table(name),
            expressions=[
                exp.ColumnDef(this=exp.to_identifier(c), kind=exp.DataType.build(t))
                for c, t in columns
            ],
        )
        self.execute(self.sql(exp.Create(this=schema, kind="TABLE", replace=True)))
        if not rows:
            return
        if pa is not None:
            data = pa.table(
                {
                    c: pa.array([r[i] for r in rows], type=_ARROW[t])
                    for i, (c, t) in enumerate(columns)
                }
            )
            insert_arrow(self.con, name, data)
            return
        for i in range(0, len(rows), _BATCH):  # pragma: no cover - without pyarrow
            values = exp.values(rows[i : i + _BATCH])
            self.execute(self.sql(exp.insert(values, name)))

    def load_happenings(self, happenings: Sequence[Happening], arity: int) -> None:
        self._load(HAPPENINGS, happening_columns(arity), happening_rows(happenings, arity))

    def load_facts(self, rel: str, arity: int, rows: Iterable[tuple[str, ...]]) -> None:
        self._load(f"facts_{rel}", [(f"c{i}", "VARCHAR") for i in range(arity)], list(rows))


class _TemporaryBackend(DuckDBBackend):
    """The same connection, every table a plan step makes temporary (:meth:`Backend.scratch`)."""

    name = "duckdb (temporary tables)"
    workers = 1

    def materialize(self, step: Materialize) -> exp.Expression:
        """:meth:`DuckDBBackend.materialize`'s statement, its table temporary whatever its name."""
        stmt = super().materialize(step)
        stmt.set("properties", exp.Properties(expressions=[exp.TemporaryProperty()]))
        return stmt


def _by_name(step: Materialize) -> Materialize:
    """The plan's event table (:data:`~foedus.engine.compile_event.EV`) sorted by the
    happenings' name and arity; any other step as it is. Every reader of the event table asks
    for one name and arity (a rule's event), and DuckDB skips the row groups whose least and
    greatest name exclude it: the 10^6 world's 33 such reads took 0.42-0.45 s against 0.64 s,
    for 0.06-0.08 s more to make the table (docs/performance.md, "Session 32"). Without
    insertion order kept, each thread still writes its own runs of the sorted rows, so the row
    groups stay of few names."""
    if step.table != EV:
        return step
    rows = exp.select(exp.Star()).from_(step.query.subquery("h", copy=True), copy=False)
    return Materialize(step.table, rows.order_by(exp.column("name"), exp.column("arity")))
