"""The dirty keys of an update: the keys of each fluent that a change can reach."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from foedus.build.incremental.runner import _Runner
from foedus.build.incremental.sql import _P, _count, _ks, _lit, _match, _q
from foedus.build.schema import STATE_FLUENTS as STATE
from foedus.engine.compile import Materialize, Plan
from foedus.engine.dependencies import BodyAtom, Derivation, arity
from foedus.rules.ast import Const, EventRule, Program, Term, Var


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
            cols = ", ".join(["TRUE AS _x", *(f"NULL::VARCHAR AS {k}" for k in self.ks(f))])
            for kind in ("dirty", "changed", "cand", "delta"):
                self.temp(self.t(kind, f), f"SELECT {cols} WHERE FALSE")

    def t(self, kind: str, f: str) -> str:
        return f"{_P}{kind}_{f}"

    def ks(self, f: str, alias: str = "") -> list[str]:
        return _ks(arity(self.program, f), alias)

    def same_key(self, f: str, a: str, b: str) -> str:
        return _match(zip(self.ks(f, a), self.ks(f, b), strict=True))

    def count(self, table: str) -> int:
        return _count(self.con, f"SELECT count(*) FROM {_q(table)}")

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

        def place(atom: BodyAtom, table: str, alias: str, is_source: bool) -> None:
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
