"""The dirty keys of an update: the keys of each fluent that a change can reach."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from foedus.build.incremental.runner import _Runner
from foedus.build.incremental.sql import (
    _P,
    _col,
    _count,
    _count_of,
    _create,
    _exists,
    _ks,
    _lit,
    _match,
    _null,
    _sql,
    _star,
    _tbl,
)
from foedus.build.schema import STATE_FLUENTS as STATE
from foedus.duck import duckdb
from foedus.engine.compile import Materialize, Plan
from foedus.engine.dependencies import BodyAtom, Derivation, arity
from foedus.rules.ast import Const, EventRule, Program, Term, Var

_TRUE_X = exp.alias_(exp.true(), "_x")


def _eq(a: exp.Expression, b: exp.Expression) -> exp.EQ:
    return exp.EQ(this=a, expression=b)


class _DirtyKeys(_Runner):
    """The dirty keys of one perspective's fluents (:class:`foedus.build.incremental.
    perspective._Perspective` recomputes them)."""

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
            cols = [_TRUE_X, *(_null("VARCHAR", k.name) for k in self.ks(f))]
            for kind in ("dirty", "changed", "cand", "delta"):
                self.temp(self.t(kind, f), exp.select(*cols).where(exp.false()))

    def t(self, kind: str, f: str) -> str:
        return f"{_P}{kind}_{f}"

    def ks(self, f: str, alias: str = "") -> list[exp.Column]:
        return _ks(arity(self.program, f), alias)

    def same_key(self, f: str, a: str, b: str) -> exp.Expression:
        return _match(zip(self.ks(f, a), self.ks(f, b), strict=True))

    def dirty_exists(self, f: str, alias: str, kind: str = "dirty") -> exp.Exists:
        """``EXISTS`` a row of ``f``'s table ``kind`` (dirty keys) with the key of ``alias``."""
        return _exists(self.t(kind, f), "d", self.same_key(f, "d", alias))

    def count(self, table: str) -> int:
        return _count(self.con, _count_of(table))

    # -- dirty keys
    def table_of(self, atom: BodyAtom) -> str:
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
                sql: exp.Query = _star("facts_" + atom.name)
                if rows:
                    values = exp.Values(
                        expressions=[exp.Tuple(expressions=[_lit(v) for v in r]) for r in rows]
                    )
                    sql = exp.union(sql, exp.select("*").from_(values), distinct=False)
                self.temp(name, sql)
                self.made.add(name)
            return name
        name = f"{_P}all_{atom.name}"
        if name not in self.made:  # every key the fluent has: stored, or dirty (maybe new)
            ks = self.ks(atom.name)
            base = f"{_P}keys_{atom.name}"
            self.temp(
                base,
                exp.select(*ks, _col("value"))
                .distinct()
                .from_(_tbl(STATE))
                .where(
                    exp.and_(
                        exp.EQ(this=_col("perspective"), expression=_lit(self.perspective)),
                        exp.EQ(this=_col("fluent"), expression=_lit(atom.name)),
                    )
                ),
            )
            self.view(
                name,
                exp.union(
                    exp.select(*ks, _col("value")).from_(_tbl(base)),
                    exp.select(*ks, _null("VARCHAR", "value")).from_(
                        _tbl(self.t("dirty", atom.name))
                    ),
                    distinct=False,
                ),
            )
            self.made.add(name)
        return name

    def derivation_sql(self, d: Derivation, source: str) -> exp.Select:
        """The keys of ``d.head`` that the rows of ``source`` (new happenings, or keys of the
        source fluent) reach."""
        froms: list[exp.Table] = []
        where: list[exp.Expression] = []
        env: dict[str, exp.Expression] = {}
        values: list[tuple[str, Term]] = []

        def place(atom: BodyAtom, table: str, alias: str, is_source: bool) -> None:
            froms.append(_tbl(table, alias))
            if atom.kind == "event":
                where.append(_eq(_col("name", alias), _lit(atom.name)))
                where.append(_eq(_col("arity", alias), exp.Literal.number(len(atom.args))))
            prefix = {"event": "a", "fluent": "k", "fact": "c"}[atom.kind]
            for i, t in enumerate(atom.args):
                c = _col(f"{prefix}{i}", alias)
                if isinstance(t, Const):
                    where.append(_eq(c, _lit(t.value)))
                elif t.anonymous or (is_source and t.name not in d.linked):
                    continue
                elif t.name in env:
                    where.append(_eq(c, env[t.name].copy()))
                else:
                    env[t.name] = c
            if atom.kind == "fluent" and not is_source and atom.value is not None:
                values.append((alias, atom.value))

        place(d.source, source, "s", True)
        for n, a in enumerate(d.others):
            place(a, self.table_of(a), f"o{n}", False)
        for alias, v in values:  # a dirty key (value NULL) may hold any value
            other: exp.Expression | None = None
            if isinstance(v, Const):
                other = _lit(v.value)
            elif not v.anonymous and v.name in env:
                other = env[v.name].copy()
            if other is not None:
                held = _col("value", alias)
                where.append(
                    exp.Paren(
                        this=exp.or_(exp.Is(this=held, expression=exp.null()), _eq(held, other))
                    )
                )

        def term(t: Term) -> exp.Expression | None:
            if isinstance(t, Const):
                return _lit(t.value)
            e = env.get(t.name)
            return e.copy() if e is not None else None

        for c in d.compares:
            left, right = term(c.left), term(c.right)
            if left is not None and right is not None:
                cmp = exp.EQ if c.op == "=" else exp.NEQ
                where.append(cmp(this=left, expression=right))
        keys = []
        for j, t in enumerate(d.head_args):
            value = term(t)
            assert value is not None, d
            keys.append(exp.alias_(value, f"k{j}"))
        q = exp.select(_TRUE_X, *keys).distinct().from_(froms[0])
        for f in froms[1:]:
            q = q.join(f)
        return q.where(exp.and_(*where) if where else exp.true())

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
                ins = exp.insert(self.derivation_sql(d, source), _tbl(self.t("cand", d.head)))
                self.execute(_sql(ins))
                touched.add(d.head)
            new = {}
            for f in touched:
                cand, dirty, delta = (self.t(k, f) for k in ("cand", "dirty", "delta"))
                self.execute(_create(delta, exp.except_(_star(cand), _star(dirty))))
                self.execute(_sql(exp.delete(_tbl(cand))))
                self.execute(_sql(exp.insert(_star(delta), _tbl(dirty))))
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
            where: list[exp.Expression] = [
                _eq(_col("name", "h"), _lit(ev.name)),
                _eq(_col("arity", "h"), exp.Literal.number(len(ev.args))),
            ]
            first: dict[str, exp.Column] = {}
            for i, t in enumerate(ev.args):
                c = _col(f"a{i}", "h")
                if isinstance(t, Const):
                    where.append(_eq(c, _lit(t.value)))
                elif not t.anonymous:
                    if t.name in first:
                        where.append(_eq(c, first[t.name].copy()))
                    else:
                        first[t.name] = c
            links = [
                (_col(f"k{j}", "d"), first[t.name].copy())
                for j, t in enumerate(rule.head.atom.args)
                if isinstance(t, Var) and t.name in first
            ]
            if links:
                where.append(_exists(self.t("dirty", f), "d", _match(links)))
            parts.append(
                exp.select(_col("rowid", "h")).from_(_tbl(f"{_P}happ", "h")).where(exp.and_(*where))
            )
        ids: exp.Query = (
            exp.union(*parts, distinct=False)
            if len(parts) > 1
            else parts[0]
            if parts
            else exp.select(exp.cast(exp.null(), "BIGINT")).where(exp.false())
        )
        self.execute(
            _create(
                "happenings",
                _star(f"{_P}happ").where(exp.In(this=_col("rowid"), query=exp.Subquery(this=ids))),
            )
        )
        if self.ev_step is not None:
            self.materialize(self.ev_step.table, self.ev_step.query)
