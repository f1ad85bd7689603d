"""The state an incremental update starts from, kept by a build (docs/incremental.md).

``state_fluents`` holds the per-scenario rows of every fluent some rule reads, per perspective;
``state_meta`` the steps key (engine code version), the hash of the rule files and the number
of scenarios (:data:`foedus.build.schema.STATE`). :class:`Inputs` makes the engine's inputs
(happenings and facts) as temporary tables for a run of the plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.backends.duckdb import DuckDBBackend
from foedus.build.incremental.runner import _Runner
from foedus.build.incremental.sql import (
    _P,
    _col,
    _count,
    _count_of,
    _create,
    _drop,
    _null,
    _sql,
    _tbl,
)
from foedus.build.schema import (
    SCENARIO_FLUENTS,
    STATE_FLUENTS,
    STATE_META,
    STORED_EVENTS,
    add_key_columns,
    create,
)
from foedus.corpus.perspectives import perspective_ids
from foedus.duck import duckdb
from foedus.engine import from_tables
from foedus.engine.compile import Plan, compile_program, fluent_table
from foedus.engine.compile_event import event_forms
from foedus.engine.compile_sql import MASK, has_bit, unfolded
from foedus.engine.dependencies import arity, read_fluents
from foedus.rules.ast import EventRule, Program
from foedus.rules.library import rule_paths
from foedus.rules.programs import program_for

STATE = STATE_FLUENTS
META = STATE_META


def rules_hash(corpus: Any) -> str:
    """A hash of every perspective's rule files (their contents, the rule library's included)
    and replacements."""
    h = hashlib.sha256()
    for p in sorted(corpus.perspectives, key=lambda p: p.id):
        h.update(repr((p.id, list(p.rules), list(p.replaces or []))).encode())
        for r in p.rules:
            found = rule_paths(corpus, [r])
            try:
                h.update(found[0].read_bytes() if found else b"\0missing")
            except OSError:
                h.update(b"\0missing")
    return h.hexdigest()


# --------------------------------------------------------------------------- the kept state


def state_tables(program: Program) -> list[str]:
    """The fluent tables a build keeps for later updates (see :func:`keep_state`)."""
    return [fluent_table(f) for f in read_fluents(program)]


def ensure_state(con: duckdb.DuckDBPyConnection, width: int) -> None:
    """Create the state tables if need be, ``state_fluents`` with ``width`` key columns at
    least."""
    con.execute(create(META, if_not_exists=True))
    con.execute(create(STATE, if_not_exists=True))
    for sql in add_key_columns(state_arity(con), width):
        con.execute(sql)


def state_arity(con: duckdb.DuckDBPyConnection) -> int:
    """The number of key columns of ``state_fluents``."""
    # duckdb_columns(), not information_schema.columns: the same rows, without the view's
    # joins over every table of the build (~16 ms a call on a cold start's build, ~2 here)
    query = (
        exp.select("column_name")
        .from_(exp.Table(this=exp.Anonymous(this="duckdb_columns")))
        .where(
            exp.column("table_name").eq(exp.Placeholder()),
            exp.column("database_name").eq(exp.func("current_database")),
            exp.column("schema_name").eq(exp.Literal.string("main")),
        )
    )
    cols = {r[0] for r in con.execute(query.sql("duckdb"), [STATE]).fetchall()}
    n = 0
    while f"k{n}" in cols:
        n += 1
    return n


def set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    """Set keys of ``state_meta`` (each to one value)."""
    for key, value in values.items():
        con.execute(
            exp.delete(META, where=exp.column("key").eq(exp.Placeholder())).sql("duckdb"), [key]
        )
        add_meta(con, key, value)


def add_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Add a value to a key of ``state_meta``."""
    insert = exp.insert(exp.values([(exp.Placeholder(), exp.Placeholder())]), META)
    con.execute(insert.sql("duckdb"), [key, value])


def meta(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> dict[str, list[str]]:
    """The values of every key of ``state_meta`` (of the attached database ``catalog``)."""
    table = exp.table_(META, db="main", catalog=catalog) if catalog else exp.to_table(META)
    out: dict[str, list[str]] = {}
    for k, v in con.execute(exp.select("key", "value").from_(table).sql("duckdb")).fetchall():
        out.setdefault(k, []).append(v)
    return out


def insert_state(
    con: duckdb.DuckDBPyConnection, perspective: str, fluent: str, n: int, source: str
) -> None:
    """Append the rows of table ``source`` (the columns of a plan's fluent table) to
    ``state_fluents``, as fluent ``fluent`` (``n`` arguments) of ``perspective``."""
    keys = [f"k{i}" for i in range(n)]
    rows = unfold(
        exp.select(
            exp.Literal.string(perspective),
            exp.Literal.string(fluent),
            exp.column("scn", "sb"),
            *(exp.column(c, "f") for c in (*keys, *_STATE_COLS)),
        ),
        source,
    )
    columns = ["perspective", "fluent", "scn", *keys, *_STATE_COLS]
    target = exp.Schema(
        this=exp.to_table(STATE), expressions=[exp.to_identifier(c) for c in columns]
    )
    con.execute(exp.insert(rows, target).sql("duckdb", identify=True))


_STATE_COLS = ("value", "start", "end", "rule", "initiated_by", "terminated_by")


def unfold(columns: exp.Select, source: str) -> exp.Select:
    """``columns`` (which read the alias ``f`` and ``sb.scn``) from the masked rows of the plan's
    fluent table ``source``, each once per scenario it holds in (``state_fluents`` keeps
    each scenario's rows: docs/incremental.md)."""
    return columns.from_(exp.to_table(source).as_("f")).join(
        unfolded(2, "sb"), on=has_bit(exp.column(MASK, "f"), exp.column("bit", "sb"))
    )


def keep_state(
    con: duckdb.DuckDBPyConnection, backend: Any, perspective: str, program: Program, plan: Plan
) -> None:
    """Append the rows of the fluents that rules read to ``state_fluents`` of ``con`` (the
    build's database), from the tables ``backend`` kept (``run_tables(keep=
    state_tables(program))``), then drop those tables but the ``scenario_fluents`` ones (which
    the caller copies and drops). The two lines of :func:`foedus.build.fluents.store_fluents_sql`
    that keep the state are::

        plan = backend.run_tables(program, keep=[fluent_table(f) for f in kept]
                                  + incremental.state_tables(program))
        incremental.keep_state(con, backend, pid, program, plan)
    """
    fluents = read_fluents(program)
    ensure_state(con, max([1, *(arity(program, f) for f in fluents)]))
    width = state_arity(con)
    for f in fluents:
        n = arity(program, f)
        ks = [_col(f"k{i}", "f") if i < n else exp.null() for i in range(width)]
        rows = unfold(
            exp.select(
                exp.alias_(exp.Placeholder(), "perspective"),
                exp.alias_(exp.Placeholder(), "fluent"),
                _col("scn", "sb"),
                *(_col(c, "f") for c in _STATE_COLS),
                *ks,
            ),
            fluent_table(f),
        )
        backend.copy_out(_sql(rows), STATE, [perspective, f])
        if f not in SCENARIO_FLUENTS:
            if hasattr(backend, "discard"):
                backend.discard(fluent_table(f))
            else:
                drop = exp.Drop(this=_tbl(fluent_table(f)), kind="TABLE", exists=True)
                backend.execute(_sql(drop))
    set_meta(con, scenarios=str(plan.scenarios))
    add_meta(con, "kept", perspective)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    q = (
        exp.select("table_name")
        .from_("information_schema.tables")
        .where(exp.column("table_schema").eq(exp.Literal.string("main")))
    )
    return {r[0] for r in con.execute(q.sql("duckdb")).fetchall()}


def store_state(con: duckdb.DuckDBPyConnection, corpus: Any, steps_key: str) -> None:
    """Build step (after the fluents): keep what an incremental update needs.

    When the fluents step kept the state itself (:func:`keep_state`), this only records the
    steps key (``steps_key``: :func:`foedus.build.steps.key`) and the rules; otherwise it
    computes the kept fluents once more. A build that computes some fluents on demand
    (table ``on_demand``, :mod:`foedus.build.binding`) keeps no state: an update of it is a
    full build.
    """
    if "on_demand" in _tables(con):
        return
    ensure_state(con, 1)
    programs = {pid: program_for(corpus, pid) for pid in perspective_ids(corpus)}
    done = set(meta(con).get("kept", []))
    todo = {pid: p for pid, p in programs.items() if pid not in done}
    if todo or "scenarios" not in meta(con):
        inputs = Inputs(con, programs.values())
        try:
            inputs.make(corpus, facts=bool(todo))
            scenarios = inputs.scenarios()
            for pid, program in todo.items():
                plan = compile_program(program, scenarios=scenarios)
                runner = _Runner(con, pid, program, plan)
                try:
                    runner.run_state()
                    keep_state(con, DuckDBBackend(con), pid, program, plan)
                finally:
                    runner.drop()
            set_meta(con, scenarios=str(scenarios))
        finally:
            inputs.drop()
    set_meta(
        con,
        steps_key=steps_key,
        rules_hash=rules_hash(corpus),
        corpus_hash=corpus.content_hash,
    )


class Inputs:
    """The happenings and facts of the corpus in the database, as temporary tables named as
    the plan reads them (``happenings``, ``facts_<rel>``), plus the update's own copies."""

    def __init__(self, con: duckdb.DuckDBPyConnection, programs: Iterable[Program]) -> None:
        self.con = con
        self.programs = list(programs)
        self.arity = max(
            [
                2,
                *(
                    len(r.event.args)
                    for p in self.programs
                    for r in p.rules
                    if isinstance(r, EventRule)
                ),
            ]
        )
        self.made: list[str] = []

    def temp(self, name: str, query: exp.Expression) -> None:
        self.con.execute(_create(name, query))
        self.made.append(name)

    def make(self, corpus: Any, full: bool = True, facts: bool = True) -> None:
        """``happenings`` (every happening; with ``full=False`` ``_foedus_inc_happ``) and the
        fact tables of every declared relation."""
        # the engine's query (foedus.engine.from_tables), as a tree
        forms = event_forms(r for p in self.programs for r in p.rules)  # as the build's
        sql = sqlglot.parse_one(
            from_tables.happenings_sql(STORED_EVENTS, self.arity, forms=forms), read="duckdb"
        )
        if full:
            self.temp("happenings", sql)
        else:
            self.temp(f"{_P}happ", sql)  # its rows are named by their rowid
        if not facts:
            return
        # as foedus.engine.from_tables.store_engine_inputs and Backend.run_tables make them
        self.temp(
            "facts_state",
            exp.select(exp.alias_(exp.cast(_col("id"), "VARCHAR"), "c0"))
            .distinct()
            .from_(_tbl("actors"))
            .where(exp.EQ(this=_col("kind"), expression=exp.Literal.string("state"))),
        )
        forbids = ("instrument", "clause", "bearer", "beneficiary", "event_type")
        self.temp(
            "facts_forbids",
            exp.select(*(exp.alias_(_col(c), f"c{i}") for i, c in enumerate(forbids))).from_(
                _tbl("norm_rows")
            ),
        )
        for rel, text in from_tables.FACTS_SQL.items():
            self.temp(f"facts_{rel}", sqlglot.parse_one(text, read="duckdb"))
        for p in self.programs:
            for rel, decl in p.facts.items():
                if f"facts_{rel}" not in self.made:
                    cols = [_null("VARCHAR", f"c{i}") for i in range(len(decl.arg_types))]
                    cols = cols or [exp.alias_(exp.null(), "c0")]
                    self.temp(f"facts_{rel}", exp.select(*cols).where(exp.false()))

    def scenarios(self, table: str = "happenings") -> int:
        q = _count_of(table).where(exp.NEQ(this=_col("t_early"), expression=_col("t_late")))
        return 2 if _count(self.con, q) else 1

    def drop(self) -> None:
        for name in reversed(self.made):
            self.con.execute(_drop(name))
        self.made.clear()


# --------------------------------------------------------------------------- running a plan
