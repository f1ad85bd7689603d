"""Runs a perspective's plan on a database for the state an update starts from."""

from __future__ import annotations

from sqlglot import exp

from foedus.backends.duckdb import DuckDBBackend
from foedus.build.incremental.sql import _EV, _NEXT, _create, _drop
from foedus.duck import duckdb
from foedus.engine.compile import OUTPUT, Fixpoint, Materialize, Plan, fluent_table
from foedus.engine.dependencies import read_fluents
from foedus.rules.ast import Program


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
        #: the plan's steps run through the Backend contract, every table temporary
        self.backend = DuckDBBackend(con).scratch()

    # -- helpers
    def execute(self, sql: str) -> None:
        """Every statement of an update (the plan's steps and the dirty-key loop's trees) runs
        through the Backend contract."""
        self.backend.execute(sql)

    def materialize(self, table: str, query: exp.Query) -> None:
        self.backend.run_step(Materialize(table, query))
        self.tables.append(table)

    def temp(self, table: str, query: exp.Expression) -> None:
        self.execute(_create(table, query))
        self.tables.append(table)

    def view(self, name: str, query: exp.Expression) -> None:
        self.execute(_create(name, query, kind="VIEW"))
        self.views.append(name)

    def drop(self) -> None:
        for v in dict.fromkeys(reversed(self.views)):
            self.execute(_drop(v, "VIEW"))
        for t in dict.fromkeys(reversed(self.tables)):
            self.execute(_drop(t))
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
        self.tables += [m.table for m in (*step.init, *step.body, *step.swap)]
        self.backend.run_step(step)
