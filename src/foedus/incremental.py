"""Incremental updates: events added to a corpus recompute only the fluent keys they can touch.

A database built with the registered steps keeps, besides ``fluents`` and ``breaches``, what an
update needs (docs/incremental.md):

``state_fluents(perspective, fluent, scn, k0 .. k{A-1}, value, start, "end", rule,
initiated_by, terminated_by)``
    the per-scenario rows of every fluent that some rule reads (the plan's fluent tables,
    :func:`foedus.engine.compile.fluent_table`), per perspective;
``state_meta(key, value)``
    the steps key (engine code version), the hash of the rule files, the number of scenarios.

:func:`prepare` takes such a database and a corpus that differs from the one it was built
from only by added events (every other corpus table equal, checked in SQL), and
:func:`apply` makes the database of the new corpus, equal row for row to a full rebuild.
Per perspective, fluent by fluent in the plan's order (:class:`_Perspective`):

1. **Dirty keys.** A *key* of a fluent is its argument tuple (all values of a multi-valued
   fluent together). A fluent's dirty keys are those its event rules can reach from a new
   happening, and those its rules can reach from a *changed* key of a fluent computed before
   it (a condition, negated or not, or a reference of a static rule, inside ``except`` too);
   within a cycle through time, also from each other's dirty keys, to a fixpoint. Each step
   joins the changed atom with the rule's other atoms, ignoring time and reading every key a
   fluent has (stored or dirty): an over-approximation, never an omission
   (:func:`derivations`).
2. **Recompute.** The fluent's plan steps run on the happenings that can reach one of its
   dirty keys only (a static fluent: on the input rows that can reach them); its table is then
   a view of the stored rows of its clean keys and the fresh rows of its dirty keys, so that
   later fluents read correct inputs (in a fixpoint's body too). A fluent without dirty keys
   is not computed at all. A dirty key whose fresh rows are its stored rows has not *changed*
   and reaches nothing further.
3. **Replace** the changed keys' rows in ``fluents``, ``scenario_fluents`` and
   ``state_fluents`` and, once every perspective is done, the breaches of the new events and
   of the events that a changed row of ``binds`` or ``part_of`` covers
   (:func:`foedus.norms.breaches.store_breaches_for`); every other registered step (not one
   of :data:`ENGINE_STEPS`) runs again on the updated tables.
4. **Atomically**: the update works on a copy of the database beside the target, which is
   renamed onto the target only when complete (:func:`foedus.storage.build`).

Anything else (an edited or removed record, other rules, another engine version, a database
without the state) raises :class:`NotIncremental`, and the caller builds from scratch.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlglot import exp

from foedus.engine.compile import OUTPUT, Fixpoint, Materialize, Plan, compile_program, fluent_table
from foedus.rules.ast import (
    CompareCond,
    Complement,
    Const,
    EventRule,
    FactCond,
    HoldsCond,
    Intersect,
    Program,
    SetExpr,
    SetRef,
    StaticRule,
    Term,
    Union,
    Var,
)

#: The registered steps an update updates; it runs every other registered step again on the
#: updated database (such a step must remake its tables when run on a database that has them).
ENGINE_STEPS = ("fluents", "state", "breaches")
STATE = "state_fluents"
META = "state_meta"
_P = "_foedus_inc_"  # every table an update makes is temporary and named so
_EV = "_foedus_ev"
_NEXT = "_foedus_next_"
_EVENT_TABLES = ("events", "event_actors", "event_targets", "quotes")

Progress = Callable[[str], None]


class NotIncremental(Exception):
    """The database cannot be updated incrementally; ``str(e)`` says why."""


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
            f"{self.added_events} events added, {self.recomputed} fluent keys recomputed "
            f"({changed} changed), breaches of {self.breach_events} events rechecked"
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ks(n: int, alias: str = "") -> list[str]:
    a = f"{alias}." if alias else ""
    return [f"{a}k{i}" for i in range(n)]


def _match(pairs: Iterable[tuple[str, str]]) -> str:
    conds = [f"{a} IS NOT DISTINCT FROM {b}" for a, b in pairs]
    return " AND ".join(conds) if conds else "TRUE"


# --------------------------------------------------------------------------- program analysis


def read_fluents(program: Program) -> list[str]:
    """The fluents some rule reads (a condition or a static reference): their rows are kept."""
    names: set[str] = set()
    for rule in program.rules:
        if isinstance(rule, EventRule):
            names |= {c.ref.atom.name for c in rule.conditions if isinstance(c, HoldsCond)}
        else:
            names |= {a.name for a in _flatten(rule.body, _Fresh()).atoms()}
    return [f for f in program.fluents if f in names]


def _arity(program: Program, fluent: str) -> int:
    return len(program.fluents[fluent].arg_types)


@dataclass(frozen=True)
class _Atom:
    """An event pattern, a fluent reference (with its value) or a fact, in a rule body."""

    kind: str  # "event", "fluent" or "fact"
    name: str
    args: tuple[Term, ...]
    value: Term | None = None

    def hard_vars(self) -> set[str]:
        """Variables at argument positions (a fluent's value is not one)."""
        return {t.name for t in self.args if isinstance(t, Var) and not t.anonymous}

    def names(self) -> set[str]:
        terms = (*self.args, self.value) if self.value is not None else self.args
        return {t.name for t in terms if isinstance(t, Var) and not t.anonymous}

    def renamed(self, sub: dict[str, str]) -> _Atom:
        def r(t: Term | None) -> Any:
            return Var(sub[t.name]) if isinstance(t, Var) and t.name in sub else t

        return _Atom(self.kind, self.name, tuple(r(t) for t in self.args), r(self.value))


class _Fresh:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"#{self.n}"  # no rule variable can be spelled so


@dataclass
class _Flat:
    """A static body as alternatives of positive references that hold together, references
    inside subtrahends, and the variables its groundings bind (those the compiler's relation
    has). Variables local to a union item or a subtrahend are renamed apart."""

    alts: list[list[_Atom]]
    negs: list[_Atom]
    vars: set[str]

    def atoms(self) -> list[_Atom]:
        return [a for alt in self.alts for a in alt] + self.negs

    def renamed(self, keep: set[str], fresh: _Fresh) -> _Flat:
        sub = {v: fresh() for a in self.atoms() for v in a.names() if v not in keep}
        return _Flat(
            [[a.renamed(sub) for a in alt] for alt in self.alts],
            [a.renamed(sub) for a in self.negs],
            {sub.get(v, v) for v in self.vars},
        )


def _flatten(e: SetExpr, fresh: _Fresh) -> _Flat:
    if isinstance(e, SetRef):
        a = _Atom("fluent", e.ref.atom.name, e.ref.atom.args, e.ref.value)
        return _Flat([[a]], [], a.names())
    if isinstance(e, Intersect):
        parts = [_flatten(i, fresh) for i in e.items]
        alts = [
            [a for alt in combo for a in alt]
            for combo in itertools.product(*(p.alts for p in parts))
        ]
        return _Flat(
            alts, [a for p in parts for a in p.negs], set().union(*(p.vars for p in parts))
        )
    if isinstance(e, Union):
        parts = [_flatten(i, fresh) for i in e.items]
        common = set.intersection(*(p.vars for p in parts))
        parts = [p.renamed(common, fresh) for p in parts]
        return _Flat(
            [alt for p in parts for alt in p.alts], [a for p in parts for a in p.negs], common
        )
    assert isinstance(e, Complement)
    base = _flatten(e.base, fresh)
    negs = list(base.negs)
    for m in e.minus:
        negs += _flatten(m, fresh).renamed(base.vars, fresh).atoms()
    return _Flat(base.alts, negs, base.vars)


@dataclass(frozen=True)
class Derivation:
    """How a change of ``source`` (new happenings, or dirty keys of a fluent) reaches the keys
    of ``head``: join it, on the variables in ``linked``, with ``others`` (ignoring time)."""

    rule: str
    head: str
    head_args: tuple[Term, ...]
    source: _Atom
    linked: frozenset[str]
    others: tuple[_Atom, ...]
    compares: tuple[CompareCond, ...]


def _head_keys(head_args: tuple[Term, ...]) -> set[str]:
    return {t.name for t in head_args if isinstance(t, Var) and not t.anonymous}


def _join_plan(
    rule: str,
    head: str,
    head_args: tuple[Term, ...],
    source: _Atom,
    linked: set[str],
    candidates: list[_Atom],
    compares: tuple[CompareCond, ...],
) -> Derivation:
    """Choose the atoms to join: the event and facts that share a variable with what is bound
    (filters), and the fluents that bind a head argument not yet bound."""
    bound = set(linked)
    needed = _head_keys(head_args) - bound
    chosen: list[_Atom] = []
    rest = list(candidates)
    while True:
        pick = next(
            (
                a
                for a in rest
                if a.hard_vars() & bound and (a.kind != "fluent" or a.hard_vars() & needed)
            ),
            None,
        )
        if pick is None:
            pick = next((a for a in rest if a.hard_vars() & needed), None)
        if pick is None:
            break
        chosen.append(pick)
        rest.remove(pick)
        bound |= pick.hard_vars()
        needed -= bound
    if needed:
        raise NotIncremental(
            f"rule {rule!r}: head argument(s) {', '.join(sorted(needed))} are bound only by a "
            "fluent's value; the update cannot enumerate the keys a change reaches"
        )
    return Derivation(rule, head, head_args, source, frozenset(linked), tuple(chosen), compares)


def derivations(program: Program) -> list[Derivation]:
    """Every way a change reaches a fluent's keys, for every rule of ``program``."""
    out: list[Derivation] = []
    for rule in program.rules:
        head, args = rule.head.atom.name, rule.head.atom.args
        if isinstance(rule, EventRule) and any(i < len(args) for i in rule.wildcards()):
            raise NotIncremental(
                f"rule {rule.label!r}: a wildcard termination reaches every key of {head}; "
                "the update does not enumerate them"
            )
        if isinstance(rule, EventRule):
            ev = _Atom("event", rule.event.name, rule.event.args)
            pos = [ev]
            negs: list[_Atom] = []
            for c in rule.conditions:
                if isinstance(c, HoldsCond):
                    a = _Atom("fluent", c.ref.atom.name, c.ref.atom.args, c.ref.value)
                    (negs if c.negated else pos).append(a)
                elif isinstance(c, FactCond) and not c.negated:
                    pos.append(_Atom("fact", c.atom.name, c.atom.args))
            compares = tuple(c for c in rule.conditions if isinstance(c, CompareCond))
            for k, s in enumerate(pos):
                if s.kind != "fact":
                    out.append(
                        _join_plan(
                            rule.label,
                            head,
                            args,
                            s,
                            s.hard_vars(),
                            pos[:k] + pos[k + 1 :],
                            compares,
                        )
                    )
            for s in negs:
                out.append(_join_plan(rule.label, head, args, s, s.hard_vars(), pos, compares))
            continue
        flat = _flatten(rule.body, _Fresh())
        facts = [
            _Atom("fact", c.atom.name, c.atom.args)
            for c in rule.where
            if isinstance(c, FactCond) and not c.negated
        ]
        compares = tuple(c for c in rule.where if isinstance(c, CompareCond))
        for alt in flat.alts:
            for k, s in enumerate(alt):
                out.append(
                    _join_plan(
                        rule.label,
                        head,
                        args,
                        s,
                        s.hard_vars(),
                        alt[:k] + alt[k + 1 :] + facts,
                        compares,
                    )
                )
            for s in flat.negs:
                out.append(
                    _join_plan(
                        rule.label, head, args, s, s.hard_vars() & flat.vars, alt + facts, compares
                    )
                )
    return out


def _static_links(program: Program, fluent: str) -> dict[str, list[list[tuple[int, int]]]]:
    """For a static fluent: per input fluent, per reference to it, the pairs (input argument,
    head argument) that carry the same variable."""
    out: dict[str, list[list[tuple[int, int]]]] = {}
    for rule in program.rules_for(fluent):
        assert isinstance(rule, StaticRule)
        head = rule.head.atom.args
        for a in _flatten(rule.body, _Fresh()).atoms():
            links = [
                (i, j)
                for i, t in enumerate(a.args)
                if isinstance(t, Var) and not t.anonymous
                for j, h in enumerate(head)
                if h == t
            ]
            out.setdefault(a.name, []).append(links)
    return out


def rules_hash(corpus: Any) -> str:
    """A hash of every perspective's rule files (their contents) and replacements."""
    h = hashlib.sha256()
    root = Path(corpus.path)
    for p in sorted(corpus.perspectives, key=lambda p: p.id):
        h.update(repr((p.id, list(p.rules), list(p.replaces or []))).encode())
        for r in p.rules:
            try:
                h.update((root / r).read_bytes())
            except OSError:
                h.update(b"\0missing")
    return h.hexdigest()


# --------------------------------------------------------------------------- the kept state


def state_tables(program: Program) -> list[str]:
    """The fluent tables a build keeps for later updates (see :func:`keep_state`)."""
    return [fluent_table(f) for f in read_fluents(program)]


def _ensure_state(con: duckdb.DuckDBPyConnection, arity: int) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {META} (key VARCHAR, value VARCHAR)")
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE} (perspective VARCHAR, fluent VARCHAR, "
        'scn INTEGER, value VARCHAR, start BIGINT, "end" BIGINT, rule VARCHAR, '
        "initiated_by VARCHAR, terminated_by VARCHAR)"
    )
    have = _state_arity(con)
    for i in range(have, arity):
        con.execute(f"ALTER TABLE {STATE} ADD COLUMN k{i} VARCHAR")


def _state_arity(con: duckdb.DuckDBPyConnection) -> int:
    cols = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "AND table_catalog = current_database() AND table_schema = 'main'",
            [STATE],
        ).fetchall()
    }
    n = 0
    while f"k{n}" in cols:
        n += 1
    return n


def _set_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for key, value in values.items():
        con.execute(f"DELETE FROM {META} WHERE key = ?", [key])
        con.execute(f"INSERT INTO {META} VALUES (?, ?)", [key, value])


def _meta(con: duckdb.DuckDBPyConnection, schema: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in con.execute(f"SELECT key, value FROM {schema}{META}").fetchall():
        out.setdefault(k, []).append(v)
    return out


def _insert_state(
    con: duckdb.DuckDBPyConnection, perspective: str, fluent: str, n: int, source: str
) -> None:
    ks = ", ".join(_ks(n))
    sep = ", " if n else ""
    con.execute(
        f'INSERT INTO {STATE} (perspective, fluent, scn{sep}{ks}, value, start, "end", rule, '
        f"initiated_by, terminated_by) SELECT {_lit(perspective)}, {_lit(fluent)}, scn{sep}{ks}, "
        f'value, start, "end", rule, initiated_by, terminated_by FROM {source}'
    )


def keep_state(
    con: duckdb.DuckDBPyConnection, backend: Any, perspective: str, program: Program, plan: Plan
) -> None:
    """Append the rows of the fluents that rules read to ``state_fluents`` of ``con`` (the
    build's database), from the tables ``backend`` kept (``run_tables(keep=
    state_tables(program))``), then drop those tables but the ``scenario_fluents`` ones (which
    the caller copies and drops). The two lines of :func:`foedus.reasoning.store_fluents_sql`
    that keep the state are::

        plan = backend.run_tables(program, keep=[fluent_table(f) for f in kept]
                                  + incremental.state_tables(program))
        incremental.keep_state(con, backend, pid, program, plan)
    """
    from foedus.reasoning import SCENARIO_FLUENTS

    fluents = read_fluents(program)
    _ensure_state(con, max([1, *(_arity(program, f) for f in fluents)]))
    width = _state_arity(con)
    for f in fluents:
        n = _arity(program, f)
        ks = [f"k{i}" if i < n else "NULL" for i in range(width)]
        backend.copy_out(
            f'SELECT ? AS perspective, ? AS fluent, scn, value, start, "end", '
            f"rule, initiated_by, terminated_by, {', '.join(ks)} FROM "
            f"{_q(fluent_table(f))}",
            STATE,
            [perspective, f],
        )
        if f not in SCENARIO_FLUENTS:
            if hasattr(backend, "discard"):
                backend.discard(fluent_table(f))
            else:
                backend.execute(f"DROP TABLE IF EXISTS {_q(fluent_table(f))}")
    _set_meta(con, scenarios=str(plan.scenarios))
    con.execute(f"INSERT INTO {META} VALUES ('kept', ?)", [perspective])


def store_state(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """Build step (after the fluents): keep what an incremental update needs.

    When the fluents step kept the state itself (:func:`keep_state`), this only records the
    steps key and the rules; otherwise it computes the kept fluents once more.
    """
    from foedus import reasoning, storage
    from foedus.backends.duckdb import DuckDBBackend

    _ensure_state(con, 1)
    programs = {
        pid: reasoning.program_for(corpus, pid) for pid in reasoning.perspective_ids(corpus)
    }
    done = set(_meta(con).get("kept", []))
    todo = {pid: p for pid, p in programs.items() if pid not in done}
    if todo or "scenarios" not in _meta(con):
        inputs = _Inputs(con, programs.values())
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
            _set_meta(con, scenarios=str(scenarios))
        finally:
            inputs.drop()
    _set_meta(
        con,
        steps_key=storage.registered_steps()[0],
        rules_hash=rules_hash(corpus),
        corpus_hash=corpus.content_hash,
    )


# --------------------------------------------------------------------------- engine inputs


class _Inputs:
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

    def temp(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {_q(name)} AS {sql}")
        self.made.append(name)

    def make(self, corpus: Any, full: bool = True, facts: bool = True) -> None:
        """``happenings`` (every happening; with ``full=False`` ``_foedus_inc_happ``) and the
        fact tables of every declared relation."""
        from foedus.engine import from_tables

        sql = from_tables.happenings_sql(self.arity)
        if full:
            self.temp("happenings", sql)
        else:
            self.temp(f"{_P}happ", sql)  # its rows are named by their rowid
        if not facts:
            return
        # as foedus.engine.from_tables.store_engine_inputs and Backend.run_tables make them
        self.temp(
            "facts_state", "SELECT DISTINCT id::VARCHAR AS c0 FROM actors WHERE kind = 'state'"
        )
        self.temp(
            "facts_forbids",
            "SELECT instrument AS c0, clause AS c1, bearer AS c2, "
            "beneficiary AS c3, event_type AS c4 FROM norm_rows",
        )
        for p in self.programs:
            for rel, decl in p.facts.items():
                if f"facts_{rel}" not in self.made:
                    cols = ", ".join(f"NULL::VARCHAR AS c{i}" for i in range(len(decl.arg_types)))
                    self.temp(f"facts_{rel}", f"SELECT {cols or 'NULL AS c0'} WHERE FALSE")

    def scenarios(self, table: str = "happenings") -> int:
        row = self.con.execute(
            f"SELECT count(*) FROM {_q(table)} WHERE t_early <> t_late "
        ).fetchone()
        return 2 if row and row[0] else 1

    def drop(self) -> None:
        for name in reversed(self.made):
            self.con.execute(f"DROP TABLE IF EXISTS temp.{_q(name)}")
        self.made.clear()


# --------------------------------------------------------------------------- running a plan


def _renamed(q: exp.Expression, names: dict[str, str]) -> exp.Expression:
    q = q.copy()
    for t in list(q.find_all(exp.Table)):
        if t.name in names and not t.args.get("db"):
            t.set("this", exp.to_identifier(names[t.name]))
    return q


def _create(table: str, query: exp.Expression) -> str:
    stmt = exp.Create(
        this=exp.Table(this=exp.to_identifier(table)),
        kind="TABLE",
        replace=True,
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    return stmt.sql(dialect="duckdb", identify=True)


_FL_COLS = ("value", "start", '"end"', "rule", "initiated_by", "terminated_by")


class _Runner:
    """Runs a perspective's plan on ``con`` for the state: every fluent some rule reads, from
    scratch (:class:`_Perspective` runs it for an update)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, perspective: str, program: Program, plan: Plan
    ) -> None:
        self.con = con
        self.perspective = perspective
        self.program = program
        self.plan = plan
        self.read = set(read_fluents(program))
        self.tables: list[str] = []
        self.views: list[str] = []
        self.by_table = {fluent_table(f): f for f in program.fluents}
        self.by_next = {f"{_NEXT}{f}": f for f in program.fluents}

    # -- helpers
    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def materialize(self, table: str, query: exp.Expression) -> None:
        self.execute(_create(table, query))
        self.tables.append(table)

    def temp(self, table: str, sql: str) -> None:
        self.execute(f"CREATE OR REPLACE TEMP TABLE {_q(table)} AS {sql}")
        self.tables.append(table)

    def view(self, name: str, sql: str) -> None:
        self.execute(f"CREATE OR REPLACE TEMP VIEW {_q(name)} AS {sql}")
        self.views.append(name)

    def drop(self) -> None:
        for v in dict.fromkeys(reversed(self.views)):
            self.execute(f"DROP VIEW IF EXISTS temp.{_q(v)}")
        for t in dict.fromkeys(reversed(self.tables)):
            self.execute(f"DROP TABLE IF EXISTS temp.{_q(t)}")
        self.views.clear()
        self.tables.clear()

    def kind(self, step: Materialize) -> tuple[str, str | None]:
        if step.table == _EV:
            return "ev", None
        if step.table.startswith("_foedus_fact_"):
            return "fact", None
        if step.table == OUTPUT:
            return "output", None
        if step.table in self.by_table:
            return "fluent", self.by_table[step.table]
        return "other", None

    # -- state mode: every fluent some rule reads, from scratch
    def run_state(self) -> None:
        pending: list[Materialize] = []
        for step in self.plan.steps:
            if isinstance(step, Fixpoint):
                for m in pending:
                    self.materialize(m.table, m.query)
                pending = []
                if any(f in self.read for f in step.fluents):
                    self.fixpoint_plain(step)
                continue
            kind, fluent = self.kind(step)
            if kind in ("ev", "fact"):
                self.materialize(step.table, step.query)
            elif kind == "fluent":
                if fluent in self.read:
                    for m in [*pending, step]:
                        self.materialize(m.table, m.query)
                pending = []
            elif kind == "other":
                pending.append(step)

    def fixpoint_plain(self, step: Fixpoint) -> None:
        from foedus.backends.base import FixpointError

        for m in step.init:
            self.materialize(m.table, m.query)
        body = [(m.table, _create(m.table, m.query)) for m in step.body]
        swap = [(m.table, _create(m.table, m.query)) for m in step.swap]
        changed = step.changed.sql(dialect="duckdb", identify=True)
        self.tables += [t for t, _ in body + swap]
        for _ in range(step.max_rounds):
            for _, sql in body:
                self.execute(sql)
            row = self.con.execute(changed).fetchone()
            if not row or not row[0]:
                return
            for _, sql in swap:
                self.execute(sql)
        raise FixpointError(
            f"incremental: the cycle of fluents {', '.join(step.fluents)} did "
            f"not settle within {step.max_rounds} rounds"
        )


class _Perspective(_Runner):
    """The update of one perspective, fluent by fluent in the plan's order.

    Before a fluent (or a cycle of fluents) is computed, its *dirty* keys are derived from the
    new happenings and from the *changed* keys of the fluents computed before it (within a
    cycle, from each other's dirty keys, to a fixpoint); its plan steps then run on the
    happenings that can reach a dirty key, and its table becomes a view of the stored rows of
    its clean keys and the fresh rows of its dirty keys. A dirty key whose fresh rows are its
    stored rows has not *changed*, and reaches nothing further.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        perspective: str,
        program: Program,
        plan: Plan,
        derivs: list[Derivation],
        happened: set[tuple[str, int]],
    ) -> None:
        super().__init__(con, perspective, program, plan)
        self.derivs = derivs
        self.happened = happened
        self.dirty = {f: 0 for f in program.fluents}
        self.changed = {f: 0 for f in program.fluents}
        self.made: set[str] = set()
        self.ev_step: Materialize | None = None
        for f in program.fluents:
            cols = ", ".join(["TRUE AS _x", *(f"NULL::VARCHAR AS {k}" for k in self.ks(f))])
            for kind in ("dirty", "changed", "cand", "delta"):
                self.temp(self.t(kind, f), f"SELECT {cols} WHERE FALSE")

    def t(self, kind: str, f: str) -> str:
        return f"{_P}{kind}_{f}"

    def ks(self, f: str, alias: str = "") -> list[str]:
        return _ks(_arity(self.program, f), alias)

    def same_key(self, f: str, a: str, b: str) -> str:
        return _match(zip(self.ks(f, a), self.ks(f, b), strict=True))

    def count(self, table: str) -> int:
        return _count(self.con, f"SELECT count(*) FROM {_q(table)}")

    # -- dirty keys
    def table_of(self, atom: _Atom) -> str:
        """The relation a derivation joins for an atom that is not its source."""
        if atom.kind == "event":
            return f"{_P}happ"
        if atom.kind == "fact":
            name = f"{_P}fact_{atom.name}"
            if name not in self.made:
                rows = sorted(
                    {
                        tuple(str(a) for a in g.atom.args)
                        for g in self.program.ground_facts
                        if g.atom.name == atom.name
                    }
                )
                sql = f"SELECT * FROM {_q('facts_' + atom.name)}"
                if rows:
                    sql += (
                        " UNION ALL SELECT * FROM (VALUES "
                        + ", ".join("(" + ", ".join(_lit(v) for v in r) + ")" for r in rows)
                        + ")"
                    )
                self.temp(name, sql)
                self.made.add(name)
            return name
        name = f"{_P}all_{atom.name}"
        if name not in self.made:  # every key the fluent has: stored, or dirty (maybe new)
            ks = ", ".join(self.ks(atom.name))
            sep = ", " if ks else ""
            base = f"{_P}keys_{atom.name}"
            self.temp(
                base,
                f"SELECT DISTINCT {ks}{sep}value FROM {STATE} WHERE perspective = "
                f"{_lit(self.perspective)} AND fluent = {_lit(atom.name)}",
            )
            self.view(
                name,
                f"SELECT {ks}{sep}value FROM {_q(base)} UNION ALL SELECT {ks}{sep}"
                f"NULL::VARCHAR AS value FROM {_q(self.t('dirty', atom.name))}",
            )
            self.made.add(name)
        return name

    def derivation_sql(self, d: Derivation, source: str) -> str:
        """The keys of ``d.head`` that the rows of ``source`` (new happenings, or keys of the
        source fluent) reach."""
        froms: list[str] = []
        where: list[str] = []
        env: dict[str, str] = {}
        values: list[tuple[str, Term]] = []

        def place(atom: _Atom, table: str, alias: str, is_source: bool) -> None:
            froms.append(f"{_q(table)} AS {alias}")
            if atom.kind == "event":
                where.append(f"{alias}.name = {_lit(atom.name)}")
                where.append(f"{alias}.arity = {len(atom.args)}")
            prefix = {"event": "a", "fluent": "k", "fact": "c"}[atom.kind]
            for i, t in enumerate(atom.args):
                c = f"{alias}.{prefix}{i}"
                if isinstance(t, Const):
                    where.append(f"{c} = {_lit(t.value)}")
                elif t.anonymous or (is_source and t.name not in d.linked):
                    continue
                elif t.name in env:
                    where.append(f"{c} = {env[t.name]}")
                else:
                    env[t.name] = c
            if atom.kind == "fluent" and not is_source and atom.value is not None:
                values.append((alias, atom.value))

        place(d.source, source, "s", True)
        for n, a in enumerate(d.others):
            place(a, self.table_of(a), f"o{n}", False)
        for alias, v in values:  # a dirty key (value NULL) may hold any value
            if isinstance(v, Const):
                where.append(f"({alias}.value IS NULL OR {alias}.value = {_lit(v.value)})")
            elif not v.anonymous and v.name in env:
                where.append(f"({alias}.value IS NULL OR {alias}.value = {env[v.name]})")

        def term(t: Term) -> str | None:
            return _lit(t.value) if isinstance(t, Const) else env.get(t.name)

        for c in d.compares:
            left, right = term(c.left), term(c.right)
            if left is not None and right is not None:
                where.append(f"{left} {'=' if c.op == '=' else '<>'} {right}")
        keys = []
        for j, t in enumerate(d.head_args):
            value = term(t)
            assert value is not None, d
            keys.append(f"{value} AS k{j}")
        return (
            f"SELECT DISTINCT {', '.join(['TRUE AS _x', *keys])} FROM {', '.join(froms)} "
            "WHERE " + (" AND ".join(where) or "TRUE")
        )

    def close(self, members: Sequence[str]) -> None:
        """The dirty keys of ``members`` (a fluent, or a cycle of fluents)."""
        inside = set(members)
        runs: list[tuple[Derivation, str]] = []
        for d in self.derivs:
            if d.head not in inside:
                continue
            if d.source.kind == "event":
                if (d.source.name, len(d.source.args)) in self.happened:
                    runs.append((d, f"{_P}happ_new"))
            elif d.source.name not in inside and self.changed.get(d.source.name):
                runs.append((d, self.t("changed", d.source.name)))
        while runs:
            touched = set()
            for d, source in runs:
                self.execute(
                    f"INSERT INTO {_q(self.t('cand', d.head))} " + self.derivation_sql(d, source)
                )
                touched.add(d.head)
            new = {}
            for f in touched:
                cand, dirty, delta = (_q(self.t(k, f)) for k in ("cand", "dirty", "delta"))
                self.execute(
                    f"CREATE OR REPLACE TEMP TABLE {delta} AS SELECT * FROM {cand} "
                    f"EXCEPT SELECT * FROM {dirty}"
                )
                self.execute(f"DELETE FROM {cand}")
                self.execute(f"INSERT INTO {dirty} SELECT * FROM {delta}")
                new[f] = self.count(self.t("delta", f))
                self.dirty[f] += new[f]
            runs = [
                (d, self.t("delta", d.source.name))
                for d in self.derivs
                if d.head in inside and d.source.kind == "fluent" and new.get(d.source.name)
            ]

    def events_for(self, members: Sequence[str]) -> None:
        """``_foedus_ev`` again, from the happenings that can reach a dirty key of
        ``members`` (through one of their event rules)."""
        parts = []
        for rule in self.program.rules:
            f = rule.head.atom.name
            if f not in members or not isinstance(rule, EventRule):
                continue
            ev = rule.event
            where = [f"h.name = {_lit(ev.name)}", f"h.arity = {len(ev.args)}"]
            first: dict[str, str] = {}
            for i, t in enumerate(ev.args):
                if isinstance(t, Const):
                    where.append(f"h.a{i} = {_lit(t.value)}")
                elif not t.anonymous:
                    if t.name in first:
                        where.append(f"h.a{i} = {first[t.name]}")
                    else:
                        first[t.name] = f"h.a{i}"
            links = [
                (f"d.k{j}", first[t.name])
                for j, t in enumerate(rule.head.atom.args)
                if isinstance(t, Var) and t.name in first
            ]
            if links:
                where.append(
                    f"EXISTS (SELECT 1 FROM {_q(self.t('dirty', f))} AS d WHERE {_match(links)})"
                )
            parts.append(f"SELECT h.rowid FROM {_P}happ AS h WHERE {' AND '.join(where)}")
        ids = " UNION ALL ".join(parts) if parts else "SELECT NULL::BIGINT WHERE FALSE"
        self.execute(
            f"CREATE OR REPLACE TEMP TABLE happenings AS SELECT * FROM {_P}happ "
            f"WHERE rowid IN ({ids})"
        )
        if self.ev_step is not None:
            self.materialize(self.ev_step.table, self.ev_step.query)

    def find_changed(self, f: str) -> None:
        """The dirty keys of ``f`` whose fresh rows are not their stored rows."""
        changed = self.t("changed", f)
        if f in self.read:
            cols = ", ".join(["scn", *self.ks(f), *_FL_COLS])
            old = (
                self.state_rows(f, clean_only=False) + f" AND EXISTS (SELECT 1 FROM "
                f"{_q(self.t('dirty', f))} AS d WHERE {self.same_key(f, 'd', 's')})"
            )
            new = f"SELECT {cols} FROM {_q(self.cur(f))}"
            self.temp(
                changed,
                f"SELECT DISTINCT {', '.join(['TRUE AS _x', *self.ks(f)])} FROM "
                f"(({old} EXCEPT ALL {new}) UNION ALL ({new} EXCEPT ALL {old}))",
            )
        else:  # nothing reads it: its dirty keys are written back as they are
            self.temp(changed, f"SELECT * FROM {_q(self.t('dirty', f))}")
        self.changed[f] = self.count(changed)

    # -- the plan
    def state_rows(self, f: str, clean_only: bool) -> str:
        cols = ", ".join(["scn", *self.ks(f), *_FL_COLS])
        sql = (
            f"SELECT {cols} FROM {STATE} AS s WHERE s.perspective = {_lit(self.perspective)} "
            f"AND s.fluent = {_lit(f)}"
        )
        if clean_only:
            sql += (
                f" AND NOT EXISTS (SELECT 1 FROM {_q(self.t('dirty', f))} AS d WHERE "
                f"{self.same_key(f, 'd', 's')})"
            )
        return sql

    def cur(self, f: str) -> str:
        return self.t("cur", f)

    def define(self, name: str, f: str, rows: str | None) -> None:
        """``name`` as the view of fluent ``f``: the stored rows of its clean keys and
        ``rows`` (a table of its dirty keys' fresh rows)."""
        parts = []
        if f in self.read:
            parts.append(self.state_rows(f, clean_only=rows is not None))
        if rows is not None:
            parts.append(f"SELECT * FROM {_q(rows)}")
        if not parts:
            parts.append(f"SELECT * FROM {_q(self.empty(f))}")
        self.view(name, " UNION ALL ".join(parts))

    def empty(self, f: str) -> str:
        name = self.t("empty", f)
        if name not in self.made:
            cols = ", ".join(
                [
                    "NULL::INTEGER AS scn",
                    *(f"NULL::VARCHAR AS {k}" for k in self.ks(f)),
                    "NULL::VARCHAR AS value",
                    "NULL::BIGINT AS start",
                    'NULL::BIGINT AS "end"',
                    "NULL::VARCHAR AS rule",
                    "NULL::VARCHAR AS initiated_by",
                    "NULL::VARCHAR AS terminated_by",
                ]
            )
            self.temp(name, f"SELECT {cols} WHERE FALSE")
            self.made.add(name)
        return name

    def only_dirty(self, f: str, rows: str) -> str:
        """The rows of ``rows`` (a table, or a query in parentheses) whose key is dirty."""
        rows = rows if rows.startswith("(") else _q(rows)
        return (
            f"SELECT * FROM {rows} AS f WHERE EXISTS (SELECT 1 FROM "
            f"{_q(self.t('dirty', f))} AS d WHERE {self.same_key(f, 'd', 'f')})"
        )

    def restriction(self, f: str) -> list[tuple[str, str, str]]:
        """For a static fluent: its inputs restricted to the rows that can reach its dirty
        keys, as (input, table, query) named ``_foedus_inc_in_<f>__<input>``."""
        if not any(isinstance(r, StaticRule) for r in self.program.rules_for(f)):
            return []
        out = []
        for g, refs in _static_links(self.program, f).items():
            if not refs or any(not links for links in refs):
                continue  # a reference that no head argument restricts reads all of g
            tests = " OR ".join(
                f"EXISTS (SELECT 1 FROM {_q(self.t('dirty', f))} AS d WHERE "
                + _match((f"d.k{j}", f"g.k{i}") for i, j in links)
                + ")"
                for links in refs
            )
            out.append(
                (g, f"{_P}in_{f}__{g}", f"SELECT * FROM {_q(fluent_table(g))} AS g WHERE {tests}")
            )
        return out

    def compute(self, f: str, steps: list[Materialize], last: Materialize) -> None:
        """Run a dirty fluent's steps (its inputs restricted); its dirty keys' rows in
        ``_foedus_inc_cur_<f>``, and ``_foedus_fl_<f>`` the view of all its rows."""
        names = {}
        for g, name, sql in self.restriction(f):
            self.temp(name, sql)
            names[fluent_table(g)] = name
        for m in steps:
            self.materialize(m.table, _renamed(m.query, names))
        fresh = self.t("fresh", f)
        self.materialize(fresh, _renamed(last.query, names))
        self.temp(self.cur(f), self.only_dirty(f, fresh))
        self.define(fluent_table(f), f, self.cur(f))

    def run(self) -> None:
        self.execute(
            f"CREATE OR REPLACE TEMP TABLE happenings AS SELECT * FROM {_P}happ WHERE FALSE"
        )
        self.tables.append("happenings")
        pending: list[Materialize] = []
        for step in self.plan.steps:
            if isinstance(step, Fixpoint):
                for m in pending:
                    self.materialize(m.table, m.query)
                pending = []
                self.fixpoint(step)
                continue
            kind, f = self.kind(step)
            if kind in ("ev", "fact"):
                self.ev_step = step if kind == "ev" else self.ev_step
                self.materialize(step.table, step.query)
            elif kind == "other":
                pending.append(step)
            elif kind == "fluent":
                assert f is not None
                self.close([f])
                if self.dirty[f]:
                    self.events_for([f])
                    self.compute(f, pending, step)
                    self.find_changed(f)
                else:
                    self.define(fluent_table(f), f, None)
                pending = []
            else:  # the output: certainty of the changed keys only
                names = {}
                for g in self.program.fluents:
                    if self.changed[g]:
                        out = self.t("out", g)
                        self.temp(
                            out,
                            f"SELECT * FROM {_q(self.cur(g))} AS f WHERE EXISTS ("
                            f"SELECT 1 FROM {_q(self.t('changed', g))} AS d WHERE "
                            f"{self.same_key(g, 'd', 'f')})",
                        )
                        names[fluent_table(g)] = out
                    else:
                        names[fluent_table(g)] = self.empty(g)
                for m in pending:
                    self.materialize(m.table, _renamed(m.query, names))
                pending = []
                self.materialize(OUTPUT, _renamed(step.query, names))

    def fixpoint(self, step: Fixpoint) -> None:
        """A cycle through time over the dirty keys of its fluents, the clean ones read from
        the stored rows. It starts from the stored rows: it settles on the same intervals from
        any start, since what holds at a time depends only on what held before."""
        from foedus.backends.base import FixpointError

        self.close(step.fluents)
        dirty = [f for f in step.fluents if self.dirty[f]]
        for f in step.fluents:
            if f in dirty:
                self.temp(self.cur(f), self.only_dirty(f, f"({self.state_rows(f, False)})"))
                self.define(fluent_table(f), f, self.cur(f))
            else:
                self.define(fluent_table(f), f, None)
        if not dirty:
            for m in step.body:
                g = self.by_next.get(m.table)
                if g is not None:
                    self.define(m.table, g, None)
            return
        self.events_for(dirty)
        body: list[str] = []
        pending: list[Materialize] = []
        for m in step.body:
            g = self.by_next.get(m.table)
            if g is None:
                pending.append(m)
                continue
            if g in dirty:
                names = {}
                for h, name, sql in self.restriction(g):
                    body.append(f"CREATE OR REPLACE TEMP TABLE {_q(name)} AS {sql}")
                    self.tables.append(name)
                    names[fluent_table(h)] = name
                for p in pending:
                    body.append(_create(p.table, _renamed(p.query, names)))
                    self.tables.append(p.table)
                fresh, nxt = self.t("fresh", g), self.t("next", g)
                body.append(_create(fresh, _renamed(m.query, names)))
                body.append(
                    f"CREATE OR REPLACE TEMP TABLE {_q(nxt)} AS " + self.only_dirty(g, fresh)
                )
                self.tables += [fresh, nxt]
                self.temp(nxt, f"SELECT * FROM {_q(self.cur(g))} WHERE FALSE")
                self.define(m.table, g, nxt)
            else:
                self.define(m.table, g, None)
            pending = []
        diffs = []
        for f in dirty:
            a, b = _q(self.cur(f)), _q(self.t("next", f))
            diffs.append(f"(SELECT count(*) FROM (SELECT * FROM {a} EXCEPT SELECT * FROM {b}))")
            diffs.append(f"(SELECT count(*) FROM (SELECT * FROM {b} EXCEPT SELECT * FROM {a}))")
        changed = "SELECT " + " + ".join(diffs)
        swap = [
            f"CREATE OR REPLACE TEMP TABLE {_q(self.cur(f))} AS SELECT * FROM "
            f"{_q(self.t('next', f))}"
            for f in dirty
        ]
        for _ in range(step.max_rounds):
            for sql in body:
                self.execute(sql)
            if not _count(self.con, changed):
                for f in dirty:
                    self.find_changed(f)
                return
            for sql in swap:
                self.execute(sql)
        raise FixpointError(
            f"incremental: the cycle of fluents {', '.join(step.fluents)} did "
            f"not settle within {step.max_rounds} rounds"
        )

    # -- writing back
    def write_back(self, scenarios: int) -> None:
        """Replace the changed keys' rows of ``fluents``, ``scenario_fluents`` (noting the rows
        that differ in ``_foedus_inc_sf_diff``, for the breaches) and ``state_fluents``."""
        from foedus.reasoning import SCENARIO_FLUENTS

        p = _lit(self.perspective)
        changed = [f for f in self.program.fluents if self.changed[f]]
        if not changed:
            return
        dargs = f"{_P}dargs"
        self.temp(
            dargs,
            " UNION ALL ".join(
                f"SELECT {_lit(f)} AS fluent, CAST([{', '.join(self.ks(f))}] AS VARCHAR[]) AS args "
                f"FROM {_q(self.t('changed', f))}"
                for f in changed
            ),
        )
        self.execute(f"INSERT INTO {CHANGES.changed_keys} SELECT {p}, fluent, args FROM {dargs}")
        self.execute(
            f"DELETE FROM fluents USING {dargs} AS d WHERE fluents.perspective = {p} "
            "AND fluents.fluent = d.fluent AND fluents.args = d.args"
        )
        self.execute(
            f'INSERT INTO fluents SELECT {p}, fluent, args, value, start, "end", '
            f"certainty, rule, initiated_by, terminated_by FROM {OUTPUT}"
        )
        for f in SCENARIO_FLUENTS:
            if f not in changed:
                continue
            arr = "CAST([" + ", ".join(self.ks(f)) + "] AS VARCHAR[])"
            out = _q(self.t("out", f))
            if scenarios == 2:
                new = (
                    f"SELECT {p} AS perspective, CASE WHEN scn = 0 THEN 'early' ELSE 'late' "
                    f"END AS scenario, {_lit(f)} AS fluent, {arr} AS args, value, start, "
                    f'"end" FROM {out}'
                )
            else:
                new = " UNION ALL ".join(
                    f"SELECT {p} AS perspective, '{s}' AS scenario, {_lit(f)} AS fluent, "
                    f'{arr} AS args, value, start, "end" FROM {out}'
                    for s in ("early", "late")
                )
            old = (
                f"SELECT sf.* FROM scenario_fluents AS sf JOIN {dargs} AS d ON "
                f"sf.perspective = {p} AND sf.fluent = d.fluent AND d.fluent = {_lit(f)} "
                "AND sf.args = d.args"
            )
            newt = self.t("sf_new", f)
            self.temp(newt, new)
            self.execute(
                f"INSERT INTO {_P}sf_diff ({old} EXCEPT ALL SELECT * FROM {_q(newt)}) "
                f"UNION ALL (SELECT * FROM {_q(newt)} EXCEPT ALL {old})"
            )
            self.execute(
                f"DELETE FROM scenario_fluents USING {dargs} AS d WHERE "
                f"scenario_fluents.perspective = {p} AND scenario_fluents.fluent = "
                f"d.fluent AND d.fluent = {_lit(f)} AND scenario_fluents.args = d.args"
            )
            self.execute(f"INSERT INTO scenario_fluents SELECT * FROM {_q(newt)}")
        for f in changed:
            if f in self.read:
                self.execute(
                    f"DELETE FROM {STATE} AS s WHERE s.perspective = {p} AND s.fluent "
                    f"= {_lit(f)} AND EXISTS (SELECT 1 FROM "
                    f"{_q(self.t('changed', f))} AS d WHERE "
                    f"{self.same_key(f, 'd', 's')})"
                )
                _insert_state(
                    self.con, self.perspective, f, _arity(self.program, f), _q(self.t("out", f))
                )


# --------------------------------------------------------------------------- the update


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


def added_events(scratch: duckdb.DuckDBPyConnection, old: str = "old") -> list[str]:
    """The ids of the events of the corpus in ``scratch`` that the database attached as
    ``old`` lacks, when every other row of every corpus table is the same in both; else
    :class:`NotIncremental` with the first difference found."""
    from foedus.storage import TABLES

    def differ(a: str, b: str) -> int:
        return _count(scratch, f"SELECT count(*) FROM ({a} EXCEPT ALL {b})") + _count(
            scratch, f"SELECT count(*) FROM ({b} EXCEPT ALL {a})"
        )

    o = f"{_q(old)}.main."
    meta = "SELECT * FROM {}meta WHERE key <> 'content_hash'"
    if differ(meta.format(o), meta.format("")):
        raise NotIncremental("the database holds another corpus (or another schema version)")
    for table in TABLES:
        if table not in (*_EVENT_TABLES, "meta") and differ(
            f"SELECT * FROM {o}{table}", f"SELECT * FROM {table}"
        ):
            raise NotIncremental(f"table {table} differs")
    scratch.execute(f"CREATE OR REPLACE TEMP TABLE {_P}old_ids AS SELECT id FROM {o}events")
    ids = f"(SELECT id FROM {_P}old_ids)"

    def missing(table: str, where: str) -> int:
        """Rows of the old table not in the new one (a hash join on every column: the large
        event tables are compared so, their rows being unique by id and position)."""
        cols = [d[0] for d in scratch.execute(f"SELECT * FROM {table} LIMIT 0").description]
        on = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in cols)
        return _count(
            scratch,
            f"SELECT count(*) FROM {o}{table} AS o ANTI JOIN (SELECT * FROM "
            f"{table} WHERE {where}) AS n ON {on}",
        )

    if missing("events", "TRUE"):
        raise NotIncremental("an event was edited or removed")
    for table, where in (
        ("event_actors", f"event_id IN {ids}"),
        ("event_targets", f"event_id IN {ids}"),
        ("quotes", f"NOT (owner_kind = 'event' AND owner_id NOT IN {ids})"),
    ):
        if missing(table, where) or _count(scratch, f"SELECT count(*) FROM {o}{table}") != _count(
            scratch, f"SELECT count(*) FROM {table} WHERE {where}"
        ):
            raise NotIncremental(f"table {table} differs for the corpus's own records")
    return [
        r[0]
        for r in scratch.execute(
            f"SELECT id FROM events WHERE id NOT IN {ids} ORDER BY id"
        ).fetchall()
    ]


def _check_state(
    scratch: duckdb.DuckDBPyConnection, corpus: Any, steps: Sequence[Any]
) -> dict[str, list[str]]:
    """The previous database (attached as ``old``) keeps a state that this engine, these
    steps and these rules can update."""
    from foedus import storage

    key, registered = storage.registered_steps()
    if list(steps) != registered:
        raise NotIncremental("only a build with the registered steps can be updated")
    tables = {
        r[0]
        for r in scratch.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'old' "
            "AND table_schema = 'main'"
        ).fetchall()
    }
    need = {META, STATE, "fluents", "scenario_fluents", "breaches", "event_acts", "norm_rows"}
    if not need <= tables:
        raise NotIncremental("the previous database keeps no state for updates")
    meta = _meta(scratch, '"old".main.')
    if meta.get("steps_key") != [key]:
        raise NotIncremental("the previous database was built by another version of the engine")
    if meta.get("rules_hash") != [rules_hash(corpus)]:
        raise NotIncremental("the rules differ")
    return meta


@dataclass(frozen=True)
class Changes:
    """What an update changed, as temporary tables of the updated database's connection, for
    a registered step that updates its own tables (a function ``step.incremental(con, corpus,
    changes)``; without one, the step runs again in full)."""

    new_events: str = f"{_P}new_ids"
    """``(id)``: the added events."""
    changed_keys: str = f"{_P}changed_keys"
    """``(perspective, fluent, args VARCHAR[])``: the keys whose rows of ``fluents`` were
    replaced (deleted, and inserted anew where they still have intervals)."""
    breach_events: str = f"{_P}affected"
    """``(event_id)``: the events whose rows of ``breaches`` were replaced."""


CHANGES = Changes()


@dataclass
class Prepared:
    """An update that :func:`prepare` found possible, for :func:`apply`."""

    previous: Path
    corpus: Any
    new_ids: list[str]
    rows: dict[str, Any]
    programs: dict[str, Program]
    derivations: dict[str, list[Derivation]]


def prepare(
    previous: Path, corpus: Any, steps: Sequence[Any], progress: Progress | None = None
) -> Prepared:
    """Check that ``previous`` (a database built with ``steps`` from an earlier version of
    ``corpus``) can be updated to ``corpus``, and read the added events; else
    :class:`NotIncremental`. Reads ``previous`` only."""
    from foedus import reasoning, storage

    say = progress or (lambda _what: None)
    if not Path(previous).is_file():
        raise NotIncremental("no previous database")
    if Path(str(previous) + ".wal").exists():
        raise NotIncremental("the previous database has an unfinished write-ahead log")
    programs = {
        pid: reasoning.program_for(corpus, pid) for pid in reasoning.perspective_ids(corpus)
    }
    derivs = {pid: derivations(p) for pid, p in programs.items()}
    scratch = duckdb.connect(config={"memory_limit": storage.memory_limit()})
    try:
        say("incremental: reading the corpus")
        storage.write_tables(scratch, corpus)
        path = str(previous).replace("'", "''")
        try:
            scratch.execute(f"ATTACH '{path}' AS old (READ_ONLY)")
        except duckdb.Error as e:
            raise NotIncremental(f"cannot open the previous database: {e}") from None
        try:
            _check_state(scratch, corpus, steps)
            say("incremental: comparing with the previous build")
            new_ids = added_events(scratch)
        finally:
            scratch.execute("DETACH old")
        scratch.execute(
            f"CREATE OR REPLACE TEMP TABLE {_P}new_ids AS SELECT unnest(?::VARCHAR[]) AS id",
            [new_ids],
        )
        ids = f"(SELECT id FROM {_P}new_ids)"
        rows = {}
        for table, where in (
            ("events", f"id IN {ids}"),
            ("event_actors", f"event_id IN {ids}"),
            ("event_targets", f"event_id IN {ids}"),
            ("quotes", f"owner_kind = 'event' AND owner_id IN {ids}"),
        ):
            rel = scratch.execute(f"SELECT * FROM {table} WHERE {where}")
            rows[table] = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    finally:
        scratch.close()
    return Prepared(Path(previous), corpus, new_ids, rows, programs, derivs)


def apply(prepared: Prepared, tmp: Path, progress: Progress | None = None) -> UpdateReport:
    """Write the updated database to ``tmp`` (a copy of the previous one, updated; the caller
    renames it onto the target)."""
    from foedus import storage

    t0 = time.perf_counter()
    say = progress or (lambda _what: None)
    say("incremental: copying the previous build")
    shutil.copyfile(prepared.previous, tmp)
    con = storage.connect_rw(tmp)
    try:
        report = _update(con, prepared, say)
        for name, step in storage.registered():
            if name in ENGINE_STEPS:
                continue
            say(f"step {getattr(step, '__name__', name)}")
            update = getattr(step, "incremental", None)
            if callable(update):  # the step updates its tables itself
                update(con, prepared.corpus, CHANGES)
            else:  # made again from the updated tables
                step(con, prepared.corpus)
        for table in (CHANGES.new_events, CHANGES.changed_keys, CHANGES.breach_events):
            con.execute(f"DROP TABLE IF EXISTS temp.{_q(table)}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    report.seconds = time.perf_counter() - t0
    return report


FOREVER = 4611686018427387904  # 2^62: an open end in comparisons (as the breach query)


def _update(con: duckdb.DuckDBPyConnection, prepared: Prepared, say: Progress) -> UpdateReport:
    from foedus.engine.from_tables import EVENT_ACTS_SQL
    from foedus.norms import breaches

    corpus, new_ids, programs = prepared.corpus, prepared.new_ids, prepared.programs
    report = UpdateReport(added_events=len(new_ids))
    con.execute("BEGIN TRANSACTION")
    for table, data in prepared.rows.items():
        view = f"{_P}rows_{table}"
        con.register(view, data)
        try:
            con.execute(f"INSERT INTO {table} SELECT * FROM {view}")
        finally:
            con.unregister(view)
    con.execute("UPDATE meta SET value = ? WHERE key = 'content_hash'", [corpus.content_hash])
    con.execute("COMMIT")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_P}new_ids AS SELECT unnest(?::VARCHAR[]) AS id", [new_ids]
    )
    meta = _meta(con)
    old_scenarios = int(meta["scenarios"][0])
    inputs = _Inputs(con, programs.values())
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_P}sf_diff AS SELECT * FROM scenario_fluents WHERE FALSE"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {CHANGES.changed_keys} (perspective VARCHAR, "
        "fluent VARCHAR, args VARCHAR[])"
    )
    try:
        inputs.make(corpus, full=False)
        happ = f"{_P}happ"
        inputs.temp(
            f"{_P}happ_new", f"SELECT * FROM {_q(happ)} WHERE id IN (SELECT id FROM {_P}new_ids)"
        )
        happened = {
            (str(n), int(a))
            for n, a in con.execute(f"SELECT DISTINCT name, arity FROM {_P}happ_new").fetchall()
        }
        scenarios = max(old_scenarios, inputs.scenarios(happ))
        if scenarios != old_scenarios:  # the late world of an all-exact build is the early one
            n = _state_arity(con)
            ks = ", ".join(_ks(n))
            sep = ", " if n else ""
            con.execute(
                f"INSERT INTO {STATE} (perspective, fluent, scn{sep}{ks}, value, start, "
                f'"end", rule, initiated_by, terminated_by) SELECT perspective, fluent, '
                f'1{sep}{ks}, value, start, "end", rule, initiated_by, terminated_by '
                f"FROM {STATE} WHERE scn = 0"
            )
            _set_meta(con, scenarios=str(scenarios))
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
        con.execute(
            f"INSERT INTO event_acts SELECT * FROM ({EVENT_ACTS_SQL}) AS x WHERE "
            f"event_id IN (SELECT id FROM {_P}new_ids)"
        )
        # an event's breaches read whether binds(_, actor, Z) holds at its time, Z its target
        # or what its target is part of then: they change only where a row of those differs
        t = "CASE WHEN d.scenario = 'early' THEN a.t_early ELSE a.t_late END"
        during = f'd.start <= {t} AND {t} < coalesce(d."end", {FOREVER})'
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {_P}affected AS
            SELECT id AS event_id FROM {_P}new_ids
            UNION
            SELECT a.event_id FROM {_P}sf_diff AS d JOIN event_acts AS a
              ON d.fluent = 'binds' AND a.actor = d.args[2] AND a.target = d.args[3]
            WHERE {during}
            UNION
            SELECT a.event_id FROM {_P}sf_diff AS d
            JOIN (SELECT DISTINCT args[1] AS x, value FROM scenario_fluents
                  WHERE fluent = 'part_of'
                  UNION SELECT args[1], value FROM {_P}sf_diff WHERE fluent = 'part_of') AS po
              ON d.fluent = 'binds' AND po.value = d.args[3]
            JOIN event_acts AS a ON a.actor = d.args[2] AND a.target = po.x
            WHERE {during}
            UNION
            SELECT a.event_id FROM {_P}sf_diff AS d JOIN event_acts AS a
              ON d.fluent = 'part_of' AND a.target = d.args[1]
            WHERE {during}""")
        report.breach_events = _count(con, f"SELECT count(*) FROM {_P}affected")
        breaches.store_breaches_for(con, f"{_P}affected")
        _set_meta(con, corpus_hash=corpus.content_hash)
    finally:
        inputs.drop()
        con.execute(f"DROP TABLE IF EXISTS temp.{_P}sf_diff")
    return report
