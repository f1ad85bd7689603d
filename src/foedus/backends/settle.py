"""A through-time cycle run with less work than its compiled rounds, to the same intervals.

Each round of a compiled cycle (:class:`foedus.engine.compile.Fixpoint`) makes the cycle
fluents' initiation and termination points from the current intervals, sweeps the points into
the next intervals (the ``_foedus_next_*`` steps, which read nothing else of the cycle), then
compares the next intervals with the current ones; it stops when they are equal.
:func:`settle_on_points` rewrites it, on three facts about that shape:

- **the sweep is a function of the points**, so the cycle has settled as soon as a round's
  points are the round before's; the last round, which swept the same intervals once more only
  to find them unchanged, is then only its points. If round ``r``'s points are round
  ``r-1``'s, its intervals would be too; once the intervals of two rounds are equal, the next
  round's points are equal: the intervals are the compiled cycle's;
- **the sweep is per key** (scenario and arguments), so a round sweeps again only the keys
  whose points changed, and keeps the other keys' intervals: the semi-naive evaluation of a
  recursive program, with the points as its delta. At 10^6 events the current rule library's
  ``controlled_by`` and ``displaced_by`` (a withdrawal gives a state its control back when the
  power that took it still holds it) settle in eight rounds, whose changed points fall from
  49,320 to 3,321, 2,362, 140, 89, 6, 2 and 0;
- **a rule that reads nothing of the cycle makes the same points every round**: the points
  table of a fluent is its rules' points, a ``UNION ALL`` of one query per rule, and the rules
  that read nothing of the cycle (an initiation by an event alone) are made once, before it;
  only the others are made, and compared, each round.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlglot import exp

from foedus.engine.compile import Fixpoint, Materialize, fluent_table


def _reads(q: exp.Expression) -> set[str]:
    return {t.name for t in q.find_all(exp.Table)}


def _parts(q: exp.Query) -> list[exp.Query]:
    """The operands of a chain of ``UNION ALL`` (a query that is not one: itself)."""
    if isinstance(q, exp.Union) and not q.args.get("distinct") and not q.args.get("with"):
        return [*_parts(q.this), *_parts(q.expression)]
    return [q]


def _union(parts: Sequence[exp.Query]) -> exp.Query:
    """``UNION ALL`` of ``parts`` (each a plain select or a parenthesised query)."""
    out = parts[0].copy()
    for p in parts[1:]:
        out = exp.union(out, p.copy(), distinct=False)
    return out


def _star(table: str) -> exp.Select:
    return exp.select(exp.Star()).from_(exp.to_table(table))


def _keys(step: Materialize) -> list[str]:
    """The key columns (scenario and arguments) of a fluent's table, from its empty schema."""
    assert isinstance(step.query, exp.Select)
    names = [e.alias_or_name for e in step.query.expressions]
    return [n for n in names if n == "scn" or re.fullmatch(r"k\d+", n)]


def _matches(keys: list[str], a: str, b: str) -> exp.Expression:
    return exp.and_(
        *(
            exp.NullSafeEQ(this=exp.column(k, table=a), expression=exp.column(k, table=b))
            for k in keys
        )
    )


def _of_keys(table: str, delta: str, keys: list[str], inside: bool) -> exp.Select:
    """The rows of ``table`` whose key is (``inside``) or is not in the table ``delta``."""
    found = exp.Exists(
        this=exp.select("1").from_(exp.to_table(delta).as_("d")).where(_matches(keys, "d", "t"))
    )
    return (
        exp.select(exp.Star())
        .from_(exp.to_table(table).as_("t"))
        .where(found if inside else exp.not_(found))
    )


def _renamed(q: exp.Query, names: dict[str, str]) -> exp.Query:
    out = q.copy()
    for t in list(out.find_all(exp.Table)):
        if t.name in names:
            t.set("this", exp.to_identifier(names[t.name]))
    return out


def _count(tables: list[str]) -> exp.Select:
    """The sum of the tables' row counts."""
    counts = [
        exp.select(exp.alias_(exp.Count(this=exp.Star()), "n")).from_(exp.to_table(t))
        for t in tables
    ]
    return exp.select(exp.alias_(exp.Sum(this=exp.column("n")), "changed")).from_(
        _union(counts).subquery("d")
    )


def settle_on_points(step: Fixpoint) -> tuple[list[Materialize], Fixpoint, list[str]] | None:
    """``step`` rewritten (the module's text): ``(first, loop, scratch)``, the steps to run
    once, the cycle to run after them and the tables to drop after it; None when the cycle
    is not of the shape the rewriting needs (a static fluent in the cycle, whose intervals are
    made from the intervals themselves)."""
    names = list(step.fluents)
    current = {fluent_table(n) for n in names}
    next_of = {f"_foedus_next_{n}": n for n in names}
    next_steps = {next_of[m.table]: m for m in step.body if m.table in next_of}
    points = [m for m in step.body if m.table not in next_of]
    if len(next_steps) != len(names) or any(_reads(m.query) & current for m in next_steps.values()):
        return None
    empty = {m.table: m for m in step.init}
    if any(fluent_table(n) not in empty for n in names):
        return None
    first: list[Materialize] = [*step.init]
    body: list[Materialize] = []
    moving = set(current)
    var: dict[str, str] = {}  # a points table -> the table of its parts that read the cycle
    scratch: list[str] = []
    for m in points:
        parts = _parts(m.query)
        mine = [p for p in parts if _reads(p) & moving]
        if not mine:
            first.append(m)  # made once
            continue
        moving.add(m.table)
        fixed = [p for p in parts if not any(p is q for q in mine)]
        if not fixed:
            var[m.table] = m.table
            first.append(m)
            body.append(m)
            continue
        stem = m.table.removeprefix("_foedus_")
        made_once, each_round = f"_foedus_fixed_{stem}", f"_foedus_var_{stem}"
        var[m.table] = each_round
        scratch += [made_once, each_round]
        whole = Materialize(m.table, exp.union(_star(made_once), _star(each_round), distinct=False))
        first += [Materialize(made_once, _union(fixed)), Materialize(each_round, _union(mine))]
        first.append(whole)
        body += [Materialize(each_round, _union(mine)), whole]
    if not var:
        return None
    prev = {v: "_foedus_prev_" + v.removeprefix("_foedus_") for v in var.values()}
    scratch += list(prev.values())
    keep = [Materialize(prev[v], _star(v)) for v in var.values()]
    first += [*(next_steps[n] for n in names), *step.swap, *keep]

    def changed_rows(v: str) -> exp.Query:
        """The rows of the points table ``v`` not in its previous round's, and the reverse
        (each difference a subquery: set operations chained without parentheses apply left
        to right)."""
        mine, before = _star(v), _star(prev[v])
        gone = [
            exp.select(exp.Star()).from_(
                exp.except_(a.copy(), b.copy(), distinct=False).subquery(f"x{i}")
            )
            for i, (a, b) in enumerate(((mine, before), (before, mine)))
        ]
        return exp.union(*gone, distinct=False)

    deltas: list[str] = []
    swap: list[Materialize] = []
    for n in names:
        own = [var[t] for t in (f"_foedus_init_{n}", f"_foedus_term_{n}") if t in var]
        if not own:
            continue  # its points read nothing of the cycle: its intervals stay
        keys = _keys(empty[fluent_table(n)])
        delta = f"_foedus_delta_{n}"
        deltas.append(delta)
        rows = _union([changed_rows(v) for v in own]).subquery("c")
        body.append(Materialize(delta, exp.select(*keys).distinct().from_(rows)))
        # the keys whose points changed are swept again; the others keep their intervals
        only = {}
        for t in (f"_foedus_init_{n}", f"_foedus_term_{n}"):
            if t in _reads(next_steps[n].query):
                only[t] = f"_foedus_d{t.removeprefix('_foedus_')}"
                swap.append(Materialize(only[t], _of_keys(t, delta, keys, inside=True)))
        if set(_reads(next_steps[n].query)) - set(only) - {"_foedus_ivs"}:
            return None  # the sweep reads more than the fluent's points
        swept = f"_foedus_dnext_{n}"
        swap.append(Materialize(swept, _renamed(next_steps[n].query, only)))
        kept = _of_keys(fluent_table(n), delta, keys, inside=False)
        swap.append(Materialize(f"_foedus_next_{n}", exp.union(kept, _star(swept), distinct=False)))
        scratch += [delta, *only.values(), swept]
    if not deltas:
        return None
    swap += [*step.swap, *keep]
    loop = Fixpoint(step.fluents, (), tuple(body), _count(deltas), tuple(swap), step.max_rounds)
    return first, loop, scratch
