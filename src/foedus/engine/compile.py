"""Compile a rule program into a plan of SQL statements, built as sqlglot expression trees.

The plan reads two kinds of input table and writes one output table:

``happenings(name VARCHAR, arity INT, a0 VARCHAR, .., a{K-1} VARCHAR, t_early BIGINT,
t_late BIGINT, id VARCHAR)``
    one row per happening; ``a<i>`` is its i-th argument (NULL past its arity). ``K`` must be at
    least the largest event arity in the program (:attr:`Plan.event_arity`).
``facts_<rel>(c0 VARCHAR, .., c{n-1} VARCHAR)``
    one table per declared fact relation (the program's own ground facts are added by the plan).
``intervals(fluent VARCHAR, args VARCHAR[], value VARCHAR, start BIGINT, "end" BIGINT,
certainty VARCHAR, rule VARCHAR, initiated_by VARCHAR, terminated_by VARCHAR)``
    the result: one row per maximal interval of a fluent-value pair and certainty; ``end`` NULL
    is open (still holding at the end of the data).

Every intermediate table is named ``_foedus_*``. There are two scenarios: the early, where
every happening is taken at ``t_early``, and the late, at ``t_late``. Each row of a fluent's
table carries the mask of the scenarios it holds in (column ``m``: 1 the early, 2 the late, 3
both), so that an interval both scenarios have is one row, made once (docs/architecture.md,
"Scenarios as masks"). A pair is *certain* where it holds in both and *possible* where it holds
in one. A plan built with ``scenarios=1`` (all dates exact) computes the early scenario only
(every mask 1) and calls everything certain.

>>> from foedus.rules.ast import Program
>>> plan = compile_program(Program())
>>> plan.render("duckdb")[-1].startswith('CREATE OR REPLACE TABLE "intervals"')
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp

from foedus.engine.compile_event import (
    EV,
    Context,
    event_forms,
    fact_table,
    of_forms,
    points_query,
)
from foedus.engine.compile_inertia import fluent_query
from foedus.engine.compile_sql import (
    BIGINT,
    END,
    INIT_BY,
    INT,
    MASK,
    RULE,
    START,
    TERM_BY,
    VALUE,
    VARCHAR,
    alias,
    and_,
    case,
    col,
    eq,
    holds_at,
    key_cols,
    lit,
    neq,
    null,
    or_,
    paren,
    select,
    sub,
    sweep,
    table,
    union_all,
)
from foedus.engine.compile_static import static_query
from foedus.engine.compile_strata import cyclic, evaluation_strata
from foedus.errors import BackendError
from foedus.rules.ast import EventRule, HoldsCond, Program, StaticRule

OUTPUT = "intervals"
#: The columns of the output table, as SQL.
OUTPUT_COLUMNS = (
    'fluent VARCHAR, args VARCHAR[], value VARCHAR, start BIGINT, "end" BIGINT, '
    "certainty VARCHAR, rule VARCHAR, initiated_by VARCHAR, terminated_by VARCHAR"
)
HAPPENINGS = "happenings"
DEFAULT_MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class Materialize:
    """Create (or replace) ``table`` as the result of ``query``."""

    table: str
    query: exp.Query

    def statement(self) -> exp.Expression:
        return exp.Create(this=table(self.table), kind="TABLE", replace=True, expression=self.query)


@dataclass(frozen=True)
class Fixpoint:
    """A through-time cycle: start ``init``; repeat ``body`` then ``changed`` (a count of
    differing rows) and ``swap`` until ``changed`` is 0, at most ``max_rounds`` times."""

    fluents: tuple[str, ...]
    init: tuple[Materialize, ...]
    body: tuple[Materialize, ...]
    changed: exp.Query
    swap: tuple[Materialize, ...]
    max_rounds: int
    #: The event rules of the cycle's fluents whose every condition on a fluent of the cycle
    #: reads it at the rule's own key (``initiated displaced_by(X) = Y when occupation(Y, X),
    #: controlled_by(X) = X``), by label, with those fluents: their points at a key change only
    #: when those fluents change at that key (:mod:`foedus.backends.settle`).
    keyed: tuple[tuple[str, tuple[str, ...]], ...] = ()


Step = Materialize | Fixpoint


@dataclass
class Plan:
    """The ordered steps that compute ``intervals`` from ``happenings`` and ``facts_*``."""

    steps: list[Step]
    scenarios: int
    event_arity: int
    fact_arities: dict[str, int]
    intermediates: list[str] = field(default_factory=list)
    output: str = OUTPUT
    #: the fluents computed on demand only (:mod:`foedus.engine.demand`), with their
    #: adornments; they are not in the output
    on_demand: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def statements(self) -> list[exp.Expression]:
        """Every statement in order; a fixpoint's body appears once (a driver loops it)."""
        out: list[exp.Expression] = []
        for step in self.steps:
            if isinstance(step, Materialize):
                out.append(step.statement())
            else:
                out += [m.statement() for m in (*step.init, *step.body)]
                out.append(step.changed)
                out += [m.statement() for m in step.swap]
        return out

    def render(self, dialect: str) -> list[str]:
        return [s.sql(dialect=dialect, identify=True) for s in self.statements()]


def output_rows(name: str, arity: int, source: exp.Expression) -> exp.Select:
    """The rows of fluent ``name`` as the plan outputs them (``fluent, args, value, start, end,
    certainty, rule, initiated_by, terminated_by``), from ``source``: its intervals, with
    certainty, keyed by ``k0 … k{arity-1}``."""
    args = exp.cast(
        exp.Array(expressions=[col(k) for k in key_cols(arity)]),
        exp.DataType.build("ARRAY<VARCHAR>"),
    )
    return select(
        alias(lit(name), "fluent"),
        alias(args, "args"),
        col(VALUE),
        col(START),
        col(END),
        col("certainty"),
        col(RULE),
        col(INIT_BY),
        col(TERM_BY),
    ).from_(source, copy=False)


def fluent_table(name: str) -> str:
    return f"_foedus_fl_{name}"


def _schema(arity: int) -> exp.Select:
    """An empty fluent table of the right shape."""
    return select(
        alias(null(INT), MASK),
        *[alias(null(VARCHAR), k) for k in key_cols(arity)],
        alias(null(VARCHAR), VALUE),
        alias(null(BIGINT), START),
        alias(null(BIGINT), END),
        alias(null(VARCHAR), RULE),
        alias(null(VARCHAR), INIT_BY),
        alias(null(VARCHAR), TERM_BY),
    ).where(exp.false(), copy=False)


class _Compiler:
    def __init__(
        self,
        program: Program,
        scenarios: int,
        max_rounds: int,
        provenance: bool = True,
        demand: bool = False,
        given: Mapping[str, str] | None = None,
    ) -> None:
        if scenarios not in (1, 2):
            raise ValueError("scenarios must be 1 or 2")
        self.on_demand: dict[str, tuple[int, ...]] = {}
        self.demand = None
        if demand:
            from foedus.engine import demand as dm

            self.demand = dm.analyse(program)
            self.on_demand = dict(self.demand.fluents)
            program = dm.transform(program, self.demand)
        self.program = program
        self.provenance = provenance
        self.scenarios = scenarios
        self.max_rounds = max_rounds
        self.ctx = Context(program, scenarios=scenarios)
        self.steps: list[Step] = []
        self.temps: list[str] = []
        self.given = dict(given or {})

    def arity(self, fluent: str) -> int:
        return len(self.program.fluents[fluent].arg_types)

    def temp(self, name: str) -> str:
        if name not in self.temps:
            self.temps.append(name)
        return name

    def event_arity(self) -> int:
        return max(
            (len(r.event.args) for r in self.program.rules if isinstance(r, EventRule)), default=0
        )

    def events(self) -> Materialize:
        """The plan's event table: a happening of an exact date once (mask 3, or 1 with one
        scenario), one of a range twice (mask 1 at its earliest time, 2 at its latest); only
        those of a name and arity some event rule matches (every reader of the table asks for
        a rule's event name and arity, so another happening is never read: the 10^6 world's
        acts of breach, half its happenings, are not copied into it, nor the one-actor form
        ``occupation(Y)`` of an act whose rules read ``occupation(Y, X)``, 47 % of the rest)."""
        k = self.event_arity()
        forms = event_forms(self.program.rules)
        exact = eq(col("t_early"), col("t_late"))
        parts = []
        whens = (
            [(lit(1), col("t_early"), None)]
            if self.scenarios == 1
            else [
                (case([(exact, lit(3))], lit(1)), col("t_early"), None),
                (lit(2), col("t_late"), exp.Not(this=paren(exact.copy()))),
            ]
        )
        for mask, t, only in whens:
            where = of_forms(forms)
            if only is not None:
                where = and_([paren(where), only])
            parts.append(
                select(
                    alias(mask, MASK),
                    col("name"),
                    col("arity"),
                    *[col(f"a{i}") for i in range(k)],
                    alias(t, "t"),
                    col("id"),
                )
                .from_(table(HAPPENINGS), copy=False)
                .where(where, copy=False)
            )
        return Materialize(self.temp(EV), union_all(parts))

    def facts(self) -> list[Materialize]:
        out = []
        ground: dict[str, list[tuple[str, ...]]] = {}
        for g in self.program.ground_facts:
            ground.setdefault(g.atom.name, []).append(tuple(str(a) for a in g.atom.args))
        for rel, decl in self.program.facts.items():
            cs = [f"c{i}" for i in range(len(decl.arg_types))]
            parts: list[exp.Query] = [
                select(*[alias(exp.cast(col(c), VARCHAR), c) for c in cs]).from_(
                    table(f"facts_{rel}"), copy=False
                )
            ]
            if ground.get(rel):
                rows = exp.values(
                    [tuple(r) for r in sorted(set(ground[rel]))], alias="g", columns=cs
                )
                parts.append(select(*[col(c) for c in cs]).from_(rows, copy=False))
            out.append(Materialize(self.temp(fact_table(rel)), union_all(parts)))
        return out

    def fluent_steps(self, name: str, target: str) -> list[Materialize]:
        rules = self.program.rules_for(name)
        arity = self.arity(name)
        statics = [r for r in rules if isinstance(r, StaticRule)]
        events = [r for r in rules if isinstance(r, EventRule)]
        if statics and events:
            raise BackendError(f"sql compiler: fluent {name} has both event and static rules")
        if statics:
            return [Materialize(target, static_query(self.ctx, statics, arity))]
        if not events:
            return [Materialize(target, _schema(arity))]
        init = self.temp(f"_foedus_init_{name}")
        term = self.temp(f"_foedus_term_{name}")
        return [
            Materialize(
                init, points_query(self.ctx, [r for r in events if r.kind == "initiated"], arity)
            ),
            Materialize(
                term,
                points_query(
                    self.ctx, [r for r in events if r.kind == "terminated"], arity, keys=init
                ),
            ),
            Materialize(
                target,
                fluent_query(
                    init,
                    term,
                    arity,
                    self.program.fluents[name].multivalued,
                    provenance=self.provenance,
                    scenarios=self.scenarios,
                ),
            ),
        ]

    def stratum(self, names: list[str]) -> None:
        for n in names:
            self.ctx.tables[n] = self.temp(fluent_table(n))
        if all(n in self.given for n in names):  # computed before: copied
            for n in names:
                self.steps.append(
                    Materialize(
                        fluent_table(n),
                        select(exp.Star()).from_(table(self.given[n]), copy=False),
                    )
                )
            return
        if not cyclic(self.program, names):
            for n in names:
                self.steps += self.fluent_steps(n, fluent_table(n))
            return
        init = tuple(Materialize(fluent_table(n), _schema(self.arity(n))) for n in names)
        body: list[Materialize] = []
        static_first = sorted(
            names,
            key=lambda n: not any(isinstance(r, StaticRule) for r in self.program.rules_for(n)),
        )
        for n in static_first:
            body += self.fluent_steps(n, self.temp(f"_foedus_next_{n}"))
        diffs: list[exp.Query] = []
        for n in names:
            cs = [MASK, *key_cols(self.arity(n)), VALUE, START, END, RULE, INIT_BY, TERM_BY]
            cur = select(*[col(c) for c in cs]).from_(table(fluent_table(n)), copy=False)
            nxt = select(*[col(c) for c in cs]).from_(table(f"_foedus_next_{n}"), copy=False)
            for a, b in ((cur, nxt), (nxt, cur)):
                diffs.append(
                    select(alias(exp.Count(this=exp.Star()), "n")).from_(
                        sub(exp.except_(a.copy(), b.copy(), copy=False), self_name(len(diffs))),
                        copy=False,
                    )
                )
        changed = select(alias(exp.Sum(this=col("n")), "changed")).from_(
            sub(union_all(diffs), "d"), copy=False
        )
        swap = tuple(
            Materialize(
                fluent_table(n), select(exp.Star()).from_(table(f"_foedus_next_{n}"), copy=False)
            )
            for n in names
        )
        keyed = []
        for n in names:
            for r in self.program.rules_for(n):
                if not isinstance(r, EventRule):
                    continue
                reads = [
                    c for c in r.conditions if isinstance(c, HoldsCond) and c.ref.atom.name in names
                ]
                if reads and all(c.ref.atom.args == r.head.atom.args for c in reads):
                    keyed.append((r.label, tuple(sorted({c.ref.atom.name for c in reads}))))
        self.steps.append(
            Fixpoint(tuple(names), init, tuple(body), changed, swap, self.max_rounds, tuple(keyed))
        )

    def certainty(self, name: str) -> exp.Query:
        """One fluent's rows of the output, with certainty and provenance."""
        arity = self.arity(name)
        ks = [*key_cols(arity), VALUE]
        fl = fluent_table(name)
        prov = [RULE, INIT_BY, TERM_BY]
        if self.scenarios == 1:
            return select(
                *[col(k) for k in ks],
                col(START),
                col(END),
                alias(lit("certain"), "certainty"),
                *[col(p) for p in prov],
            ).from_(table(fl), copy=False)
        return certainty_rows(table(fl), ks)

    def output(self) -> Materialize:
        parts: list[exp.Query] = []
        for name in self.outputs():
            source = sub(self.certainty(name), f"o_{len(parts)}")
            parts.append(output_rows(name, self.arity(name), source))
        if not parts:
            parts.append(
                select(
                    alias(null(VARCHAR), "fluent"),
                    alias(null(exp.DataType.build("ARRAY<VARCHAR>")), "args"),
                    alias(null(VARCHAR), VALUE),
                    alias(null(BIGINT), START),
                    alias(null(BIGINT), END),
                    alias(null(VARCHAR), "certainty"),
                    alias(null(VARCHAR), RULE),
                    alias(null(VARCHAR), INIT_BY),
                    alias(null(VARCHAR), TERM_BY),
                ).where(exp.false(), copy=False)
            )
        return Materialize(OUTPUT, union_all(parts))

    def demand_steps(self) -> list[Materialize]:
        from foedus.engine import demand as dm

        assert self.demand is not None
        tables = {f: self.temp(f"_foedus_dm_{f}") for f in self.demand.order}
        for f, t in tables.items():
            self.ctx.tables[dm.demand_name(f)] = t
        return [Materialize(t, q) for t, q in dm.demand_queries(self.ctx, self.demand, tables)]

    def outputs(self) -> list[str]:
        return [f for f in self.program.fluents if f not in self.on_demand and f not in self.given]

    def compile(self) -> Plan:
        self.steps.append(self.events())
        self.steps += self.facts()
        if self.demand is not None:
            self.steps += self.demand_steps()
        for names in evaluation_strata(self.program):
            self.stratum(names)
        self.steps.append(self.output())
        return Plan(
            steps=self.steps,
            scenarios=self.scenarios,
            event_arity=self.event_arity(),
            fact_arities={r: len(d.arg_types) for r, d in self.program.facts.items()},
            intermediates=list(self.temps),
            on_demand=dict(self.on_demand),
        )


def certainty_rows(source: exp.Expression, ks: list[str]) -> exp.Query:
    """The output rows (``ks``, start, end, certainty, provenance) of the masked intervals of
    one fluent in ``source`` (a table, or a subquery named ``src``).

    An interval of mask 3 both scenarios have: certain as it is (most intervals: no fuzzy date
    touches them), with its provenance. Each scenario's intervals of a pair are maximal (they
    neither overlap nor touch), so no certain or possible piece of the other intervals can
    touch it: only the intervals of one scenario go through the sweep, which finds where both
    scenarios' intervals overlap (certain) and where one's alone (possible); a piece's
    provenance is that of the early scenario's interval there if it has one, else the
    late's. (The same interval may also come as two rows of masks 1 and 2, when its scenarios
    gave it different provenance: the sweep makes it certain, with the early's.)"""
    prov = [RULE, INIT_BY, TERM_BY]
    both = eq(col(MASK), lit(3))
    same = (
        select(
            *[col(k) for k in ks],
            col(START),
            col(END),
            alias(lit("certain"), "certainty"),
            *[col(p) for p in prov],
        )
        .from_(source.copy(), copy=False)
        .where(both, copy=False)
    )
    odd = (
        select(*[col(k) for k in ks], col(START), col(END), col(MASK), *[col(p) for p in prov])
        .from_(source.copy(), copy=False)
        .where(neq(col(MASK), lit(3)), copy=False)
    )
    src = select(
        *[col(k) for k in ks],
        col(START),
        col(END),
        alias(exp.Sub(this=col(MASK), expression=lit(1)), "cat"),
    ).from_(sub(odd.copy(), "od"), copy=False)

    def label(c: list[exp.Expression]) -> exp.Expression:
        pos = [exp.GT(this=x, expression=lit(0)) for x in c]
        return case([(and_(pos), lit("certain")), (or_(pos), lit("possible"))])

    pieces = sweep(src, ks, 2, label)
    joins = []
    for a, bit in (("e", 1), ("l", 2)):
        on = and_(
            [
                *[eq(col(k, "pc"), col(k, a)) for k in ks],
                eq(col(MASK, a), lit(bit)),
                holds_at(a, col(START, "pc")),
            ]
        )
        joins.append((sub(odd.copy(), a), on))
    from_e = exp.Not(this=exp.Is(this=col(START, "e"), expression=exp.Null()))
    q = select(
        *[col(k, "pc") for k in ks],
        col(START, "pc"),
        col(END, "pc"),
        alias(col("label", "pc"), "certainty"),
        *[alias(case([(from_e, col(p, "e"))], col(p, "l")), p) for p in prov],
    ).from_(sub(pieces, "pc"), copy=False)
    for t, on in joins:
        q = q.join(t, on=on, join_type="left", copy=False)
    return union_all([same, q])


def self_name(i: int) -> str:
    return f"x{i}"


def compile_program(
    program: Program,
    scenarios: int = 2,
    max_rounds: int = DEFAULT_MAX_ROUNDS,
    provenance: bool = True,
    demand: bool = False,
    given: Mapping[str, str] | None = None,
) -> Plan:
    """Compile ``program`` into a :class:`Plan`.

    ``scenarios=2`` evaluates every happening at its earliest and at its latest time and
    combines the two into certain and possible intervals; ``scenarios=1`` assumes exact dates.
    ``max_rounds`` caps the iterations of a through-time cycle. ``provenance=False`` leaves
    the provenance columns of simple fluents NULL (``foedus run`` does not write them).
    ``demand=True`` computes the fan-out fluents only for what the rules read of them
    (:mod:`foedus.engine.demand`) and leaves them out of the output (:attr:`Plan.on_demand`).
    ``given`` names, for some fluents, a table that already holds their rows in the shape of
    a fluent's table (:func:`fluent_table`: the same rules computed them on the same inputs,
    :func:`foedus.engine.dependencies.shared_fluents`): the plan copies them instead of
    computing them (a stratum is copied only when all its fluents are given) and leaves them
    out of the output (the caller has their intervals already).
    """
    return _Compiler(program, scenarios, max_rounds, provenance, demand, given).compile()
