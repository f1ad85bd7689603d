"""Interval lists, their set operations, and the combination of the two date scenarios.

A *span list* is a sorted list of disjoint, non-touching, non-empty half-open spans
``(start, end)``; ``end`` None means +infinity (still holding at the end of the data). Every
function here takes any list of spans and returns such a normal list, so results are maximal.

>>> union([(1, 3)], [(3, 5), (8, None)])
[(1, 5), (8, None)]
>>> intersect([(1, 5)], [(5, 9)])
[]
>>> complement([(1, None)], [(3, 4)], [(6, 8)])
[(1, 3), (4, 6), (8, None)]

Fuzzy dates. Every happening has a range ``[early, late]`` of time points; the engines evaluate
the rules twice, once with every happening at ``early`` and once at ``late``, and
:func:`combine_scenarios` merges the two results per fluent-value pair: **certain** where both
scenarios hold (``E ∩ L``), **possible** where only one does (``(E ∪ L) − certain``).

>>> certain_possible([(11, 21)], [(15, 21)])
([(15, 21)], [(11, 15)])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

from foedus.engine.narrative import Interval

Span = tuple[int, int | None]

__all__ = [
    "Span",
    "certain_possible",
    "combine_scenarios",
    "complement",
    "holds_at",
    "intersect",
    "is_normal",
    "normalize",
    "union",
]


def _end(e: int | None) -> float:
    return float("inf") if e is None else e


def normalize(spans: Iterable[Span]) -> list[Span]:
    """Sorted, with overlapping or touching spans merged and empty ones dropped."""
    out: list[Span] = []
    kept = [(s, e) for s, e in spans if _end(e) > s]
    for s, e in sorted(kept, key=lambda span: (span[0], _end(span[1]))):
        if out and s <= _end(out[-1][1]):
            ps, pe = out[-1]
            out[-1] = (ps, None if e is None or pe is None else max(pe, e))
        else:
            out.append((s, e))
    return out


def union(*lists: Iterable[Span]) -> list[Span]:
    """The points in any list. Touching spans merge: ``[a,b) ∪ [b,c) = [a,c)``."""
    return normalize(s for spans in lists for s in spans)


def intersect(*lists: Iterable[Span]) -> list[Span]:
    """The points in every list (none if there are no lists). Touching spans share nothing."""
    if not lists:
        return []
    result = normalize(lists[0])
    for other in lists[1:]:
        b = normalize(other)
        out: list[Span] = []
        i = j = 0
        while i < len(result) and j < len(b):
            (s1, e1), (s2, e2) = result[i], b[j]
            s, e = max(s1, s2), min(_end(e1), _end(e2))
            if s < e:
                out.append((s, None if e == float("inf") else int(e)))
            if _end(e1) < _end(e2):
                i += 1
            else:
                j += 1
        result = out
    return result


def complement(base: Iterable[Span], *minus: Iterable[Span]) -> list[Span]:
    """The points of ``base`` in none of the ``minus`` lists (relative complement)."""
    cut = union(*minus)
    out: list[Span] = []
    for s, e in normalize(base):
        start: int | None = s  # None: nothing of this span is left
        for cs, ce in cut:
            if start is None:
                break
            if _end(ce) <= start or cs >= _end(e):
                continue
            if cs > start:
                out.append((start, cs))
            start = None if ce is None else max(start, ce)
        if start is not None and start < _end(e):
            out.append((start, e))
    return out


def holds_at(spans: Iterable[Span], t: int) -> bool:
    """Whether ``t`` lies in one of the spans (``start <= t < end``)."""
    return any(s <= t < _end(e) for s, e in spans)


def certain_possible(early: Iterable[Span], late: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """The certain (both scenarios) and possible (one scenario only) points of one pair."""
    certain = intersect(early, late)
    return certain, complement(union(early, late), certain)


def combine_scenarios(early: list[Interval], late: list[Interval]) -> list[Interval]:
    """Merge the intervals of the early and the late scenario into certain/possible rows.

    Each row is maximal within its certainty. Provenance comes from the early-scenario interval
    that contains the row's start, else from the late one's.
    """
    by_pair: dict[tuple[str, tuple[str, ...], str], tuple[list[Interval], list[Interval]]]
    by_pair = defaultdict(lambda: ([], []))
    for iv in early:
        by_pair[iv.fluent, iv.args, iv.value][0].append(iv)
    for iv in late:
        by_pair[iv.fluent, iv.args, iv.value][1].append(iv)
    out = []
    for (fluent, args, value), (e_ivs, l_ivs) in by_pair.items():
        certain, possible = certain_possible(
            [(i.start, i.end) for i in e_ivs], [(i.start, i.end) for i in l_ivs]
        )
        for certainty, spans in (("certain", certain), ("possible", possible)):
            for s, e in spans:
                src = _containing(e_ivs, s) or _containing(l_ivs, s)
                assert src is not None
                out.append(
                    Interval(
                        fluent,
                        args,
                        value,
                        s,
                        e,
                        certainty,
                        src.rule,
                        src.initiated_by,
                        src.terminated_by,
                    )
                )
    return sorted(out, key=Interval.key)


def _containing(ivs: list[Interval], t: int) -> Interval | None:
    return next((i for i in ivs if i.start <= t < _end(i.end)), None)


def is_normal(spans: list[Span]) -> bool:
    """Whether ``spans`` is already sorted, disjoint, non-touching and without empty spans."""
    return all(_end(e) > s for s, e in spans) and all(_end(a[1]) < b[0] for a, b in pairwise(spans))
