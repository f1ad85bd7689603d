"""Small builders of sqlglot expression trees, and the one sweep that every interval step uses.

Nothing here renders SQL: each function returns a sqlglot expression that a backend renders in
its own dialect. Column names are plain strings; backends render with every identifier quoted,
so ``end`` and user-chosen fluent names are safe.

The sweep (:func:`sweep`) turns weighted interval rows into maximal intervals of a label: it is
the SQL form of a sweep line. Each interval row adds ``+1`` to its category's counter at its
start and ``-1`` at its end; the running sums per key give, at every boundary point, how many
intervals of each category cover it; a label computed from the counters (for example "in some
interval" for a union) is compared with the label just before the point (the counters minus
the point's own deltas: no second window), and every change of label is a transition. An
interval of a label runs from its transition to the next one (``LEAD``), or stays open when
there is none. A plain union (:func:`union_merge`) is cheaper as *islands*: one running maximum
of the ends, one sort.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlglot import exp

_E = TypeVar("_E", bound=exp.Expression)

# Column names shared by every interval table.
SCN = "scn"  # a scenario outside the plan: 0 for times taken from t_early, 1 from t_late
#: The scenarios a row of the plan holds in, as a mask: bit 1 the early scenario (every
#: happening at ``t_early``), bit 2 the late one (at ``t_late``), 3 both. A row both scenarios
#: have is one row (docs/architecture.md, "Scenarios as masks").
MASK = "m"
START = "start"
END = "end"
VALUE = "value"
RULE = "rule"
INIT_BY = "initiated_by"
TERM_BY = "terminated_by"

VARCHAR = exp.DataType.build("VARCHAR")
BIGINT = exp.DataType.build("BIGINT")
INT = exp.DataType.build("INT")


def key_cols(n: int) -> list[str]:
    """The argument columns of an ``n``-ary fluent table: ``k0 .. k{n-1}``."""
    return [f"k{i}" for i in range(n)]


def bits(scenarios: int) -> tuple[int, ...]:
    """The mask bits of a plan of ``scenarios`` scenarios: ``(1,)`` or ``(1, 2)``."""
    return (1, 2)[:scenarios]


def has_bit(mask: exp.Expression, bit: int | exp.Expression) -> exp.Expression:
    """``(mask & bit) <> 0``: the row holds in that scenario."""
    b = lit(bit) if isinstance(bit, int) else bit
    return exp.NEQ(this=paren(exp.BitwiseAnd(this=mask, expression=b)), expression=lit(0))


def mask_and(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """``a & b``: the scenarios both rows hold in."""
    return paren(exp.BitwiseAnd(this=a, expression=b))


def mask_less(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """``a - (a & b)``: the scenarios of ``a`` that ``b`` lacks (``a & ~b``, without ``~``)."""
    return paren(exp.Sub(this=a, expression=mask_and(a.copy(), b)))


def scenario_mask(scn: exp.Expression) -> exp.Expression:
    """``scn + 1``: the mask of a row of one scenario (0 the early, 1 the late)."""
    return exp.Add(this=scn, expression=lit(1))


def unfolded(scenarios: int, alias_: str = "sb") -> exp.Expression:
    """The scenarios of a plan as rows ``(scn, bit)`` (``(0, 1)``, ``(1, 2)``): joined with a
    masked row on ``has_bit(m, bit)``, one row per scenario it holds in."""
    rows = [(i, b) for i, b in enumerate(bits(scenarios))]
    return exp.values(rows, alias=alias_, columns=[SCN, "bit"])


def ident(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=False)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def lit(value: str | int) -> exp.Expression:
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(value)


def null(type_: exp.DataType) -> exp.Expression:
    return exp.Cast(this=exp.Null(), to=type_.copy())


def null_like(e: exp.Expression) -> exp.Expression:
    """A NULL of the type of ``e`` (``CASE WHEN FALSE THEN e END``): a rule's ``_`` value is
    of the type of the names it stands among, so that a fluent's points keep their type (the
    ENUM a build gives the names: :func:`foedus.engine.from_tables.store_engine_inputs`)
    rather than becoming text where they meet a NULL of type text."""
    return exp.Case(ifs=[exp.If(this=exp.false(), true=e)])


def alias(e: exp.Expression, name: str) -> exp.Alias:
    return exp.Alias(this=e, alias=ident(name))


def eq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.EQ(this=a, expression=b)


def neq(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.NEQ(this=a, expression=b)


def is_null(e: exp.Expression) -> exp.Expression:
    return exp.Is(this=e, expression=exp.Null())


def not_null(e: exp.Expression) -> exp.Expression:
    return exp.Not(this=is_null(e))


def and_(conds: Sequence[exp.Expression]) -> exp.Expression:
    if not conds:
        return exp.true()
    return exp.and_(*conds, copy=False)


def or_(conds: Sequence[exp.Expression]) -> exp.Expression:
    if not conds:
        return exp.false()
    return exp.or_(*conds, copy=False)


def paren(e: exp.Expression) -> exp.Expression:
    return exp.Paren(this=e)


def table(name: str, as_: str | None = None) -> exp.Table:
    t = exp.Table(this=ident(name))
    if as_:
        t.set("alias", exp.TableAlias(this=ident(as_)))
    return t


_names = itertools.count()

#: A time point after every other: an open interval's ``end`` (NULL) in comparisons.
FOREVER = 2**62


def renamed(query: _E, names: dict[str, str]) -> _E:
    """A copy of ``query`` that reads the table ``names[t]`` wherever it read a table ``t``
    named in ``names`` (a table named with its schema or database is left as it is)."""
    out = query.copy()
    for t in list(out.find_all(exp.Table)):
        if t.name in names and not t.args.get("db"):
            t.set("this", exp.to_identifier(names[t.name]))
    return out


def end_or_forever(iv: str) -> exp.Expression:
    """``COALESCE(iv.end, FOREVER)``: the end of an interval row as a number."""
    return exp.Coalesce(this=col(END, iv), expressions=[exp.Literal.number(FOREVER)])


def holds_at(iv: str, t: exp.Expression) -> exp.Expression:
    """``t`` lies in the interval row ``iv``: ``start <= t AND t < COALESCE(end, FOREVER)``.

    Written with comparisons only (no ``OR``), so that an outer join on it stays a hash or
    range join: DuckDB plans an outer join whose condition has an ``OR`` as a nested loop.
    """
    return and_(
        [
            exp.LTE(this=col(START, iv), expression=t),
            exp.LT(this=t.copy(), expression=end_or_forever(iv)),
        ]
    )


def overlaps(a: str, b: str) -> exp.Expression:
    """The interval rows ``a`` and ``b`` share a time point (``end`` NULL is +infinity)."""
    return and_(
        [
            exp.LT(this=col(START, a), expression=end_or_forever(b)),
            exp.LT(this=col(START, b), expression=end_or_forever(a)),
        ]
    )


def window(
    func: exp.Expression,
    partition: Sequence[str],
    order: str,
    frame: bool = False,
) -> exp.Window:
    spec = (
        exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
        if frame
        else None
    )
    return exp.Window(
        this=func,
        partition_by=[col(c) for c in partition],
        order=exp.Order(expressions=[exp.Ordered(this=col(order))]),
        spec=spec,
    )


def lag(e: exp.Expression, default: exp.Expression | None = None) -> exp.Expression:
    return exp.Lag(this=e, offset=exp.Literal.number(1), default=default)


def lead(e: exp.Expression) -> exp.Expression:
    return exp.Lead(this=e, offset=exp.Literal.number(1))


def case(
    whens: Sequence[tuple[exp.Expression, exp.Expression]], default: exp.Expression | None = None
) -> exp.Expression:
    return exp.Case(ifs=[exp.If(this=c, true=t) for c, t in whens], default=default)


def select(*cols: exp.Expression | str) -> exp.Select:
    return exp.select(*cols)


def union_all(queries: Sequence[exp.Query]) -> exp.Query:
    out = queries[0]
    for q in queries[1:]:
        out = exp.union(out, q, distinct=False, copy=False)
    return out


def union_parts(q: exp.Query) -> list[exp.Query]:
    """The operands of a chain of ``UNION ALL`` (a query that is not one, or one with its own
    ``WITH``, whose operands read its common tables: itself)."""
    if isinstance(q, exp.Union) and not q.args.get("distinct") and not q.args.get("with"):
        return [*union_parts(q.this), *union_parts(q.expression)]
    return [q]


def union_distinct(queries: Sequence[exp.Query]) -> exp.Query:
    out = queries[0]
    for q in queries[1:]:
        out = exp.union(out, q, distinct=True, copy=False)
    return out


def sub(q: exp.Query, name: str) -> exp.Subquery:
    return q.subquery(name, copy=False)


Label = Callable[[list[exp.Expression]], exp.Expression]


def sweep(source: exp.Query, keys: Sequence[str], ncat: int, label: Label) -> exp.Select:
    """Maximal intervals of a label over weighted interval rows.

    ``source`` has the columns ``keys``, ``start``, ``end`` and ``cat`` (an integer category in
    ``0 .. ncat-1``). ``label`` maps the per-category coverage counters at a point to a string
    label or NULL (not in any output interval). The result has ``keys``, ``label``, ``start`` and
    ``end``: one row per maximal run of a non-NULL label (``end`` NULL when it never changes).
    """
    keys = list(keys)
    # deltas: +1 at each start, -1 at each end, per category
    deltas = []
    for point, sign, cond in ((START, 1, None), (END, -1, not_null(col(END)))):
        cats = [
            alias(case([(eq(col("cat"), lit(i)), lit(sign))], lit(0)), f"d{i}") for i in range(ncat)
        ]
        q = select(*[col(k) for k in keys], alias(col(point), "p"), *cats).from_(
            sub(source, "src"), copy=False
        )
        deltas.append(q.where(cond, copy=False) if cond is not None else q)
    per_point = (
        select(
            *[col(k) for k in keys],
            col("p"),
            *[alias(exp.Sum(this=col(f"d{i}")), f"d{i}") for i in range(ncat)],
        )
        .from_(sub(union_all(deltas), "dl"), copy=False)
        .group_by(*[col(k) for k in keys], col("p"), copy=False)
    )
    # the counters at each point (one sort); the label just before the point is the label of
    # the counters minus the point's own deltas, so no second window (LAG) is needed
    running = select(
        *[col(k) for k in keys],
        col("p"),
        *[col(f"d{i}") for i in range(ncat)],
        *[
            alias(window(exp.Sum(this=col(f"d{i}")), keys, "p", frame=True), f"c{i}")
            for i in range(ncat)
        ],
    ).from_(sub(per_point, "pp"), copy=False)
    before = [exp.Sub(this=col(f"c{i}"), expression=col(f"d{i}")) for i in range(ncat)]
    none = lit("")
    labelled = select(
        *[col(k) for k in keys],
        col("p"),
        alias(label([col(f"c{i}") for i in range(ncat)]), "lbl"),
        alias(label([paren(b) for b in before]), "plbl"),
    ).from_(sub(running, "rn"), copy=False)
    transitions = (
        select(
            *[col(k) for k in keys],
            col("p"),
            col("lbl"),
            alias(window(lead(col("p")), keys, "p"), "nxt"),
        )
        .from_(sub(labelled, "wp"), copy=False)
        .where(
            neq(
                exp.Coalesce(this=col("lbl"), expressions=[none]),
                exp.Coalesce(this=col("plbl"), expressions=[none]),
            ),
            copy=False,
        )
    )
    return (
        select(
            *[col(k) for k in keys],
            alias(col("lbl"), "label"),
            alias(col("p"), START),
            alias(col("nxt"), END),
        )
        .from_(sub(transitions, "tr"), copy=False)
        .where(not_null(col("lbl")), copy=False)
    )


def union_merge(source: exp.Query, keys: Sequence[str]) -> exp.Select:
    """The union of interval rows per key as maximal intervals (touching ones merge).

    ``source`` has the columns ``keys``, ``start`` and ``end``; the result has ``keys``,
    ``label`` (always ``'in'``), ``start`` and ``end``: the same as
    ``sweep(source, keys, 1, in_label)``, computed as *islands* in one sort. In the order of
    ``(start, end)`` a row *opens* an island when it starts after every earlier row's end, and
    *closes* it when the next row starts after every end so far (its own included); all four
    window functions share one partitioning and one total order, so they see the rows in the
    same order (rows equal in both are interchangeable). A row that opens and closes its
    island is the island; the others (where intervals merge: few, as a rule) are paired, each
    opening row with the next closing one.
    """
    keys = list(keys)
    ends = exp.Coalesce(this=col(END), expressions=[exp.Literal.number(FOREVER)])
    rows = (
        select(*[col(k) for k in keys], col(START), alias(ends, "e"))
        .from_(sub(source, "src"), copy=False)
        .where(exp.LT(this=col(START), expression=ends.copy()), copy=False)
    )

    def ordered(
        func: exp.Expression, order: Sequence[str], frame: tuple[str, str] | None = None
    ) -> exp.Window:
        spec = None
        if frame:
            end, side = frame
            spec = exp.WindowSpec(
                kind="ROWS",
                start="UNBOUNDED",
                start_side="PRECEDING",
                end=exp.Literal.number(1) if end == "1" else end,
                end_side=side or None,
            )
        return exp.Window(
            this=func,
            partition_by=[col(k) for k in keys],
            order=exp.Order(expressions=[exp.Ordered(this=col(c)) for c in order]),
            spec=spec,
        )

    by = (START, "e")
    windows = select(
        *[col(k) for k in keys],
        col(START),
        col("e"),
        alias(ordered(exp.Max(this=col("e")), by, ("1", "PRECEDING")), "pm"),
        alias(ordered(exp.Max(this=col("e")), by, ("CURRENT ROW", "")), "m"),
        alias(ordered(lead(col(START)), by), "nxt"),
        alias(ordered(exp.RowNumber(), by), "rn"),
    ).from_(sub(rows, "r"), copy=False)
    opens = or_([is_null(col("pm")), exp.GT(this=col(START), expression=col("pm"))])
    closes = or_([is_null(col("nxt")), exp.GT(this=col("nxt"), expression=col("m"))])
    flagged = select(
        *[col(k) for k in keys],
        col(START),
        col("m"),
        col("rn"),
        alias(paren(opens), "o"),
        alias(paren(closes), "c"),
    ).from_(sub(windows, "w"), copy=False)

    def out(end: exp.Expression) -> list[exp.Expression]:
        return [
            *[col(k) for k in keys],
            alias(lit("in"), "label"),
            col(START),
            alias(exp.Nullif(this=end, expression=exp.Literal.number(FOREVER)), END),
        ]

    name = f"_islands{next(_names)}"  # read twice: a CTE, which DuckDB computes once
    whole = (
        select(*out(col("m")))
        .from_(table(name), copy=False)
        .where(and_([col("o"), col("c")]), copy=False)
    )
    paired = (
        select(
            *[col(k) for k in keys],
            col(START),
            col("o"),
            alias(ordered(lead(col("m")), ("rn",)), "le"),
        )
        .from_(table(name), copy=False)
        .where(neq(col("o"), col("c")), copy=False)
    )
    merged = (
        select(*out(col("le"))).from_(sub(paired, "pr"), copy=False).where(col("o"), copy=False)
    )
    return (
        select(*[col(k) for k in keys], col("label"), col(START), col(END))
        .from_(sub(union_all([whole, merged]), "isl"), copy=False)
        .with_(name, as_=flagged, copy=False)
    )


def inline_ctes(e: exp.Expression) -> exp.Expression:
    """``e`` (in place) with every common table expression replaced by a subquery at each of
    its uses: for an engine that hoists CTEs to the top of a statement and refuses the same
    name twice (Spark), where a plan's CTEs are only a hint to compute once."""
    while (with_ := e.find(exp.With)) is not None:
        scope = with_.parent
        ctes = list(with_.expressions)
        with_.pop()
        for cte in ctes:
            for t in list(scope.find_all(exp.Table)) if scope else []:
                if t.name == cte.alias and not t.args.get("db"):
                    t.replace(
                        exp.Subquery(
                            this=cte.this.copy(),
                            alias=exp.TableAlias(this=ident(t.alias or t.name)),
                        )
                    )
    return e


def in_label(counters: list[exp.Expression]) -> exp.Expression:
    """Label of a union: inside when any category covers the point."""
    return case([(exp.GT(this=c, expression=lit(0)), lit("in")) for c in counters])


def exp_exists(q: exp.Select) -> exp.Expression:
    return exp.Exists(this=q)
