"""The inertia sweep of a simple fluent, in SQL: from start and end points to intervals.

The point tables come from :mod:`foedus.engine.compile_event`. The sweep pairs them exactly as
RTEC does:

* at a point of a key where some value is initiated, a pair ``(key, v)`` is *broken* unless
  ``v`` is the only value initiated there (MIN = MAX = v), and a broken or terminated point is
  an end point, whatever else happens there (termination wins ties);
* otherwise an initiation of ``v`` is a start point;
* after an end point the pair does not hold, after a start point it does, so the state after
  each point is ``is_start``; intervals run from each change to "holding" to the next change
  (``LAG`` finds the changes, ``LEAD`` the next one).

A multi-valued fluent holds at most one value at a time, so it is swept once per key rather
than once per pair (:func:`_multi_intervals`, linear in the points); the Boolean sweep above is
the per-pair one.

Provenance: the rule (first label) and happening (smallest id) that started each interval, and
the smallest id among the happenings that made its end point (terminations, or initiations of
another value).
"""

from __future__ import annotations

from sqlglot import exp

from foedus.engine.compile_sql import (
    END,
    FOREVER,
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
    lead,
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
    union_distinct,
    window,
)


def _multi_intervals(init: str, term: str, arity: int) -> exp.Query:
    """The intervals of a multi-valued fluent, by one sweep per key (linear, not per pair).

    A multi-valued fluent has at most one value at a time, so each key is swept once. A
    *set point* is a point of the key where some value is initiated or every value is
    terminated (``= _``); it sets the key's value to ``v`` when ``v`` is the only value
    initiated there and nothing terminates ``v`` or every value there, and to nothing
    otherwise (termination wins ties; two values break each other). The points from one set
    point to the next form a *segment*; inside it the value set holds until the first
    termination of that value (a *kill*). Pieces of one value that touch (the value set
    again while it holds) are merged into one maximal interval.
    """
    ks = [SCN, *key_cols(arity)]
    kv = [*ks, VALUE]
    on_key = lambda a, b: [eq(col(k, a), col(k, b)) for k in ks]  # noqa: E731
    inits = (
        select(
            *[col(k) for k in ks],
            col("p"),
            alias(exp.Min(this=col(VALUE)), "vmin"),
            alias(exp.Max(this=col(VALUE)), "vmax"),
        )
        .from_(table(init), copy=False)
        .group_by(*[col(k) for k in ks], col("p"), copy=False)
    )
    term_any = (
        select(*[col(k) for k in ks], col("p"))
        .distinct(copy=False)
        .from_(table(term), copy=False)
        .where(is_null(col(VALUE)), copy=False)
    )
    term_v = (
        select(*[col(k) for k in kv], col("p"))
        .distinct(copy=False)
        .from_(table(term), copy=False)
        .where(not_null(col(VALUE)), copy=False)
    )
    key_points = union_distinct(
        [
            select(*[col(k) for k in ks], col("p")).from_(table(init), copy=False),
            select(*[col(k) for k in ks], col("p")).from_(table(term), copy=False),
        ]
    )
    only = and_(
        [
            eq(col("vmin", "i"), col("vmax", "i")),
            is_null(col("p", "ta")),
            is_null(col("p", "tv")),
        ]
    )
    is_set = or_([not_null(col("p", "i")), not_null(col("p", "ta"))])
    points = (
        select(
            *[col(k, "kp") for k in ks],
            col("p", "kp"),
            alias(case([(is_set, lit(1))], lit(0)), "is_set"),
            alias(case([(only, col("vmin", "i"))]), "v"),
        )
        .from_(sub(key_points, "kp"), copy=False)
        .join(
            sub(inits, "i"),
            on=and_([*on_key("kp", "i"), eq(col("p", "kp"), col("p", "i"))]),
            join_type="left",
            copy=False,
        )
        .join(
            sub(term_any, "ta"),
            on=and_([*on_key("kp", "ta"), eq(col("p", "kp"), col("p", "ta"))]),
            join_type="left",
            copy=False,
        )
        .join(
            sub(term_v, "tv"),
            on=and_(
                [
                    *on_key("kp", "tv"),
                    eq(col("p", "kp"), col("p", "tv")),
                    eq(col(VALUE, "tv"), col("vmin", "i")),
                ]
            ),
            join_type="left",
            copy=False,
        )
    )
    numbered = select(
        *[col(k) for k in ks],
        col("p"),
        col("is_set"),
        col("v"),
        alias(window(exp.Sum(this=col("is_set")), ks, "p", frame=True), "seg"),
    ).from_(sub(points, "pt"), copy=False)
    segs = (
        select(
            *[col(k) for k in ks],
            col("seg"),
            alias(col("p"), "ps"),
            col("v"),
            alias(window(lead(col("p")), ks, "p"), "nxt"),
        )
        .from_(sub(numbered, "nb"), copy=False)
        .where(eq(col("is_set"), lit(1)), copy=False)
    )
    kills = (
        select(
            *[col(k, "nb") for k in ks],
            col("seg", "nb"),
            col(VALUE, "tv"),
            alias(exp.Min(this=col("p", "tv")), "q"),
        )
        .from_(sub(term_v.copy(), "tv"), copy=False)
        .join(
            sub(numbered.copy(), "nb"),
            on=and_([*on_key("tv", "nb"), eq(col("p", "tv"), col("p", "nb"))]),
            copy=False,
        )
        .group_by(*[col(k, "nb") for k in ks], col("seg", "nb"), col(VALUE, "tv"), copy=False)
    )
    pieces = (
        select(
            *[col(k, "sg") for k in ks],
            alias(col("v", "sg"), VALUE),
            alias(col("ps", "sg"), START),
            alias(exp.Coalesce(this=col("q", "kl"), expressions=[col("nxt", "sg")]), END),
        )
        .from_(sub(segs, "sg"), copy=False)
        .join(
            sub(kills, "kl"),
            on=and_(
                [
                    *on_key("sg", "kl"),
                    eq(col("seg", "sg"), col("seg", "kl")),
                    eq(col(VALUE, "kl"), col("v", "sg")),
                ]
            ),
            join_type="left",
            copy=False,
        )
        .where(not_null(col("v", "sg")), copy=False)
    )
    flagged = select(
        *[col(k) for k in kv],
        col(START),
        col(END),
        alias(
            case(
                [(eq(window(lag(col(END)), kv, START), col(START)), lit(0))],
                lit(1),
            ),
            "fresh",
        ),
    ).from_(sub(pieces, "pc"), copy=False)
    islands = select(
        *[col(k) for k in kv],
        col(START),
        col(END),
        alias(window(exp.Sum(this=col("fresh")), kv, START, frame=True), "isl"),
    ).from_(sub(flagged, "fl"), copy=False)
    last_end = exp.Max(this=exp.Coalesce(this=col(END), expressions=[lit(FOREVER)]))
    return (
        select(
            *[col(k) for k in kv],
            alias(exp.Min(this=col(START)), START),
            alias(exp.Nullif(this=last_end, expression=lit(FOREVER)), END),
        )
        .from_(sub(islands, "il"), copy=False)
        .group_by(*[col(k) for k in kv], col("isl"), copy=False)
    )


def _sweep_window(
    func: exp.Expression, kv: list[str], spec: exp.WindowSpec | None = None
) -> exp.Window:
    """``func`` over a pair's points in time order, its starts before its ends at a tie."""
    return exp.Window(
        this=func,
        partition_by=[col(k) for k in kv],
        order=exp.Order(expressions=[exp.Ordered(this=col("p")), exp.Ordered(this=col("e"))]),
        spec=spec,
    )


def _sweep(points: exp.Query, kv: list[str]) -> exp.Query:
    """The maximal intervals of each pair from its start (``e`` = 0) and end (``e`` = 1)
    points ``(kv..., p, e)``, in one window pass.

    In time order, with a pair's starts before its ends at one point (so that an end wins a
    tie: the interval from that point to itself is empty and dropped), the pair holds after a
    start and not after an end. An interval starts at a start point whose previous point is an
    end (or that has none), and lasts until the first end point after it.
    """
    prev = exp.Lag(this=col("e"), offset=exp.Literal.number(1), default=lit(1))
    first_end = exp.Min(this=case([(eq(col("e"), lit(1)), col("p"))]))
    following = exp.WindowSpec(
        kind="ROWS",
        start=exp.Literal.number(1),
        start_side="FOLLOWING",
        end="UNBOUNDED",
        end_side="FOLLOWING",
    )
    swept = select(
        *[col(k) for k in kv],
        col("p"),
        col("e"),
        alias(_sweep_window(prev, kv), "pe"),
        alias(_sweep_window(first_end, kv, following), "nxt"),
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
    init: str, term: str, arity: int, multivalued: bool = True, provenance: bool = True
) -> exp.Query:
    """The maximal intervals of a simple fluent from its point tables, with provenance (or
    NULL in its columns when ``provenance`` is False: two joins fewer)."""
    ks = [SCN, *key_cols(arity)]
    kv = [*ks, VALUE]
    with_provenance = _provenance if provenance else _no_provenance
    if multivalued:
        return with_provenance(_multi_intervals(init, term, arity), init, term, arity)
    # a Boolean fluent has one value, which nothing breaks: its initiations are its starts
    points = union_all(
        [
            select(
                *[col(k) for k in ks], alias(lit("true"), VALUE), col("p"), alias(lit(e), "e")
            ).from_(table(src), copy=False)
            for src, e in ((init, 0), (term, 1))
        ]
    )
    return with_provenance(_sweep(points, kv), init, term, arity)


def _no_provenance(ivs: exp.Query, init: str, term: str, arity: int) -> exp.Query:
    kv = [SCN, *key_cols(arity), VALUE]
    return select(
        *[col(k) for k in kv],
        col(START),
        col(END),
        *[alias(null(VARCHAR), c) for c in (RULE, INIT_BY, TERM_BY)],
    ).from_(sub(ivs, "iv"), copy=False)


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
        .from_(sub(ivs, "iv"), copy=False)
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
        .from_(sub(ivs, "iv"), copy=False)
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
    )
