"""How days map to Event Calculus time points: the one place that knows.

An event at time point ``T`` takes effect from ``T + 1`` (RTEC's convention). foedus wants an
event on day ``D`` to take effect from day ``D``, so an event on day ``D`` sits at time point
``ordinal(D) - 1`` and a query about day ``Q`` asks what holds at ``ordinal(Q)``. A condition
of a rule, read at the event's time point, therefore sees what held on the day before the
event: what held before the event took effect.

>>> from datetime import date
>>> event_point(date(1940, 6, 15)) + 1 == query_point(date(1940, 6, 15))
True
"""

from __future__ import annotations

from datetime import date

INF: int | None = None  # an interval end of None means: still holding at the end of the data


def event_point(d: date) -> int:
    """The time point of an event on day ``d``."""
    return d.toordinal() - 1


def event_point_sql(column: str) -> str:
    """:func:`event_point` of a DATE column in SQL (DuckDB's dialect): the days since
    0001-01-01, which is day 1."""
    return f"date_diff('day', DATE '0001-01-01', {column})"


def query_point(d: date) -> int:
    """The time point at which a question about day ``d`` is asked."""
    return d.toordinal()


def start_day(start: int) -> date:
    """The first day of an interval that starts at time point ``start``."""
    return date.fromordinal(start)


def last_day(end: int | None) -> date | None:
    """The last day of an interval that ends (exclusive) at time point ``end``; None if open."""
    return None if end is None else date.fromordinal(end - 1)
