"""Fluents on demand in a built database: "which instruments bind A and B on D" at query time.

A build over a corpus whose multilateral instruments would make many pairs of parties
(:func:`use_demand`) computes the fan-out fluents of its rules (``binds`` and what reads it,
``protected``, in the bundled rules) only for what its rules read
(:mod:`foedus.engine.demand`), and stores instead, per perspective:

``on_demand(perspective, fluent, scenarios)``
    the fluents computed on demand, and the number of scenarios of the build;
``scenario_fluents``
    the per-scenario rows of the fluents their rules read (``party_to``, ``in_force``: one row
    per membership, O(parties)), besides ``part_of`` (the rows of ``binds`` for the keys that
    forbidden acts touch are computed for breach detection, in a temporary table:
    :func:`store_event_binds`);
``facts_<rel>``
    the fact relations their rules read.

:func:`rows` answers the rows of such a fluent for bound arguments with one read-only query
(an index lookup of the two parties' memberships and an intersection of their intervals, for
``binds``): the same rows, certainty and provenance that a full build would have stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlglot
from sqlglot import exp

from foedus.build.database import demand_setting
from foedus.build.schema import create_temp
from foedus.duck import duckdb
from foedus.rules.library.vocabulary import BINDS

if TYPE_CHECKING:
    from foedus.rules.ast import Program

# The compiler (foedus.engine.demand, demand_answer), the rules' parser (foedus.rules.programs)
# and their AST (foedus.rules.ast: 17 dataclasses, ~8 ms to make) are imported where a fluent is
# computed on demand: every query reads rows_for, most of them from a database that computes
# nothing on demand (the CLI's start-up: docs/performance.md).

#: Ordered pairs of co-parties (Σ n·(n−1) over instruments) above which a build computes the
#: fan-out fluents on demand (``FOEDUS_DEMAND=auto``, the default). Measured side by side
#: (docs/performance.md, "Which pairs a build computes"): the generated 10^5 world (4,578 pairs)
#: builds in 3.6 s on demand against 6.9 s in full, the 10^6 world (51,482 pairs) in 29.5 s
#: against 60.3 s, the same breaches; the bundled corpus (272 pairs) in about the same time
#: either way, so it keeps what a small corpus gains from every pair stored: incremental
#: updates (docs/incremental.md) and treaty answers read without computing.
PAIRS_THRESHOLD = 2_000


def use_demand(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a build computes fan-out fluents on demand: ``FOEDUS_DEMAND`` ``on`` / ``off``,
    else (``auto``) when the corpus's instruments have more than :data:`PAIRS_THRESHOLD`
    ordered pairs of co-parties (a full build then holds that many ``binds`` keys, and an
    incremental update, which needs every key, is given up: docs/architecture.md)."""
    mode = demand_setting()
    if mode is not None:
        return mode == "on"
    row = con.execute(_co_party_pairs()).fetchone()
    return bool(row and row[0] > PAIRS_THRESHOLD)


@cache
def _co_party_pairs() -> str:
    """The number of ordered pairs of co-parties of the corpus's instruments (DuckDB's SQL,
    parsed by sqlglot on first use, as the three below)."""
    return sqlglot.parse_one(
        "SELECT coalesce(sum(n * (n - 1)), 0) FROM (SELECT count(DISTINCT actor_id) AS n "
        "FROM parties GROUP BY instrument_id)",
        dialect="duckdb",
    ).sql("duckdb")


@cache
def _has_table() -> str:
    """Whether the database has the table ``?`` (a count)."""
    return sqlglot.parse_one(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
        "AND table_schema = 'main'",
        dialect="duckdb",
    ).sql("duckdb")


@cache
def _on_demand_in() -> str:
    """``(fluent, scenarios)`` of the fluents computed on demand in the perspective ``?``."""
    return sqlglot.parse_one(
        "SELECT fluent, scenarios FROM on_demand WHERE perspective = ?", dialect="duckdb"
    ).sql("duckdb")


@cache
def _on_demand_of() -> str:
    """``(perspective, scenarios)`` of the perspectives that compute the fluent ``?`` on
    demand."""
    return sqlglot.parse_one(
        "SELECT perspective, scenarios FROM on_demand WHERE fluent = ?", dialect="duckdb"
    ).sql("duckdb")


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    row = con.execute(_has_table(), [table]).fetchone()
    return bool(row and row[0])


def on_demand(con: duckdb.DuckDBPyConnection, perspective: str) -> dict[str, int]:
    """``{fluent: scenarios}`` of the fluents computed on demand in ``perspective``."""
    if not _has(con, "on_demand"):
        return {}
    return dict(con.execute(_on_demand_in(), [perspective]).fetchall())


def _null(name: str) -> exp.Expression:
    return exp.alias_(exp.cast(exp.null(), "VARCHAR"), name)


def input_query(perspective: str, program: Program, fluent: str, scenarios: int) -> exp.Query:
    """The per-scenario rows of ``fluent`` kept in ``scenario_fluents``, as a fluent table."""
    n = len(program.fluents[fluent].arg_types)
    keys = [
        exp.alias_(sqlglot.parse_one(f"args[{i + 1}]", dialect="duckdb"), f"k{i}") for i in range(n)
    ]
    late = exp.column("scenario").eq(exp.Literal.string("late"))
    q = (
        exp.select(
            exp.alias_(exp.cast(late, "INT"), "scn"),
            *keys,
            exp.column("value"),
            exp.column("start"),
            exp.column("end", quoted=True),
            _null("rule"),
            _null("initiated_by"),
            _null("terminated_by"),
        )
        .from_("scenario_fluents")
        .where(
            exp.column("perspective").eq(exp.Literal.string(perspective)),
            exp.column("fluent").eq(exp.Literal.string(fluent)),
        )
    )
    if scenarios == 1:
        q = q.where(exp.column("scenario").eq(exp.Literal.string("early")))
    return q


def fact_query(program: Program, rel: str) -> exp.Query:
    cs = [
        exp.alias_(exp.cast(exp.column(f"c{i}"), "VARCHAR"), f"c{i}")
        for i in range(len(program.facts[rel].arg_types))
    ]
    return exp.select(*cs).from_(f"facts_{rel}")


def query(
    program: Program,
    perspective: str,
    fluent: str,
    scenarios: int,
    bound: dict[int, list[str]] | None,
    per_scenario: bool = False,
    keys: tuple[tuple[int, ...], exp.Query] | None = None,
    points: bool = False,
) -> exp.Query:
    """The read-only query of :func:`foedus.engine.demand_answer.answer_query` over a
    database."""
    from foedus.engine import demand as dm
    from foedus.engine import demand_answer as da
    from foedus.rules.ast import Program

    d = dm.analyse(program)
    names = da._reachable(program, fluent, d.fluents)
    part = Program(
        program.fluents, program.facts, [r for r in program.rules if r.head.atom.name in names]
    )
    inputs = {
        f: input_query(perspective, program, f, scenarios) for f in da._inputs_of(part, names)
    }
    facts = {rel: fact_query(program, rel) for rel in da._facts_of(part)}
    return da.answer_query(
        program,
        fluent,
        bound,
        inputs,
        facts,
        scenarios,
        per_scenario=per_scenario,
        keys=keys,
        points=points,
    )


@lru_cache(maxsize=64)
def _sql(
    program_key: tuple[str, str],
    perspective: str,
    fluent: str,
    scenarios: int,
    positions: tuple[int, ...],
    with_at: bool,
) -> str:
    """The SQL of :func:`rows`, with the string literals ``'?<j>'`` for the bound values (in
    the order of ``positions``) and ``'?at'`` for the time point."""
    program = _PROGRAMS[program_key]
    bound = {i: [f"?{j}"] for j, i in enumerate(positions)}
    inner = query(program, perspective, fluent, scenarios, bound)
    q = exp.select(exp.Star()).from_(inner.subquery("r"))
    if with_at:
        at = exp.Literal.string("?at")
        end = exp.column("end", quoted=True)
        q = q.where(
            exp.column("start") <= at, exp.or_(exp.Is(this=end, expression=exp.null()), at < end)
        )
    q = q.order_by(exp.column("args"), exp.column("value"), exp.column("start"))
    return q.sql(dialect="duckdb", identify=True)


_PROGRAMS: dict[tuple[str, str], Program] = {}


def rows(
    con: duckdb.DuckDBPyConnection,
    program: Program,
    program_key: tuple[str, str],
    perspective: str,
    fluent: str,
    args: dict[int, str],
    at: int | None = None,
    scenarios: int | None = None,
) -> list[tuple[Any, ...]]:
    """The rows ``(fluent, args, value, start, end, certainty, rule, initiated_by,
    terminated_by)`` of on-demand ``fluent`` whose argument at each (0-based) position of
    ``args`` is the one given, holding at time point ``at`` when given; sorted by (args,
    value, start). ``program_key`` names ``program`` (its corpus and perspective) for the
    cache of compiled queries."""
    if scenarios is None:
        scenarios = on_demand(con, perspective)[fluent]
    _PROGRAMS[program_key] = program
    positions = tuple(sorted(args))
    sql = _sql(program_key, perspective, fluent, scenarios, positions, at is not None)
    return _run(con, sql, positions, args, at)


def _run(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    positions: tuple[int, ...],
    args: dict[int, str],
    at: int | None,
) -> list[tuple[Any, ...]]:
    """The rows of :func:`_sql`'s text with the bound values and time point in place."""
    for j, i in enumerate(positions):
        sql = sql.replace(f"'?{j}'", exp.Literal.string(args[i]).sql(dialect="duckdb"))
    if at is not None:
        sql = sql.replace("'?at'", str(int(at)))
    out = con.execute(sql).fetchall()
    return [(r[0], tuple(r[1]), *r[2:]) for r in out]


def instruments_binding(
    con: duckdb.DuckDBPyConnection,
    program: Program,
    program_key: tuple[str, str],
    perspective: str,
    a: str,
    b: str,
    at: int,
) -> dict[str, str]:
    """``{instrument: certainty}`` of the instruments that bind ``a`` towards ``b`` at time
    point ``at`` (rows of ``binds(T, a, b)``), computed from the two parties' memberships."""
    found: dict[str, str] = {}
    for r in rows(con, program, program_key, perspective, BINDS, {1: a, 2: b}, at):
        if found.get(r[1][0]) != "certain":
            found[r[1][0]] = r[5]
    return found


#: The temporary table of :func:`store_event_binds`: a row of ``binds(instrument, x, y)`` in
#: a scenario (``perspective, scenario, instrument, x, y, start, end``).
EVENT_BINDS = "_foedus_event_binds"


def store_event_binds(con: duckdb.DuckDBPyConnection, corpus: Any, forbidden: str) -> bool:
    """Build step (before breaches): the per-scenario rows of on-demand ``binds(T, X, Y)``
    for the keys of the forbidden acts in table ``forbidden``
    (:data:`foedus.build.breaches.FORBIDDEN`: an act of ``X`` towards ``Y``, its target or
    what the target was part of at the time, that a norm of instrument ``T`` forbids), into
    the temporary table :data:`EVENT_BINDS` (its columns there, with the rows of
    ``binds`` it stores, of the perspectives that compute it in full) — the rows of ``binds``
    breach detection reads; whether it made it (not when no perspective computes ``binds``
    on demand). The rows are not stored: an answer computes a pair's ``binds`` when asked
    (:func:`rows_for`), and at 10^6 events the 790,771 rows cost 0.55-0.84 s to write into
    the database (0.2-0.3 s into a temporary table). Their arguments are three columns, not
    the list of ``scenario_fluents``: 0.26 s for the statement against 0.38 s."""
    from foedus.engine.compile_sql import unfolded

    if not _has(con, "on_demand"):
        return False
    from foedus.rules.programs import program_for

    stored = exp.column("fluent").eq(exp.Literal.string(BINDS))
    args = [
        exp.alias_(
            exp.Bracket(this=exp.column("args"), expressions=[exp.Literal.number(i + 1)]), name
        )
        for i, name in enumerate(("instrument", "x", "y"))
    ]
    sf = (
        exp.select("perspective", "scenario", *args, "start", exp.column("end", quoted=True))
        .from_("scenario_fluents")
        .where(stored)
    )
    con.execute(create_temp(EVENT_BINDS, sf))

    for pid, scenarios in con.execute(_on_demand_of(), [BINDS]).fetchall():
        program = program_for(corpus, pid)
        p = exp.Literal.string(pid)
        # the keys the breach query joins binds on, each at the time points of its acts (the
        # demand of the events, magic-set style, binds the time too: the breach query asks
        # whether binds holds at an act's point, never more). 10^6 events: 48,495 keys from
        # 393,461 forbidden acts; their whole intervals were 790,771 rows (computed from
        # every (actor, target) pair of the acts instead, the keys were 250,000 pairs, and
        # finding the forbidden ones without the acts' times cost more than binds itself)
        # a forbidden act's row holds a mask of its scenarios (1 early, 2 late, 3 both:
        # :data:`foedus.build.breaches.FORBIDDEN`); every date exact for the rules, binds is
        # the one scenario's, asked at the acts' points in both
        bits = unfolded(2, "s")  # (scn, bit) of both scenarios
        scn = exp.column("scn", "s") if scenarios == 2 else exp.Literal.number(0)
        keys = (
            exp.select(
                scn.as_("scn"),
                exp.column("instrument").as_("x0"),
                exp.column("actor").as_("x1"),
                exp.column("beneficiary").as_("x2"),
                exp.column("t"),
            )
            .distinct()
            .from_(forbidden)
            .join(bits, on="(scenarios & s.bit) <> 0")
            .where(exp.column("perspective").eq(p))
        )
        q = query(
            program,
            pid,
            BINDS,
            scenarios,
            None,
            per_scenario=True,
            keys=((0, 1, 2), keys),
            points=True,
        )
        late = (
            sqlglot.parse_one("CASE WHEN scn = 0 THEN 'early' ELSE 'late' END", dialect="duckdb")
            if scenarios == 2
            else exp.column("scenario", "s")
        )
        rows = exp.select(
            p,
            late,
            *(exp.column(f"k{i}") for i in range(3)),
            exp.column("start"),
            exp.column("end", quoted=True),
        ).from_(q.subquery("b"))
        if scenarios != 2:
            both = exp.values([("early",), ("late",)], alias="s", columns=["scenario"])
            rows = rows.join(both, join_type="cross")
        con.execute(exp.insert(rows, EVENT_BINDS).sql(dialect="duckdb", identify=True))
    return True


def on_demand_in(kb: Any, perspective: str) -> dict[str, int]:
    """:func:`on_demand` of a :class:`foedus.query.KnowledgeBase`'s database, looked up once
    per perspective and kept with the knowledge base (shared by its views: its database does
    not change)."""
    known = kb._on_demand
    if perspective not in known:
        known[perspective] = on_demand(kb.cursor(), perspective)
    return known[perspective]


def rows_for(
    kb: Any, fluent: str, perspective: str, args: dict[int, str], at: int | None
) -> list[tuple[Any, ...]] | None:
    """:func:`rows` for a :class:`foedus.query.KnowledgeBase`, or None when ``fluent`` is not
    computed on demand in its database (then its rows are in ``fluents``)."""
    computed = on_demand_in(kb, perspective)
    if fluent not in computed:
        return None
    con = kb.cursor()
    key = (f"{kb.corpus.path}#{kb.corpus.content_hash}", perspective)
    scenarios = computed[fluent]
    positions = tuple(sorted(args))
    stored = _stored_sql(key, perspective, fluent, scenarios, positions, at is not None)
    if stored is not None:
        return _run(con, stored, positions, args, at)
    from foedus.rules.programs import program_for

    program = _PROGRAMS.get(key) or program_for(kb.corpus, perspective)
    found = rows(con, program, key, perspective, fluent, args, at, scenarios)
    _store_sql(
        key,
        perspective,
        fluent,
        scenarios,
        positions,
        at is not None,
        _sql(key, perspective, fluent, scenarios, positions, at is not None),
    )
    return found


# The text of each on-demand query, kept between runs of the command line (``queries/`` in
# the cache folder): a warm command then neither parses the rules nor compiles them (about a
# second). Keyed by the corpus (path and content), the query's shape and the engine's code.


def _sql_file(*shape: Any) -> Path:
    from foedus.build.version import code_version
    from foedus.paths import cache_dir

    global _code
    if _code is None:
        _code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    h = hashlib.sha256(repr((code_version(), _code, shape)).encode()).hexdigest()
    return cache_dir() / "queries" / f"{h[:32]}.sql"


_code: str | None = None


def _stored_sql(*shape: Any) -> str | None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return _sql_file(*shape).read_text(encoding="utf-8")
    return None


def _store_sql(*shape_and_sql: Any) -> None:
    *shape, sql = shape_and_sql
    file = _sql_file(*shape)
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(sql, encoding="utf-8")
        os.replace(tmp, file)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
