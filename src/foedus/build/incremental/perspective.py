"""The update of one perspective, fluent by fluent in the plan's order."""

from __future__ import annotations

from foedus.backends.base import FixpointError
from foedus.build.incremental.keys import _DirtyKeys
from foedus.build.incremental.sql import (
    _FL_COLS,
    _P,
    CHANGES,
    _count,
    _create,
    _lit,
    _match,
    _q,
    _renamed,
)
from foedus.build.incremental.state import insert_state
from foedus.build.schema import SCENARIO_FLUENTS
from foedus.build.schema import STATE_FLUENTS as STATE
from foedus.engine.compile import OUTPUT, Fixpoint, Materialize, fluent_table
from foedus.engine.dependencies import arity, static_links
from foedus.rules.ast import StaticRule


class _Perspective(_DirtyKeys):
    """The update of one perspective, fluent by fluent in the plan's order.

    Before a fluent (or a cycle of fluents) is computed, its *dirty* keys are derived from the
    new happenings and from the *changed* keys of the fluents computed before it (within a
    cycle, from each other's dirty keys, to a fixpoint); its plan steps then run on the
    happenings that can reach a dirty key, and its table becomes a view of the stored rows of
    its clean keys and the fresh rows of its dirty keys. A dirty key whose fresh rows are its
    stored rows has not *changed*, and reaches nothing further.
    """

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
        for g, refs in static_links(self.program, f).items():
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
                insert_state(
                    self.con, self.perspective, f, arity(self.program, f), _q(self.t("out", f))
                )


# --------------------------------------------------------------------------- the update
