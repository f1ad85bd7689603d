"""Incremental updates: events added to a corpus recompute only the fluent keys they can touch.

A database built with the build steps of :mod:`foedus.build.steps` keeps, besides ``fluents``
and ``breaches``, what an update needs (docs/incremental.md):

``state_fluents(perspective, fluent, scn, k0 .. k{A-1}, value, start, "end", rule,
initiated_by, terminated_by)``
    the per-scenario rows of every fluent that some rule reads (the plan's fluent tables,
    :func:`foedus.engine.compile.fluent_table`), per perspective;
``state_meta(key, value)``
    the steps key (engine code version), the hash of the rule files, the number of scenarios.

:func:`prepare` takes such a database and a corpus that differs from the one it was built
from only by added events (every other corpus table equal, checked in SQL:
:mod:`foedus.build.incremental.diff`), and :func:`apply` makes the database of the new corpus,
equal row for row to a full rebuild. Per perspective, fluent by fluent in the plan's order
(:class:`foedus.build.incremental.perspective._Perspective`):

1. **Dirty keys.** A *key* of a fluent is its argument tuple (all values of a multi-valued
   fluent together). A fluent's dirty keys are those its event rules can reach from a new
   happening, and those its rules can reach from a *changed* key of a fluent computed before
   it (a condition, negated or not, or a reference of a static rule, inside ``except`` too);
   within a cycle through time, also from each other's dirty keys, to a fixpoint. Each step
   joins the changed atom with the rule's other atoms, ignoring time and reading every key a
   fluent has (stored or dirty): an over-approximation, never an omission
   (:func:`foedus.engine.dependencies.derivations`; :mod:`foedus.build.incremental.keys`).
2. **Recompute.** The fluent's plan steps run on the happenings that can reach one of its
   dirty keys only (a static fluent: on the input rows that can reach them); its table is then
   a view of the stored rows of its clean keys and the fresh rows of its dirty keys, so that
   later fluents read correct inputs (in a fixpoint's body too). A fluent without dirty keys
   is not computed at all. A dirty key whose fresh rows are its stored rows has not *changed*
   and reaches nothing further.
3. **Replace** the changed keys' rows in ``fluents``, ``scenario_fluents`` and
   ``state_fluents`` and, once every perspective is done, the breaches of the new events and
   of the events that a changed row of ``binds`` or ``part_of`` covers
   (:func:`foedus.build.breaches.store_breaches_for`); every other build step (not one of
   :data:`ENGINE_STEPS`) runs again on the updated tables, or its ``incremental`` function.
4. **Atomically**: the update works on a copy of the database beside the target, which is
   renamed onto the target only when complete (:func:`foedus.build.builder.build`).

Anything else (an edited or removed record, other rules, another engine version, a database
without the state) raises :class:`NotIncremental`, and the caller builds from scratch.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.build.breaches import store_breaches_for
from foedus.build.database import connect_rw, memory_limit
from foedus.build.incremental.diff import added_events, check_state
from foedus.build.incremental.perspective import _Perspective
from foedus.build.incremental.sql import (
    _P,
    CHANGES,
    FOREVER,
    Changes,
    _col,
    _count,
    _count_of,
    _create,
    _drop,
    _eq,
    _sql,
    _star,
    _tbl,
)
from foedus.build.incremental.state import STATE, Inputs, set_meta, state_arity
from foedus.build.incremental.state import meta as state_meta
from foedus.build.schema import BEGIN, CHECKPOINT, COMMIT, STORED_EVENTS, detach
from foedus.build.steps import STEPS
from foedus.build.steps import key as steps_key
from foedus.build.tables import write_tables
from foedus.corpus.perspectives import perspective_ids
from foedus.duck import arrow_table, duckdb, insert_arrow
from foedus.engine.compile import compile_program
from foedus.engine.compile_sql import renamed
from foedus.engine.dependencies import Derivation, NotIncremental, derivations
from foedus.rules.ast import Program
from foedus.rules.programs import program_for
from foedus.words import counted

#: The build steps an update updates; it runs every other build step again on the updated
#: database (such a step must remake its tables when run on a database that has them), or its
#: function ``incremental(con, corpus, changes)`` (:class:`Changes`).
ENGINE_STEPS = ("fluents", "state", "breaches")

Progress = Callable[[str], None]

__all__ = [
    "CHANGES",
    "Changes",
    "NotIncremental",
    "Prepared",
    "UpdateReport",
    "apply",
    "derivations",
    "prepare",
]


@dataclass
class UpdateReport:
    """What an incremental update did."""

    added_events: int
    keys: dict[str, dict[str, int]] = field(default_factory=dict)
    """Recomputed (dirty) keys, per perspective and fluent."""
    changed: dict[str, dict[str, int]] = field(default_factory=dict)
    """Recomputed keys whose rows changed, per perspective and fluent (rewritten)."""
    breach_events: int = 0
    """Events whose breaches were recomputed (the new ones and those whose inputs changed)."""
    seconds: float = 0.0

    @property
    def recomputed(self) -> int:
        return sum(n for per in self.keys.values() for n in per.values())

    def summary(self) -> str:
        changed = sum(n for per in self.changed.values() for n in per.values())
        return (
            f"{counted(self.added_events, 'event')} added, "
            f"{counted(self.recomputed, 'fluent key')} recomputed ({changed} changed), "
            f"breaches of {counted(self.breach_events, 'event')} rechecked"
        )


@dataclass
class Prepared:
    """An update that :func:`prepare` found possible, for :func:`apply`."""

    previous: Path
    corpus: Any
    new_ids: list[str]
    rows: Any  # the new events' stored rows (an Arrow table of STORED_EVENTS)
    programs: dict[str, Program]
    derivations: dict[str, list[Derivation]]


def prepare(
    previous: Path, corpus: Any, steps: Sequence[Any], progress: Progress | None = None
) -> Prepared:
    """Check that ``previous`` (a database built with ``steps`` from an earlier version of
    ``corpus``) can be updated to ``corpus``, and read the added events; else
    :class:`NotIncremental`. Reads ``previous`` only."""
    say = progress or (lambda _what: None)
    if not Path(previous).is_file():
        raise NotIncremental("no previous database")
    if Path(str(previous) + ".wal").exists():
        raise NotIncremental("the previous database has an unfinished write-ahead log")
    programs = {pid: program_for(corpus, pid) for pid in perspective_ids(corpus)}
    derivs = {pid: derivations(p) for pid, p in programs.items()}
    scratch = duckdb.connect(config={"memory_limit": memory_limit()})
    try:
        say("incremental: reading the corpus")
        write_tables(scratch, corpus)
        attach = exp.replace_placeholders(_ATTACH.copy(), path=exp.Literal.string(str(previous)))
        try:
            scratch.execute(attach.sql("duckdb"))
        except duckdb.Error as e:
            raise NotIncremental(f"cannot open the previous database: {e}") from None
        try:
            check_state(scratch, corpus, steps, (steps_key(), [s.run for s in STEPS]))
            say("incremental: comparing with the previous build")
            new_ids = added_events(scratch)
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error as e:  # a damaged block of the previous file: built from scratch
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise NotIncremental(f"cannot read the previous database: {first}") from None
        finally:
            with contextlib.suppress(duckdb.Error):
                scratch.execute(detach("old"))
        scratch.execute(_create(CHANGES.new_events, _UNNEST_IDS.copy()), [new_ids])
        ids = exp.select("id").from_(_tbl(CHANGES.new_events))
        # the new events' stored rows (an event's actors, targets and quotes are in its row)
        rows = arrow_table(scratch, _sql(_star(STORED_EVENTS).where(_col("id").isin(query=ids))))
    finally:
        scratch.close()
    return Prepared(Path(previous), corpus, new_ids, rows, programs, derivs)


_ATTACH = sqlglot.parse_one("ATTACH $path AS old (READ_ONLY)", read="duckdb")
_UNNEST_IDS = sqlglot.parse_one("SELECT unnest(?::VARCHAR[]) AS id", read="duckdb")
#: The events whose breaches an update recomputes (the temporary tables renamed by
#: :data:`_UPDATE_TABLES`): the new ones, and those where a row of ``binds`` or ``part_of``
#: differs (``sf_diff``) during the event, or one of ``consented`` to their actor at all.
_AFFECTED = sqlglot.parse_one(
    """
    SELECT id AS event_id FROM new_ids
    UNION
    SELECT a.event_id FROM sf_diff AS d JOIN event_acts AS a
      ON d.fluent = 'binds' AND a.actor = d.args[2] AND a.target = d.args[3]
    WHERE d.start <= CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END
      AND CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END
          < coalesce(d."end", $forever)
    UNION
    SELECT a.event_id FROM sf_diff AS d
    JOIN (SELECT DISTINCT args[1] AS x, value FROM scenario_fluents
          WHERE fluent = 'part_of'
          UNION SELECT args[1], value FROM sf_diff WHERE fluent = 'part_of') AS po
      ON d.fluent = 'binds' AND po.value = d.args[3]
    JOIN event_acts AS a ON a.actor = d.args[2] AND a.target = po.x
    WHERE d.start <= CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END
      AND CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END
          < coalesce(d."end", $forever)
    UNION
    SELECT a.event_id FROM sf_diff AS d JOIN event_acts AS a
      ON d.fluent = 'consented' AND a.actor = d.args[2]
    UNION
    SELECT a.event_id FROM sf_diff AS d JOIN event_acts AS a
      ON d.fluent = 'part_of' AND a.target = d.args[1]
    WHERE d.start <= CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END
      AND CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END
          < coalesce(d."end", $forever)
    """,
    read="duckdb",
)
_UPDATE_TABLES = {"new_ids": CHANGES.new_events, "sf_diff": f"{_P}sf_diff"}


def apply(prepared: Prepared, tmp: Path, progress: Progress | None = None) -> UpdateReport:
    """Write the updated database to ``tmp`` (a copy of the previous one, updated; the caller
    renames it onto the target)."""
    t0 = time.perf_counter()
    say = progress or (lambda _what: None)
    say("incremental: copying the previous build")
    shutil.copyfile(prepared.previous, tmp)
    con = connect_rw(tmp)
    try:
        report = _update(con, prepared, say)
        for s in STEPS:
            if s.name in ENGINE_STEPS:
                continue
            step = s.run
            say(f"step {s.name}")
            update = getattr(step, "incremental", None)
            if callable(update):  # the step updates its tables itself
                update(con, prepared.corpus, CHANGES)
            else:  # made again from the updated tables
                step(con, prepared.corpus)
        for table in (CHANGES.new_events, CHANGES.changed_keys, CHANGES.breach_events):
            con.execute(_drop(table))
        con.execute(CHECKPOINT)
    finally:
        con.close()
    report.seconds = time.perf_counter() - t0
    return report


def _update(con: duckdb.DuckDBPyConnection, prepared: Prepared, say: Progress) -> UpdateReport:
    corpus, new_ids, programs = prepared.corpus, prepared.new_ids, prepared.programs
    report = UpdateReport(added_events=len(new_ids))
    con.execute(BEGIN)
    insert_arrow(con, STORED_EVENTS, prepared.rows)
    hash_row = exp.update(
        _tbl("meta"),
        {"value": exp.Placeholder()},
        where=_eq(_col("key"), exp.Literal.string("content_hash")),
    )
    con.execute(_sql(hash_row), [corpus.content_hash])
    con.execute(COMMIT)
    con.execute(_create(CHANGES.new_events, _UNNEST_IDS.copy()), [new_ids])
    meta = state_meta(con)
    old_scenarios = int(meta["scenarios"][0])
    inputs = Inputs(con, programs.values())
    con.execute(_create(f"{_P}sf_diff", _star("scenario_fluents").where(exp.false())))
    columns = [("perspective", "VARCHAR"), ("fluent", "VARCHAR"), ("args", "VARCHAR[]")]
    keys_table = exp.Create(
        this=exp.Schema(
            this=_tbl(CHANGES.changed_keys),
            expressions=[
                exp.ColumnDef(
                    this=exp.to_identifier(c), kind=exp.DataType.build(t, dialect="duckdb")
                )
                for c, t in columns
            ],
        ),
        kind="TABLE",
        replace=True,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    con.execute(_sql(keys_table))
    try:
        inputs.make(corpus, full=False)
        happ = f"{_P}happ"
        new_ids_q = exp.select("id").from_(_tbl(f"{_P}new_ids"))
        inputs.temp(f"{_P}happ_new", _star(happ).where(_col("id").isin(query=new_ids_q)))
        happened = {
            (str(n), int(a))
            for n, a in con.execute(
                _sql(exp.select("name", "arity").distinct().from_(_tbl(f"{_P}happ_new")))
            ).fetchall()
        }
        scenarios = max(old_scenarios, inputs.scenarios(happ))
        if scenarios != old_scenarios:  # the late world of an all-exact build is the early one
            n = state_arity(con)
            ks = [f"k{i}" for i in range(n)]
            rest = ["value", "start", "end", "rule", "initiated_by", "terminated_by"]
            late = (
                exp.select(
                    _col("perspective"),
                    _col("fluent"),
                    exp.Literal.number(1),
                    *(_col(c) for c in (*ks, *rest)),
                )
                .from_(_tbl(STATE))
                .where(_eq(_col("scn"), exp.Literal.number(0)))
            )
            target = exp.Schema(
                this=_tbl(STATE),
                expressions=[
                    exp.to_identifier(c) for c in ("perspective", "fluent", "scn", *ks, *rest)
                ],
            )
            con.execute(_sql(exp.insert(late, target)))
            set_meta(con, scenarios=str(scenarios))
        for pid, program in programs.items():
            say(f"incremental: perspective {pid}")
            plan = compile_program(program, scenarios=scenarios)
            run = _Perspective(con, pid, program, plan, prepared.derivations[pid], happened)
            try:
                run.run()
                run.write_back(scenarios)
            finally:
                run.drop()
            report.keys[pid] = {f: n for f, n in run.dirty.items() if n}
            report.changed[pid] = {f: n for f, n in run.changed.items() if n}
        say("incremental: breaches")
        # the new events' acts are in event_acts already: a view of the stored events
        # an event's breaches read whether binds(_, actor, Z) holds at its time, Z its target
        # or what its target is part of then: they change only where a row of those differs
        affected = exp.replace_placeholders(_AFFECTED.copy(), forever=exp.Literal.number(FOREVER))
        assert isinstance(affected, exp.Query)
        con.execute(_create(CHANGES.breach_events, renamed(affected, _UPDATE_TABLES)))
        report.breach_events = _count(con, _count_of(CHANGES.breach_events))
        store_breaches_for(con, CHANGES.breach_events)
        set_meta(con, corpus_hash=corpus.content_hash)
    finally:
        inputs.drop()
        con.execute(_drop(f"{_P}sf_diff"))
    return report
