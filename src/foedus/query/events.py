"""The ``events`` answer: events by actor, target, type and dates, sorted by date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlglot import exp

from foedus.build.schema import STORED_EVENTS
from foedus.errors import UnknownName, suggest
from foedus.model import EVENT_TYPES
from foedus.query.common import col, lit, run
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


def event_ids(
    kb: KnowledgeBase,
    actor: str | None = None,
    target: str | None = None,
    type: str | None = None,
    start: date | None = None,
    end: date | None = None,
    involving: str | None = None,
    types: Sequence[str] | None = None,
) -> list[str]:
    """The ids of the events by ``actor`` (an id), to ``target`` (an id), of ``type``, whose
    dates overlap [start, end], in the order of their dates; ``involving``: only those that
    actor (an id) did or suffered (one query for both roles: the timeline's). ``types``: of
    any of those types instead, in one query, type by type (in the order of their names),
    each in the order of their dates: what one query per type, in that order, would give."""
    stored = exp.to_table(STORED_EVENTS).as_("e")  # an event's actors and targets are lists
    query = exp.select(col("id", "e")).from_(stored, copy=False)

    def has(role: str, actor_id: str) -> exp.Expression:
        return exp.func("list_contains", col(role, "e"), lit(actor_id))

    for actor_id, role in ((actor, "actors"), (target, "targets")):
        if actor_id is not None:
            query = query.where(has(role, actor_id), copy=False)
    if involving is not None:
        query = query.where(
            exp.or_(has("actors", involving), has("targets", involving)), copy=False
        )
    if type is not None:
        query = query.where(col("type", "e").eq(lit(type)), copy=False)
    if types is not None:
        query = query.where(col("type", "e").isin(*map(lit, types)), copy=False)
    if start is not None:
        query = query.where(col("date_latest", "e") >= lit(start), copy=False)
    if end is not None:
        query = query.where(col("date_earliest", "e") <= lit(end), copy=False)
    order = ("type",) if types is not None else ()
    query = query.order_by(
        *(col(c, "e") for c in (*order, "date_earliest", "date_latest", "id")), copy=False
    )
    return [r[0] for r in run(kb, query)]


def events(
    kb: KnowledgeBase,
    actor: str | None = None,
    target: str | None = None,
    type: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Json:
    """``{"events": [Event]}``: see :meth:`foedus.query.KnowledgeBase.events`."""
    actor_id = kb.resolver.actor(actor).id if actor is not None else None
    target_id = kb.resolver.actor(target).id if target is not None else None
    if type is not None and type not in EVENT_TYPES:
        raise UnknownName("event type", type, suggest(type, list(EVENT_TYPES)))
    ids = event_ids(kb, actor_id, target_id, type, start, end)
    found = kb.events_by_id(ids)
    return {"events": [kb.render.event(found[i]) for i in ids]}
