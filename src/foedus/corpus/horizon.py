"""Dates open on one side ("after 28 November 1939", "by mid-1941"), bounded by the corpus.

A date the source leaves open on one side (:attr:`foedus.model.FuzzyDate.open`) extends, on
that side, as far as the record it belongs to allows, else to the corpus's horizon:

- a party's ``date`` and ``until`` open at the end reach the instrument's ``ended``; a party's
  ``until`` open at the start begins with the party's ``date``;
- an instrument's ``in_force`` and ``ended`` open at the start begin with its ``signed`` (or
  ``in_force``); its ``signed`` and ``in_force`` open at the end reach its ``ended``;
- an actor's ``existed_to`` open at the start begins with its ``existed_from``, and its
  ``existed_from`` open at the end reaches its ``existed_to``;
- an event's date open at the start begins the day after the latest first day of existence
  (a closed ``existed_from``) among the actors it names, as actors or targets, and its date
  open at the end reaches no further than their earliest last day (a closed ``existed_to``):
  nothing is done by or to an actor that does not exist yet, or any more (validation refuses
  such an event), so "by 20 February 1938" of a state that exists from 2 February 1919 begins
  on 3 February 1919;
- an event open at the start that undoes an act (:data:`UNDOES`: a ``withdrawal`` of forces, a
  ``recognition_withdrawn``) begins, moreover, the day after the last day of the latest such act
  by one of its actors towards one of its targets that ends before its known side: "occupied
  at the end of 1952 and withdrew not after 1955" withdrew from 1 January 1953;
- everything else reaches the corpus's horizon: the first and the last day that a date closed
  on both sides names anywhere in the corpus (with its overlay).

An event's open start begins the day *after* its actors' first day (or the act it undoes),
unless its known side is that very day: the early scenario puts the event on its first day,
and two events at one time point that start two values of a multi-valued fluent both end
there (RTEC's rule), so an occupation "by mid-1941" put on its target's first day would leave
the target controlled by no one (docs/decisions/0014). The engines then read the date as any
fuzzy date: every day between the known side and the bound is possible (docs/corpus-format.md,
"Dates"). A date whose bound lies on the wrong side of its known one (nothing in the corpus
comes after "after 1999") cannot be bounded and is a validation error at the date's
file:line:col.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from foedus.corpus.corpus import Corpus
from foedus.errors import Problem
from foedus.model import FuzzyDate

__all__ = ["UNDOES", "bound_open_dates", "horizon"]

UNDOES: dict[str, frozenset[str]] = {
    "withdrawal": frozenset({"occupation", "reoccupation"}),
    "recognition_withdrawn": frozenset({"recognition"}),
}
"""The event types that undo an earlier act of the same actor towards the same target, and the
types of the acts they undo (foedus.model.vocabulary: forces leave a state they occupied, a
state withdraws a recognition it had given): such an event's date open at the start begins
after the latest act it can undo, so that both scenarios undo the same act."""

_DAY = timedelta(days=1)


def _dates(corpus: Corpus) -> Iterator[FuzzyDate]:
    for a in corpus.actors:
        yield from (d for d in (a.existed_from, a.existed_to) if d is not None)
    for i in corpus.instruments:
        yield from (d for d in (i.signed, i.in_force, i.ended) if d is not None)
        for p in i.parties:
            yield from (d for d in (p.date, p.until) if d is not None)
    for e in corpus.events:
        yield e.date


def horizon(corpus: Corpus) -> tuple[date, date] | None:
    """The first and last day the corpus's closed dates name; None when it has none."""
    closed = [d for d in _dates(corpus) if d.open is None]
    if not closed:
        return None
    return min(d.earliest for d in closed), max(d.latest for d in closed)


def _closed(*dates: FuzzyDate | None) -> FuzzyDate | None:
    return next((d for d in dates if d is not None and d.open is None), None)


class _Bounder:
    def __init__(self, corpus: Corpus) -> None:
        self.c = corpus
        self.span = horizon(corpus)
        self.problems: list[Problem] = []
        self.actors: dict[str, Any] = {}  # by id, bounded: what an event's date may reach

    def bound(
        self,
        d: FuzzyDate | None,
        kind: str,
        rid: str,
        field: str,
        start: FuzzyDate | None = None,
        end: FuzzyDate | None = None,
        within: tuple[date | None, date | None] = (None, None),
        after: bool = False,
    ) -> FuzzyDate | None:
        """``d`` bounded by ``start``/``end`` (closed dates of its record), else the horizon
        (narrowed to ``within``, the days the record's actors exist, where it is given).

        With ``after``, an open start bounded by ``start`` or ``within`` begins the day after
        it (the record comes after what it presupposes: at one time point the engine's tie
        rules would undo it), unless the known side is that very day."""
        if d is None or d.open is None:
            return d
        lo = start.earliest if start is not None else self.span[0] if self.span else None
        hi = end.latest if end is not None else self.span[1] if self.span else None
        own = start is not None
        if start is None and lo is not None and within[0] is not None and within[0] >= lo:
            lo, own = within[0], True
        if end is None and hi is not None and within[1] is not None:
            hi = min(hi, within[1])
        bad = (d.open == "end" and (hi is None or hi < d.earliest)) or (
            d.open == "start" and (lo is None or lo > d.latest)
        )
        if d.open == "start" and after and own and lo is not None and lo < d.latest:
            lo += _DAY
        if bad:
            known = d.earliest if d.open == "end" else d.latest
            by = end if d.open == "end" else start
            if by is not None:
                what = f"the {kind}'s own date {by.text!r} does not reach"
            else:
                what = "no closed date of the corpus reaches"
            reach = "past" if d.open == "end" else "back before"
            at = self.c.where(kind, rid, field)
            self.problems.append(
                Problem(
                    at[0],
                    at[1],
                    at[2],
                    f"{kind} {rid!r}: date {d.text!r} is open at its {d.open}, and {what} "
                    f"{reach} {known.isoformat()} to bound it; give both ends "
                    f"({{earliest: …, latest: …, text: {d.text!r}}})",
                )
            )
            return d.bounded(known, known)
        return d.bounded(lo or d.earliest, hi or d.latest)

    def event(self, e: Any) -> Any:
        if e.date.open is None:
            return e
        first, last = self.lives(e)
        undone = self.undone(e)
        if undone is not None:
            first = undone if first is None else max(first, undone)
        return _update(
            e, date=self.bound(e.date, "event", e.id, "date", within=(first, last), after=True)
        )

    def undone(self, e: Any) -> date | None:
        """The last day of the latest act ``e`` can undo (:data:`UNDOES`) that ends before its
        known side, by one of its actors towards one of its targets, its last day known."""
        types = UNDOES.get(e.type)
        if not types or e.date.open != "start":
            return None
        days = [
            a.date.latest
            for a in self.c.events
            if a.type in types
            and a.date.open != "end"
            and a.date.latest < e.date.latest
            and set(a.actors) & set(e.actors)
            and set(a.targets) & set(e.targets)
        ]
        return max(days, default=None)

    def lives(self, e: Any) -> tuple[date | None, date | None]:
        """The days every actor an event names exists on, as far as their closed dates say:
        the latest first day and the earliest last day (None where none says)."""
        named = [self.actors[n] for n in (*e.actors, *e.targets) if n in self.actors]
        starts = [d.earliest for a in named if (d := _closed(a.existed_from)) is not None]
        ends = [d.latest for a in named if (d := _closed(a.existed_to)) is not None]
        return (max(starts) if starts else None, min(ends) if ends else None)

    def actor(self, a: Any) -> Any:
        return _update(
            a,
            existed_from=self.bound(
                a.existed_from, "actor", a.id, "existed_from", end=_closed(a.existed_to)
            ),
            existed_to=self.bound(
                a.existed_to, "actor", a.id, "existed_to", start=_closed(a.existed_from)
            ),
        )

    def instrument(self, i: Any) -> Any:
        end = _closed(i.ended)
        parties = []
        for j, p in enumerate(i.parties):
            f = f"parties[{j}]"
            parties.append(
                _update(
                    p,
                    date=self.bound(p.date, "instrument", i.id, f"{f}.date", end=end),
                    until=self.bound(
                        p.until, "instrument", i.id, f"{f}.until", start=_closed(p.date), end=end
                    ),
                )
            )
        return _update(
            i,
            signed=self.bound(i.signed, "instrument", i.id, "signed", end=end),
            in_force=self.bound(
                i.in_force, "instrument", i.id, "in_force", start=_closed(i.signed), end=end
            ),
            ended=self.bound(
                i.ended, "instrument", i.id, "ended", start=_closed(i.in_force, i.signed)
            ),
            parties=parties
            if any(a is not b for a, b in zip(parties, i.parties, strict=True))
            else i.parties,
        )


def _update(record: Any, **values: Any) -> Any:
    """``record`` itself when nothing changes, else a copy with ``values`` (records may be
    shared with the corpus an overlay is laid on: they are never changed in place)."""
    changed = {k: v for k, v in values.items() if v is not getattr(record, k)}
    return record.model_copy(update=changed) if changed else record


def bound_open_dates(corpus: Corpus) -> list[Problem]:
    """Give every open date of the corpus its bound; the dates that cannot be bounded.

    The records with an open date are replaced by bounded copies in the corpus's lists (a
    Parquet table's rows are not among them: their columns are closed ranges). Idempotent: a
    bounded date keeps its ``open`` side and is bounded again, by the same horizon or by a
    wider one when an overlay reaches further.
    """
    b = _Bounder(corpus)
    corpus.actors = [b.actor(a) for a in corpus.actors]
    corpus.instruments = [b.instrument(i) for i in corpus.instruments]
    b.actors = {a.id: a for a in corpus.actors}
    corpus.events = [b.event(e) for e in corpus.events]
    return b.problems
