"""The inertia sweep of a simple fluent, in SQL: from start and end points to intervals.

The point tables come from :mod:`foedus.engine.compile_event`. The sweep pairs them exactly as
RTEC does:

* at a point of a key where some value is initiated, a pair ``(key, v)`` is *broken* unless
  ``v`` is the only value initiated there (MIN = MAX = v), and a broken or terminated point is
  an end point, whatever else happens there (termination wins ties);
* otherwise an initiation of ``v`` is a start point;
* after an end point the pair does not hold, after a start point it does. One window pass over
  each pair's points in time order, its ends after its starts at one point
  (:func:`_sweep`), finds the intervals: from a start whose previous point is an end (``LAG``)
  to the first end after it (a ``LEAD`` that ignores the starts); a start whose first end is
  at its own point makes an empty interval, which is dropped.

A Boolean fluent has one value, which nothing breaks, so its initiations are its starts and
its terminations its ends. A multi-valued fluent holds at most one value at a time: its *set
points* (:func:`_multi_intervals`) give each value's starts and ends, then the same sweep.

Provenance: the rule (first label) and happening (smallest id) that started each interval, and
the smallest id among the happenings that made its end point (terminations, or initiations of
another value).
"""

from __future__ import annotations

from sqlglot import exp

from foedus.engine.compile_sql import (
    END,
    INIT_BY,
    RULE,
    SCN,
    START,
    TERM_BY,
    VALUE,
    VARCHAR,
    alias,
    and_,
    case,
    col,
    eq,
    is_null,
    key_cols,
    lag,
    lit,
    neq,
    not_null,
    null,
    or_,
    paren,
    select,
    sub,
    table,
    union_all,
    window,
)


def _multi_intervals(init: str, term: str, arity: int, one_scenario: bool = False) -> exp.Query:
    """The intervals of a multi-valued fluent: the points where the key's value is set, then
    one sweep per pair (:func:`_sweep`).

    A multi-valued fluent has at most one value at a time. A *set point* is a point of the
    key where some value is initiated or every value is terminated (``= _``); it sets the
    key's value to ``v`` when ``v`` is the only value initiated there and nothing terminates
    every value there, and to nothing otherwise (termination wins ties; two values break
    each other; a termination of ``v`` itself there ends it at that point). So the pair
    ``(key, v)`` starts at a set point that sets ``v`` and ends at a set point that sets
    something else after one that set ``v`` (found by ``LAG`` over the key's set points), and
    at every termination of ``v``. A start while the pair holds (the value set again)
    continues it: pieces that touch are one maximal interval.
    """
    ks = [SCN, *key_cols(arity)]
    kv = [*ks, VALUE]
    # a termination of one value is no set point (below): only those of every value are read
    rows = union_all(
        [
            select(*[col(k) for k in kv], col("p"), alias(lit(0), "e")).from_(
                table(init), copy=False
            ),
            select(*[col(k) for k in kv], col("p"), alias(lit(1), "e"))
            .from_(table(term), copy=False)
            .where(is_null(col(VALUE)), copy=False),
        ]
    )
    # one row per key and point: the least and greatest value initiated there, and whether
    # every value is terminated there (a NULL value)
    initiated = eq(col("e"), lit(0))
    init_value = case([(initiated, col(VALUE))])
    per_point = (
        select(
            *[col(k) for k in ks],
            col("p"),
            alias(exp.Min(this=init_value), "vmin"),
            alias(exp.Max(this=init_value.copy()), "vmax"),
            alias(
                exp.Max(
                    this=case([(and_([is_null(col(VALUE)), eq(col("e"), lit(1))]), lit(1))], lit(0))
                ),
                "ta",
            ),
        )
        .from_(sub(rows, "r"), copy=False)
        .group_by(*[col(k) for k in ks], col("p"), copy=False)
    )
    # a value both initiated and terminated at the point sets it here, but its own end row
    # (the kills, below) ends it at that point, which an end wins: the same intervals as
    # setting nothing, and the next set point's end row for it ends nothing that holds
    only = and_([eq(col("vmin"), col("vmax")), eq(col("ta"), lit(0))])
    set_points = (
        select(*[col(k) for k in ks], col("p"), alias(case([(only, col("vmin"))]), "v"))
        .from_(sub(per_point, "pp"), copy=False)
        .where(or_([not_null(col("vmin")), eq(col("ta"), lit(1))]), copy=False)
    )
    with_prev = select(
        *[col(k) for k in ks],
        col("p"),
        col("v"),
        alias(window(lag(col("v")), _part(ks, one_scenario), "p"), "pv"),
    ).from_(sub(set_points, "sp"), copy=False)
    # each set point is a start of its value, and an end of the value before it if that
    # differs: two rows of one set point, by a cross join with (0), (1)
    e = col("e")
    changed = or_([is_null(col("v")), neq(col("v"), col("pv"))])
    starts_ends = (
        select(
            *[col(k) for k in ks],
            alias(case([(eq(e, lit(0)), col("v"))], col("pv")), VALUE),
            col("p"),
            e.copy(),
        )
        .from_(sub(with_prev, "s"), copy=False)
        .join(exp.values([(0,), (1,)], alias="two", columns=["e"]), join_type="cross", copy=False)
        .where(
            or_(
                [
                    paren(and_([eq(e.copy(), lit(0)), not_null(col("v"))])),
                    paren(and_([eq(e.copy(), lit(1)), not_null(col("pv")), paren(changed)])),
                ]
            ),
            copy=False,
        )
    )
    # a termination of a value the key never has initiated ends nothing (its pair has no
    # start): only the others are swept (the 10^6 world's ``displaced_by``: 183,000 of its
    # 280,000 window rows)
    initiated_here = exp.Exists(
        this=select(lit(1))
        .from_(table(init, "i"), copy=False)
        .where(
            and_([exp.NullSafeEQ(this=col(k, "i"), expression=col(k, "t")) for k in kv]),
            copy=False,
        )
    )
    kills = (
        select(*[col(k, "t") for k in kv], col("p", "t"), alias(lit(1), "e"))
        .from_(table(term, "t"), copy=False)
        .where(and_([not_null(col(VALUE, "t")), initiated_here]), copy=False)
    )
    points = union_all([starts_ends, kills])
    return _sweep(points, kv, _part(kv, one_scenario))


def _part(keys: list[str], one_scenario: bool) -> list[str]:
    """The partition of a window over ``keys``: without the scenario when there is one (a
    constant column costs its hashing)."""
    return [k for k in keys if k != SCN] if one_scenario else keys


def _sweep_window(func: exp.Expression, part: list[str]) -> exp.Window:
    """``func`` over a pair's points in time order, its starts before its ends at a tie."""
    return exp.Window(
        this=func,
        partition_by=[col(k) for k in part],
        order=exp.Order(expressions=[exp.Ordered(this=col("p")), exp.Ordered(this=col("e"))]),
    )


def _sweep(points: exp.Query, kv: list[str], part: list[str]) -> exp.Query:
    """The maximal intervals of each pair from its start (``e`` = 0) and end (``e`` = 1)
    points ``(kv..., p, e)``, in one window pass.

    In time order, with a pair's starts before its ends at one point (so that an end wins a
    tie: the interval from that point to itself is empty and dropped), the pair holds after a
    start and not after an end. An interval starts at a start point whose previous point is an
    end (or that has none), and lasts until the first end point after it.
    """
    prev = exp.Lag(this=col("e"), offset=exp.Literal.number(1), default=lit(1))
    # the next row's point among the ends (the points ascend: the least end after the row);
    # a MIN over the following rows made a segment tree of them (0.30 s against 0.25 s for
    # 1.2 million points, the same rows: docs/performance.md, "Session 41")
    first_end = exp.IgnoreNulls(this=exp.Lead(this=case([(eq(col("e"), lit(1)), col("p"))])))
    swept = select(
        *[col(k) for k in kv],
        col("p"),
        col("e"),
        alias(_sweep_window(prev, part), "pe"),
        alias(_sweep_window(first_end, part), "nxt"),
    ).from_(sub(points, "pt"), copy=False)
    return (
        select(*[col(k) for k in kv], alias(col("p"), START), alias(col("nxt"), END))
        .from_(sub(swept, "sw"), copy=False)
        .where(
            and_(
                [
                    eq(col("e"), lit(0)),
                    eq(col("pe"), lit(1)),
                    paren(or_([is_null(col("nxt")), exp.LT(this=col("p"), expression=col("nxt"))])),
                ]
            ),
            copy=False,
        )
    )


def fluent_query(
    init: str,
    term: str,
    arity: int,
    multivalued: bool = True,
    provenance: bool = True,
    one_scenario: bool = False,
) -> exp.Query:
    """The maximal intervals of a simple fluent from its point tables, with provenance (or
    NULL in its columns when ``provenance`` is False: two joins fewer). ``one_scenario``:
    every point is of scenario 0 (a plan of exact times), so no window is partitioned by it."""
    ks = [SCN, *key_cols(arity)]
    kv = [*ks, VALUE]
    with_provenance = _provenance if provenance else _no_provenance
    if multivalued:
        multi = _multi_intervals(init, term, arity, one_scenario)
        return with_provenance(multi, init, term, arity)
    # a Boolean fluent has one value, which nothing breaks: its initiations are its starts
    points = union_all(
        [
            select(
                *[col(k) for k in ks], alias(lit("true"), VALUE), col("p"), alias(lit(e), "e")
            ).from_(table(src), copy=False)
            for src, e in ((init, 0), (term, 1))
        ]
    )
    # (its value is one constant: the sweep is partitioned by the key alone)
    sweep = _sweep(points, kv, _part(ks, one_scenario))
    return with_provenance(sweep, init, term, arity)


#: The columns of an interval's provenance, after its key, value, start and end.
PROVENANCE = (RULE, INIT_BY, TERM_BY)


def null_provenance(ivs: exp.Query, columns: list[str]) -> exp.Query:
    """The intervals ``ivs`` (``columns``: key, value, start and end) with NULL provenance."""
    return select(*[col(c) for c in columns], *[alias(null(VARCHAR), c) for c in PROVENANCE]).from_(
        sub(ivs, "iv"), copy=False
    )


def _no_provenance(ivs: exp.Query, init: str, term: str, arity: int) -> exp.Query:
    return null_provenance(ivs, [SCN, *key_cols(arity), VALUE, START, END])


def _provenance(ivs: exp.Query, init: str, term: str, arity: int) -> exp.Query:
    """Each interval with the rule and happening that started it and the happening that
    ended it (see the module docstring)."""
    ks = [SCN, *key_cols(arity)]
    on_key = lambda a, b: [eq(col(k, a), col(k, b)) for k in ks]  # noqa: E731
    kv = [*ks, VALUE]
    started = (
        select(
            *[col(k) for k in kv],
            col("p"),
            alias(exp.Min(this=col(RULE)), RULE),
            alias(exp.Min(this=col("id")), "id"),
        )
        .from_(table(init), copy=False)
        .group_by(*[col(k) for k in kv], col("p"), copy=False)
    )
    enders = union_all(
        [
            select(*[col(k) for k in kv], col("p"), col("id"), alias(lit(0), "kind")).from_(
                table(term), copy=False
            ),
            select(*[col(k) for k in kv], col("p"), col("id"), alias(lit(1), "kind")).from_(
                table(init), copy=False
            ),
        ]
    )
    ends_match = or_(
        [
            paren(
                and_(
                    [
                        eq(col("kind", "x"), lit(0)),
                        paren(
                            or_([is_null(col(VALUE, "x")), eq(col(VALUE, "x"), col(VALUE, "iv"))])
                        ),
                    ]
                )
            ),
            paren(and_([eq(col("kind", "x"), lit(1)), neq(col(VALUE, "x"), col(VALUE, "iv"))])),
        ]
    )
    ended = (
        select(
            *[col(k, "iv") for k in kv], col(START, "iv"), alias(exp.Min(this=col("id", "x")), "id")
        )
        .from_(table(IVS, "iv"), copy=False)
        .join(
            sub(enders, "x"),
            on=and_([*on_key("iv", "x"), eq(col("p", "x"), col(END, "iv")), paren(ends_match)]),
            copy=False,
        )
        .group_by(*[col(k, "iv") for k in kv], col(START, "iv"), copy=False)
    )

    return (
        select(
            *[col(k, "iv") for k in kv],
            col(START, "iv"),
            col(END, "iv"),
            alias(col(RULE, "st"), RULE),
            alias(col("id", "st"), INIT_BY),
            alias(col("id", "en"), TERM_BY),
        )
        .from_(table(IVS, "iv"), copy=False)
        .join(
            sub(started, "st"),
            on=and_(
                [
                    *[eq(col(k, "iv"), col(k, "st")) for k in kv],
                    eq(col(START, "iv"), col("p", "st")),
                ]
            ),
            join_type="left",
            copy=False,
        )
        .join(
            sub(ended, "en"),
            on=and_(
                [
                    *[eq(col(k, "iv"), col(k, "en")) for k in kv],
                    eq(col(START, "iv"), col(START, "en")),
                ]
            ),
            join_type="left",
            copy=False,
        )
        .with_(IVS, as_=ivs, materialized=True, copy=False)
    )


#: The intervals :func:`_provenance` reads twice (its rows, and their ends' happenings): a
#: materialised common table expression, computed once (as two subqueries DuckDB swept the
#: points twice: 0.8 s of the 10^6 world's ``controlled_by``)
IVS = "_foedus_ivs"
