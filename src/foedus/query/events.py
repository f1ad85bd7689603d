"""The ``events`` answer: events by actor, target, type and dates, sorted by date."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlglot import exp

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
) -> list[str]:
    """The ids of the events by ``actor`` (an id), to ``target`` (an id), of ``type``, whose
    dates overlap [start, end], in the order of their dates; ``involving``: only those that
    actor (an id) did or suffered (one query for both roles: the timeline's)."""
    query = exp.select(col("id", "e")).from_("events AS e", copy=False)

    def role(roles: str, actor_id: str) -> exp.Exists:
        sub = (
            exp.select(exp.Literal.number(1))
            .from_(f"{roles} AS x", copy=False)
            .where(col("event_id", "x").eq(col("id", "e")), copy=False)
            .where(col("actor_id", "x").eq(lit(actor_id)), copy=False)
        )
        return exp.Exists(this=sub)

    for actor_id, roles in ((actor, "event_actors"), (target, "event_targets")):
        if actor_id is not None:
            query = query.where(role(roles, actor_id), copy=False)
    if involving is not None:
        either = exp.union(
            *(
                exp.select(col("event_id"))
                .from_(roles, copy=False)
                .where(col("actor_id").eq(lit(involving)), copy=False)
                for roles in ("event_actors", "event_targets")
            ),
            distinct=False,
        )
        query = query.where(col("id", "e").isin(query=either), copy=False)
    if type is not None:
        query = query.where(col("type", "e").eq(lit(type)), copy=False)
    if start is not None:
        query = query.where(col("date_latest", "e") >= lit(start), copy=False)
    if end is not None:
        query = query.where(col("date_earliest", "e") <= lit(end), copy=False)
    query = query.order_by(
        *(col(c, "e") for c in ("date_earliest", "date_latest", "id")), copy=False
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
