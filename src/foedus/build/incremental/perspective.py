"""The update of one perspective, fluent by fluent in the plan's order."""

from __future__ import annotations

from functools import reduce

from sqlglot import exp

from foedus.backends.base import FixpointError
from foedus.build.incremental.keys import _DirtyKeys
from foedus.build.incremental.sql import (
    _P,
    CHANGES,
    _col,
    _count,
    _count_of,
    _create,
    _eq,
    _exists,
    _fl_cols,
    _lit,
    _match,
    _null,
    _sql,
    _star,
    _tbl,
    _union_all,
)
from foedus.build.incremental.state import insert_state, unfold
from foedus.build.schema import SCENARIO_FLUENTS
from foedus.build.schema import STATE_FLUENTS as STATE
from foedus.engine.compile import OUTPUT, Fixpoint, Materialize, fluent_table
from foedus.engine.compile_sql import MASK, renamed, scenario_mask
from foedus.engine.dependencies import arity, static_links
from foedus.rules.ast import StaticRule


def _args(ks: list[exp.Column]) -> exp.Cast:
    """``CAST([k0, k1, ..] AS VARCHAR[])``: a key as the ``args`` column."""
    return exp.cast(exp.Array(expressions=ks), "VARCHAR[]")


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
        if f in self.read:  # compared per scenario: the stored rows are each scenario's
            old = self.state_rows(f, clean_only=False, masked=False).where(
                self.dirty_exists(f, "s")
            )
            rest = [_col(c.name, "f") for c in (*self.ks(f), *_fl_cols())]
            new = unfold(exp.select(_col("scn", "sb"), *rest), self.cur(f))
            diff = exp.union(
                exp.paren(exp.except_(old, new, distinct=False)),
                exp.paren(exp.except_(new.copy(), old.copy(), distinct=False)),
                distinct=False,
            )
            self.temp(
                changed,
                exp.select(exp.alias_(exp.true(), "_x"), *self.ks(f))
                .distinct()
                .from_(exp.Subquery(this=diff)),
            )
        else:  # nothing reads it: its dirty keys are written back as they are
            self.temp(changed, _star(self.t("dirty", f)))
        self.changed[f] = self.count(changed)

    # -- the plan
    def state_rows(self, f: str, clean_only: bool, masked: bool = True) -> exp.Select:
        """The stored rows of ``f`` (of its clean keys only, ``clean_only``): as the plan's
        masked rows (each scenario's rows of its own mask), or per scenario."""
        first = exp.alias_(scenario_mask(_col("scn")), MASK) if masked else _col("scn")
        q = (
            exp.select(first, *self.ks(f), *_fl_cols())
            .from_(_tbl(STATE, "s"))
            .where(
                exp.and_(
                    _eq(_col("perspective", "s"), _lit(self.perspective)),
                    _eq(_col("fluent", "s"), _lit(f)),
                )
            )
        )
        if clean_only:
            q = q.where(exp.not_(self.dirty_exists(f, "s")))
        return q

    def cur(self, f: str) -> str:
        return self.t("cur", f)

    def define(self, name: str, f: str, rows: str | None) -> None:
        """``name`` as the view of fluent ``f``: the stored rows of its clean keys and
        ``rows`` (a table of its dirty keys' fresh rows)."""
        parts: list[exp.Query] = []
        if f in self.read:
            parts.append(self.state_rows(f, clean_only=rows is not None))
        if rows is not None:
            parts.append(_star(rows))
        if not parts:
            parts.append(_star(self.empty(f)))
        self.view(name, _union_all(parts))

    def empty(self, f: str) -> str:
        name = self.t("empty", f)
        if name not in self.made:
            cols = [
                _null("INTEGER", MASK),
                *(_null("VARCHAR", k.name) for k in self.ks(f)),
                _null("VARCHAR", "value"),
                _null("BIGINT", "start"),
                _null("BIGINT", "end"),
                _null("VARCHAR", "rule"),
                _null("VARCHAR", "initiated_by"),
                _null("VARCHAR", "terminated_by"),
            ]
            self.temp(name, exp.select(*cols).where(exp.false()))
            self.made.add(name)
        return name

    def only_dirty(self, f: str, rows: str | exp.Query) -> exp.Select:
        """The rows of ``rows`` (a table, or a query) whose key is dirty."""
        return _star(rows, "f").where(self.dirty_exists(f, "f"))

    def restriction(self, f: str) -> list[tuple[str, str, exp.Select]]:
        """For a static fluent: its inputs restricted to the rows that can reach its dirty
        keys, as (input, table, query) named ``_foedus_inc_in_<f>__<input>``."""
        if not any(isinstance(r, StaticRule) for r in self.program.rules_for(f)):
            return []
        out = []
        for g, refs in static_links(self.program, f).items():
            if not refs or any(not links for links in refs):
                continue  # a reference that no head argument restricts reads all of g
            tests = [
                _exists(
                    self.t("dirty", f),
                    "d",
                    _match((_col(f"k{j}", "d"), _col(f"k{i}", "g")) for i, j in links),
                )
                for links in refs
            ]
            out.append((g, f"{_P}in_{f}__{g}", _star(fluent_table(g), "g").where(exp.or_(*tests))))
        return out

    def compute(self, f: str, steps: list[Materialize], last: Materialize) -> None:
        """Run a dirty fluent's steps (its inputs restricted); its dirty keys' rows in
        ``_foedus_inc_cur_<f>``, and ``_foedus_fl_<f>`` the view of all its rows."""
        names = {}
        for g, name, sql in self.restriction(f):
            self.temp(name, sql)
            names[fluent_table(g)] = name
        for m in steps:
            self.materialize(m.table, renamed(m.query, names))
        fresh = self.t("fresh", f)
        self.materialize(fresh, renamed(last.query, names))
        self.temp(self.cur(f), self.only_dirty(f, fresh))
        self.define(fluent_table(f), f, self.cur(f))

    def run(self) -> None:
        self.execute(_create("happenings", _star(f"{_P}happ").where(exp.false())))
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
                            out, _star(self.cur(g), "f").where(self.dirty_exists(g, "f", "changed"))
                        )
                        names[fluent_table(g)] = out
                    else:
                        names[fluent_table(g)] = self.empty(g)
                for m in pending:
                    self.materialize(m.table, renamed(m.query, names))
                pending = []
                self.materialize(OUTPUT, renamed(step.query, names))

    def fixpoint(self, step: Fixpoint) -> None:
        """A cycle through time over the dirty keys of its fluents, the clean ones read from
        the stored rows. It starts from the stored rows: it settles on the same intervals from
        any start, since what holds at a time depends only on what held before."""
        self.close(step.fluents)
        dirty = [f for f in step.fluents if self.dirty[f]]
        for f in step.fluents:
            if f in dirty:
                self.temp(self.cur(f), self.only_dirty(f, self.state_rows(f, False)))
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
                    body.append(_create(name, sql))
                    self.tables.append(name)
                    names[fluent_table(h)] = name
                for p in pending:
                    body.append(_create(p.table, renamed(p.query, names)))
                    self.tables.append(p.table)
                fresh, nxt = self.t("fresh", g), self.t("next", g)
                body.append(_create(fresh, renamed(m.query, names)))
                body.append(_create(nxt, self.only_dirty(g, fresh)))
                self.tables += [fresh, nxt]
                self.temp(nxt, _star(self.cur(g)).where(exp.false()))
                self.define(m.table, g, nxt)
            else:
                self.define(m.table, g, None)
            pending = []
        diffs: list[exp.Expression] = []
        for f in dirty:
            a, b = self.cur(f), self.t("next", f)
            diffs.append(exp.Subquery(this=_count_of(exp.except_(_star(a), _star(b)))))
            diffs.append(exp.Subquery(this=_count_of(exp.except_(_star(b), _star(a)))))
        changed = exp.select(reduce(lambda x, y: exp.Add(this=x, expression=y), diffs))
        swap = [_create(self.cur(f), _star(self.t("next", f))) for f in dirty]
        for _ in range(step.max_rounds):
            for stmt in body:
                self.execute(stmt)
            if not _count(self.con, changed):
                for f in dirty:
                    self.find_changed(f)
                return
            for stmt in swap:
                self.execute(stmt)
        raise FixpointError(
            f"incremental: the cycle of fluents {', '.join(step.fluents)} did "
            f"not settle within {step.max_rounds} rounds"
        )

    # -- writing back
    def write_back(self, scenarios: int) -> None:
        """Replace the changed keys' rows of ``fluents``, ``scenario_fluents`` (noting the rows
        that differ in ``_foedus_inc_sf_diff``, for the breaches) and ``state_fluents``."""

        def p() -> exp.Literal:
            return _lit(self.perspective)

        changed = [f for f in self.program.fluents if self.changed[f]]
        if not changed:
            return
        dargs = f"{_P}dargs"
        self.temp(
            dargs,
            _union_all(
                [
                    exp.select(
                        exp.alias_(_lit(f), "fluent"), exp.alias_(_args(self.ks(f)), "args")
                    ).from_(_tbl(self.t("changed", f)))
                    for f in changed
                ]
            ),
        )
        keys = exp.select(p(), _col("fluent"), _col("args")).from_(_tbl(dargs))
        self.execute(_sql(exp.insert(keys, _tbl(CHANGES.changed_keys))))

        def same(table: str, f: str | None = None) -> exp.Expression:
            conds = [
                _eq(_col("perspective", table), p()),
                _eq(_col("fluent", table), _col("fluent", "d")),
            ]
            if f is not None:
                conds.append(_eq(_col("fluent", "d"), _lit(f)))
            conds.append(_eq(_col("args", table), _col("args", "d")))
            return exp.and_(*conds)

        def delete_using(table: str, f: str | None = None) -> str:
            stmt = exp.Delete(
                this=_tbl(table), using=[_tbl(dargs, "d")], where=exp.Where(this=same(table, f))
            )
            return _sql(stmt)

        self.execute(delete_using("fluents"))
        cols = ("fluent", "args", "value", "start", "end", "certainty", "rule")
        rows = exp.select(p(), *(_col(c) for c in (*cols, "initiated_by", "terminated_by"))).from_(
            _tbl(OUTPUT)
        )
        self.execute(_sql(exp.insert(rows, _tbl("fluents"))))
        for f in SCENARIO_FLUENTS:
            if f not in changed:
                continue
            out = self.t("out", f)

            def scenario_rows(scenario: exp.Expression, f: str = f, out: str = out) -> exp.Select:
                return unfold(
                    exp.select(
                        exp.alias_(p(), "perspective"),
                        exp.alias_(scenario, "scenario"),
                        exp.alias_(_lit(f), "fluent"),
                        exp.alias_(_args(self.ks(f, "f")), "args"),
                        _col("value", "f"),
                        _col("start", "f"),
                        _col("end", "f"),
                    ),
                    out,
                )

            if scenarios == 2:
                new: exp.Query = scenario_rows(
                    exp.Case()
                    .when(
                        _eq(_col("scn", "sb"), exp.Literal.number(0)), exp.Literal.string("early")
                    )
                    .else_(exp.Literal.string("late"))
                )
            else:
                new = _union_all([scenario_rows(exp.Literal.string(s)) for s in ("early", "late")])
            old = (
                exp.select(exp.Column(this=exp.Star(), table=exp.to_identifier("sf")))
                .from_(_tbl("scenario_fluents", "sf"))
                .join(_tbl(dargs, "d"), on=same("sf", f))
            )
            newt = self.t("sf_new", f)
            self.temp(newt, new)
            diff = exp.union(
                exp.paren(exp.except_(old, _star(newt), distinct=False)),
                exp.paren(exp.except_(_star(newt), old.copy(), distinct=False)),
                distinct=False,
            )
            self.execute(_sql(exp.insert(diff, _tbl(f"{_P}sf_diff"))))
            self.execute(delete_using("scenario_fluents", f))
            self.execute(_sql(exp.insert(_star(newt), _tbl("scenario_fluents"))))
        for f in changed:
            if f in self.read:
                cond = exp.and_(
                    _eq(_col("perspective", "s"), p()),
                    _eq(_col("fluent", "s"), _lit(f)),
                    self.dirty_exists(f, "s", "changed"),
                )
                self.execute(_sql(exp.delete(_tbl(STATE, "s"), where=cond)))
                insert_state(
                    self.con, self.perspective, f, arity(self.program, f), self.t("out", f)
                )


# --------------------------------------------------------------------------- the update
