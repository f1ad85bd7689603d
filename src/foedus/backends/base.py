"""What a backend is: a dialect, a way to run a statement, and a few declarations.

The plan (:mod:`foedus.engine.compile`) is dialect-free; a backend renders it in its dialect,
runs it (looping a through-time cycle until it settles), loads inputs and reads the result.
Anything dialect-specific lives in a subclass, as a hook that returns a sqlglot expression.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlglot import exp

from foedus.backends.settle import in_place, settle_on_points
from foedus.engine.compile import (
    HAPPENINGS,
    OUTPUT,
    Fixpoint,
    Materialize,
    Plan,
    Step,
    compile_program,
)
from foedus.engine.narrative import Facts, Happening, Interval
from foedus.errors import FoedusError
from foedus.rules.ast import Program


class FixpointError(FoedusError, RuntimeError):
    """A through-time cycle did not settle within the allowed number of rounds."""


def happening_columns(arity: int) -> list[tuple[str, str]]:
    """The layout of the ``happenings`` table for arguments up to ``arity``."""
    return [
        ("name", "VARCHAR"),
        ("arity", "INT"),
        *[(f"a{i}", "VARCHAR") for i in range(arity)],
        ("t_early", "BIGINT"),
        ("t_late", "BIGINT"),
        ("id", "VARCHAR"),
    ]


def happening_rows(happenings: Iterable[Happening], arity: int) -> list[tuple[Any, ...]]:
    pad = (None,) * arity
    return [
        (h.name, len(h.args), *(h.args + pad)[:arity], h.early, h.late, h.id) for h in happenings
    ]


def mentions(step: Step) -> set[str]:
    """The names of the tables a step reads or writes."""
    parts: list[exp.Expression] = []
    if isinstance(step, Materialize):
        parts.append(step.query)
        names = {step.table}
    else:
        parts += [m.query for m in (*step.init, *step.body, *step.swap)] + [step.changed]
        names = {m.table for m in (*step.init, *step.body, *step.swap)}
    for e in parts:
        names.update(t.name for t in e.find_all(exp.Table))
    return names


def live_steps(plan: Plan, keep: Sequence[str] = ()) -> list[Step]:
    """The steps of ``plan`` whose table the output, ``keep`` or a later step that is kept
    reads: a table nothing reads is not made (the 10^6 world's ``protected``, computed on
    demand, and the 552,720 rows of the fact table only it reads: 0.1 s)."""
    needed = {plan.output, *keep}
    out: list[Step] = []
    for step in reversed(plan.steps):
        if isinstance(step, Materialize) and step.table not in needed:
            continue
        out.append(step)
        needed |= mentions(step)
    return out[::-1]


def dead_after(plan: Plan, keep: Sequence[str] = ()) -> dict[int, list[str]]:
    """For each step, the intermediate tables (not in ``keep``) that no step after it
    mentions, except those that only the last step (the output) reads."""
    last: dict[str, int] = {}
    for i, step in enumerate(plan.steps):
        for name in mentions(step):
            last[name] = i
    out: dict[int, list[str]] = {}
    final = len(plan.steps) - 1
    for t in plan.intermediates:
        if t not in keep and t in last and last[t] < final:
            out.setdefault(last[t], []).append(t)
    return out


@dataclass(frozen=True)
class Loop:
    """A through-time cycle made ready to run (:meth:`Backend.script`): each round runs
    ``body``, then ``changed`` (a query of one number); 0 ends the cycle, else ``swap`` runs and
    the next round starts. At most ``max_rounds`` rounds (:class:`FixpointError` after)."""

    body: tuple[Any, ...]
    changed: str
    swap: tuple[Any, ...]
    max_rounds: int
    fluents: tuple[str, ...]


@dataclass(frozen=True)
class Drop:
    """An intermediate table dropped (:meth:`Backend.discard`), in a script."""

    name: str


Script = list[Any]
"""What :meth:`Backend.run` runs for a plan, in order: each step made ready
(:meth:`Backend.prepare`: on DuckDB, the statement's text), a :class:`Loop` or a
:class:`Drop`. On DuckDB a script is text only (a drop is its statement), so it can be kept
(:mod:`foedus.build.plans`)."""


class Backend(ABC):
    """Runs compiled plans on one database connection."""

    name = "abstract"
    dialect = ""

    # --- hooks ----------------------------------------------------------------------------

    @abstractmethod
    def execute(self, sql: str) -> None: ...

    @abstractmethod
    def fetch(self, sql: str) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def has_table(self, name: str) -> bool: ...

    @abstractmethod
    def load_happenings(self, happenings: Sequence[Happening], arity: int) -> None: ...

    @abstractmethod
    def load_facts(self, rel: str, arity: int, rows: Iterable[tuple[str, ...]]) -> None: ...

    def materialize(self, step: Materialize) -> exp.Expression:
        """The statement that creates a step's table (a backend may make it temporary)."""
        return step.statement()

    def drop(self, name: str) -> exp.Expression:
        return exp.Drop(this=exp.to_table(name), kind="TABLE", exists=True)

    def prepare(self, step: Materialize) -> Any:
        """A step made ready to run, once per run: by default its statement, rendered (a
        backend that does not run ``CREATE TABLE .. AS`` statements makes something else);
        a step that :func:`settle_on_points` makes in place (a rename, a patch), its
        statements joined by ``;``."""
        moves = in_place(step)
        if moves is not None:
            return "; ".join(self.sql(m) for m in moves)
        return self.sql(self.materialize(step))

    def apply(self, prepared: Any) -> None:
        """Run a step that :meth:`prepare` made ready."""
        self.execute(prepared)

    def discard(self, name: str) -> None:
        """Drop the table ``name`` if it exists."""
        self.execute(self.sql(self.drop(name)))

    # --- shared driver --------------------------------------------------------------------

    def sql(self, e: exp.Expression) -> str:
        """Render one statement (in place: a plan is rendered once per run, in one dialect)."""
        return e.sql(dialect=self.dialect, identify=True, copy=False)

    #: Drop each intermediate table as soon as no later step reads it (its memory is free for
    #: the steps after), rather than all at the end.
    drop_early = True

    def run(self, plan: Plan, keep: Sequence[str] = ()) -> None:
        """Run every step of ``plan``; leaves the ``intervals`` table (and the intermediate
        tables named in ``keep``, for the caller to read and drop)."""
        self.play(self.script(plan, keep))

    def script(self, plan: Plan, keep: Sequence[str] = ()) -> Script:
        """Every statement :meth:`run` runs for ``plan``, made ready, in order: the steps whose
        tables something reads (:func:`live_steps`), each intermediate table dropped as soon
        as no later step reads it (:attr:`drop_early`), the rest at the end."""
        return list(self.script_steps(plan, keep))

    def script_steps(self, plan: Plan, keep: Sequence[str] = ()) -> Iterator[Any]:
        """:meth:`script`, each step made ready as it is taken."""
        plan = replace(plan, steps=live_steps(plan, keep))
        dead = dead_after(plan, keep) if self.drop_early else {}
        for i, step in enumerate(plan.steps):
            if isinstance(step, Materialize):
                if step.table == OUTPUT and self.drop_early:
                    droppable = [t for t in plan.intermediates if t not in keep]
                    yield from self.output_script(step, droppable)
                else:
                    yield self.prepare(step)
            else:
                yield from self.fixpoint_script(step)
            yield from (self.dropping(t) for t in dead.get(i, ()))
        yield from (self.dropping(t) for t in plan.intermediates if t not in keep)

    def play(self, script: Script) -> None:
        """Run a :meth:`script`, in order (a :class:`Loop` until it settles)."""
        for op in script:
            if isinstance(op, Loop):
                self._loop(op)
            elif isinstance(op, Drop):
                self.discard(op.name)
            else:
                self.apply(op)

    def dropping(self, name: str) -> Any:
        """:meth:`discard` of ``name``, in a script (a backend whose :meth:`apply` runs a
        statement's text may give the statement instead)."""
        return Drop(name)

    def output_script(self, step: Materialize, droppable: Sequence[str]) -> Script:
        """What makes the ``intervals`` table (the last step: the union of every fluent's
        rows). A backend that can append to a table may do it one fluent at a time, dropping
        each fluent's tables (among ``droppable``) once its rows are in."""
        return [self.prepare(step)]

    def scratch(self) -> Backend:
        """A backend on the same database whose every table is temporary, for a caller that
        runs a plan's steps one by one inside a database it must not add tables to (an
        incremental update, :mod:`foedus.build.incremental`)."""
        raise NotImplementedError(
            f"{self.name}: no scratch backend (an incremental update runs on DuckDB only)"
        )

    def run_step(self, step: Step) -> None:
        """Run one step of a plan: a table, or a through-time cycle until it settles."""
        if isinstance(step, Materialize):
            self.apply(self.prepare(step))
        else:
            self._fixpoint(step)

    #: Run a through-time cycle as :func:`settle_on_points` rewrites it (:meth:`fixpoint_script`).
    settle_on_points = False

    def fixpoint_script(self, step: Fixpoint) -> Script:
        """A through-time cycle in a script: its ``init`` steps, then its :class:`Loop`; with
        :attr:`settle_on_points`, as :func:`settle_on_points` rewrites it, when it can."""
        points = settle_on_points(step) if self.settle_on_points else None
        if points is None:
            return [*(self.prepare(m) for m in step.init), self.loop(step)]
        first, loop, last, scratch = points
        return [
            *(self.prepare(m) for m in first),
            self.loop(loop),
            *(self.prepare(m) for m in last),
            *(self.dropping(t) for t in scratch),
        ]

    def loop(self, step: Fixpoint) -> Loop:
        """A through-time cycle's rounds made ready (its ``init`` steps are not in it)."""
        return Loop(
            body=tuple(self.prepare(m) for m in step.body),
            changed=self.sql(step.changed),
            swap=tuple(self.prepare(m) for m in step.swap),
            max_rounds=step.max_rounds,
            fluents=tuple(step.fluents),
        )

    def _fixpoint(self, step: Fixpoint) -> None:
        for m in step.init:
            self.apply(self.prepare(m))
        self._loop(self.loop(step))

    def _loop(self, loop: Loop) -> None:
        for _ in range(loop.max_rounds):
            for prepared in loop.body:
                self.apply(prepared)
            ((changed,),) = self.fetch(loop.changed)
            if not changed:
                return
            for prepared in loop.swap:
                self.apply(prepared)
        raise FixpointError(
            f"{self.name}: the cycle of fluents {', '.join(loop.fluents)} did not settle "
            f"within {loop.max_rounds} rounds"
        )

    def scenarios(self) -> int:
        """2 when some happening has a fuzzy time (t_early < t_late), else 1."""
        q = (
            exp.select(exp.Count(this=exp.Star()))
            .from_(HAPPENINGS)
            .where(exp.NEQ(this=exp.column("t_early"), expression=exp.column("t_late")))
        )
        ((n,),) = self.fetch(self.sql(q))
        return 2 if n else 1

    def run_tables(
        self,
        program: Program,
        max_rounds: int | None = None,
        keep: Sequence[str] = (),
        demand: bool = False,
    ) -> Plan:
        """Compute ``intervals`` from the ``happenings`` and ``facts_*`` tables already loaded
        (missing fact tables count as empty); ``keep`` as in :meth:`run`; ``demand`` as in
        :func:`~foedus.engine.compile.compile_program`."""
        plan = (
            compile_program(program, scenarios=self.scenarios(), demand=demand)
            if max_rounds is None
            else compile_program(
                program, scenarios=self.scenarios(), max_rounds=max_rounds, demand=demand
            )
        )
        for rel, arity in plan.fact_arities.items():
            if not self.has_table(f"facts_{rel}"):
                self.load_facts(rel, arity, [])
        self.run(plan, keep)
        return plan

    def fetch_columns(self, sql: str) -> list[list[Any]]:
        """A query's result column by column (a backend may read it in bulk)."""
        rows = self.fetch(sql)
        return [list(c) for c in zip(*rows, strict=True)] if rows else []

    def read_intervals(self) -> list[Interval]:
        q = exp.select(exp.Star()).from_(OUTPUT)
        cols = self.fetch_columns(self.sql(q))
        if not cols:
            return []
        return [
            Interval(f, tuple(a), v, s, e, c, r, i, t)
            for f, a, v, s, e, c, r, i, t in zip(*cols, strict=True)
        ]

    def evaluate_tables(
        self, program: Program, max_rounds: int | None = None, demand: bool = False
    ) -> list[Interval]:
        self.run_tables(program, max_rounds, demand=demand)
        return self.read_intervals()

    def evaluate(
        self,
        program: Program,
        happenings: Sequence[Happening],
        facts: Facts | None = None,
        max_rounds: int | None = None,
        demand: bool = False,
    ) -> list[Interval]:
        """Load a narrative, run ``program`` on it and return every interval."""
        need = max((len(r.event.args) for r in program.rules if hasattr(r, "event")), default=0)
        arity = max([need, *(len(h.args) for h in happenings)])
        self.load_happenings(happenings, arity)
        facts = facts or {}
        for rel, decl in program.facts.items():
            self.load_facts(rel, len(decl.arg_types), sorted(facts.get(rel, ())))
        return self.evaluate_tables(program, max_rounds, demand)
