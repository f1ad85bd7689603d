"""The read-only routes that the web explorer needs beside the API that mirrors the CLI.

- ``GET /api/v1/explorer/overview``: the corpus at a glance, in one object, for the first
  render: the perspectives; one lane per state with its status periods under every
  perspective (:meth:`~foedus.query.KnowledgeBase.periods`, those of ``foedus timeline``); the
  instruments with their dates; the events; and the breaches under every perspective.
- ``GET /api/v1/explorer/network?on=DAY&perspective=P``: the treaty network on a day: nodes
  are actors, edges are the instruments binding a pair that day (the ``binds`` fluent), an
  edge flagged when an act breached it on that day.
- ``GET /api/v1/explorer/source/{source_id}``: the text of one of the corpus's sources.

:func:`foedus.server.app.create_app` includes :data:`router` after the API routes and before
the built page mounted at ``/``. The routes read the served
:class:`~foedus.query.KnowledgeBase` from the app's service (``app.state.foedus``) and run in
its worker threads under its time limit, errors in its one shape; an app without a service (a
test's) serves the bundled corpus. The overview is computed once per corpus.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from foedus.model import Actor
from foedus.query import KnowledgeBase, need_day
from foedus.query.records import date_json
from foedus.shapes import Json

router = APIRouter(prefix="/api/v1/explorer", tags=["explorer"])

_lock = threading.Lock()
_overviews: dict[int, tuple[Any, Json]] = {}


def knowledge_base(request: Request) -> KnowledgeBase:
    """The served knowledge base (``app.state.foedus.base``), else the bundled corpus."""
    state = request.app.state
    svc = getattr(state, "foedus", None)
    if svc is not None:
        return svc.base  # type: ignore[no-any-return]
    with _lock:
        kb = getattr(state, "explorer_kb", None)
        if kb is None:
            kb = KnowledgeBase()
            state.explorer_kb = kb
    return kb  # type: ignore[no-any-return]


async def _run(request: Request, work: Callable[[KnowledgeBase], Json]) -> Json:
    """``work(kb)`` in the service's worker threads (its time limit, its error shape)."""
    kb = knowledge_base(request)
    svc = getattr(request.app.state, "foedus", None)
    if svc is not None:
        return await svc.run(lambda: work(kb))  # type: ignore[no-any-return]
    return await run_in_threadpool(work, kb)


# --------------------------------------------------------------------------- overview


def status_class(period: Json) -> str:
    """The colour class of a status: ``independent``, ``occupied``, ``part`` or ``other``.

    An occupation wins over annexation: a state under occupation that another state counts as
    its part (de facto 1941–1944: part of Ostland, occupied by Germany) is drawn occupied.

    >>> status_class({
    ...     "sovereign": [{"value": True, "certainty": "certain"}],
    ...     "occupied_by": [{"value": {"id": "ussr"}, "certainty": "possible"}],
    ...     "part_of": [],
    ... })
    'occupied'
    """
    if period.get("occupied_by"):
        return "occupied"
    if period.get("part_of"):
        return "part"
    if any(v["value"] is True for v in period.get("sovereign") or []):
        return "independent"
    return "other"


def _period_json(p: Json) -> Json:
    return {
        "from": p["from"],
        "to": p["to"],
        "label": p["label"],
        "class": status_class(p),
        "certainty": p["certainty"],
        "sovereign": p["sovereign"],
        "part_of": p["part_of"],
        "occupied_by": p["occupied_by"],
        "controlled_by": p["controlled_by"],
        "rules": p["rules"],
    }


def lanes(kb: KnowledgeBase) -> list[Json]:
    """One lane per state whose status ever changes, or differs between perspectives."""
    out = []
    for actor in kb.corpus.actors:
        if actor.kind != "state":
            continue
        per = {
            p.id: [_period_json(x) for x in kb.with_perspective(p.id).periods(actor.id)]
            for p in kb.corpus.perspectives
        }
        labels = {tuple(x["label"] for x in ps) for ps in per.values()}
        if len(labels) == 1 and len(next(iter(labels))) <= 1:
            continue
        out.append({"actor": kb.render.ref(actor.id), "periods": per})
    return out


def _instrument_json(kb: KnowledgeBase, ins_id: str) -> Json:
    full = kb.render.instrument(kb.instrument(ins_id))
    return {
        k: full[k]
        for k in ("id", "name", "kind", "signed", "in_force", "ended", "sources", "hypothetical")
    } | {
        "parties": [
            {"actor": p["actor"], "how": p["how"], "date": p["date"]} for p in full["parties"]
        ]
    }


def _actor_json(a: Any) -> Json:
    """An actor for the page: its names (the map finds its shape by them), what it is part of,
    its predecessor and successor, and the days it existed (when the corpus says)."""
    return {
        "id": a.id,
        "name": a.name,
        "kind": a.kind,
        "aliases": list(a.aliases),
        "part_of": a.part_of,
        "predecessor": a.predecessor,
        "successor": a.successor,
        "existed_from": date_json(a.existed_from),
        "existed_to": date_json(a.existed_to),
    }


def overview(kb: KnowledgeBase) -> Json:
    """The explorer's first load: see the module docstring."""
    key = id(kb.corpus)
    with _lock:
        cached = _overviews.get(key)
        if cached is not None and cached[0] is kb.corpus:
            return cached[1]
    c = kb.corpus
    data: Json = {
        "corpus": {
            "name": c.metadata.name,
            "title": c.metadata.title,
            "examples": list(c.metadata.examples),  # questions the ask box offers
            "sources": [
                {"id": sid, "title": kb.source_meta(sid).get("title", sid)} for sid in c.sources
            ],
        },
        "default_perspective": kb.perspective,
        "perspectives": [
            {"id": p.id, "name": p.name, "description": p.description} for p in c.perspectives
        ],
        "actors": [_actor_json(a) for a in c.actors],
        "lanes": lanes(kb),
        "instruments": [_instrument_json(kb, i.id) for i in c.instruments],
        "events": kb.events()["events"],
        "breaches": {p.id: kb.with_perspective(p.id).breach_summaries() for p in c.perspectives},
    }
    with _lock:
        _overviews[key] = (kb.corpus, data)
    return data


@router.get("/overview")
async def get_overview(request: Request) -> Json:
    """Lanes of status periods per perspective, instruments, events and breaches."""
    return await _run(request, overview)


# --------------------------------------------------------------------------- network


def may_exist(actor: Actor | None, on: date) -> bool:
    """Whether the corpus lets ``actor`` exist on ``on``: not before the latest day it may have
    come into being, not after the latest day it may have ceased to be (no dates: always)."""
    if actor is None:
        return True
    if actor.existed_from is not None and on < actor.existed_from.earliest:
        return False
    return actor.existed_to is None or on <= actor.existed_to.latest


def network(kb: KnowledgeBase, on: date, perspective: str) -> Json:
    """Nodes and edges of the treaty network on day ``on`` under ``perspective``."""
    kb = kb.with_perspective(perspective)
    edges: dict[tuple[str, str, str], Json] = {}
    for r in kb.fluent_rows("binds", on=on):
        if len(r.args) != 3:
            continue
        ins_id, x, y = r.args
        a, b = sorted((x, y))
        edge = edges.setdefault(
            (ins_id, a, b),
            {
                "id": f"{ins_id}:{a}:{b}",
                "instrument": kb.render.instrument_ref(ins_id),
                "kind": kb.instrument(ins_id).kind,
                "source": a,
                "target": b,
                "certainty": r.certainty,
                "breaches": [],
            },
        )
        if r.certainty == "certain":
            edge["certainty"] = "certain"
    for breach in kb.breach_summaries():
        if not (breach["date"]["earliest"] <= on.isoformat() <= breach["date"]["latest"]):
            continue
        for victim in breach["against"]:
            first, second = sorted((breach["by"]["id"], victim["id"]))
            hit = edges.get((breach["treaty"], first, second))
            if hit is not None:
                hit["breaches"].append(
                    {
                        "event": breach["event"],
                        "clause": breach["clause"],
                        "certainty": breach["certainty"],
                    }
                )
    ids = {e["source"] for e in edges.values()} | {e["target"] for e in edges.values()}
    records = {a.id: a for a in kb.corpus.actors}
    lane_ids = {
        lane["actor"]["id"]
        for lane in overview(kb)["lanes"]
        if may_exist(records.get(lane["actor"]["id"]), on)
    }
    kinds = {a.id: a.kind for a in kb.corpus.actors}
    nodes = [
        {**(kb.render.ref(a) or {}), "kind": kinds.get(a, "state")}
        for a in sorted(ids | lane_ids, key=lambda i: (i not in lane_ids, i))
    ]
    return {
        "on": on.isoformat(),
        "perspective": kb.perspective,
        "nodes": nodes,
        "edges": sorted(edges.values(), key=lambda e: (e["instrument"]["id"], e["id"])),
    }


@router.get("/network")
async def get_network(
    request: Request,
    on: Annotated[str, Query(description="ISO day (YYYY-MM-DD).")],
    perspective: Annotated[
        str | None, Query(description="Legal perspective (default: the server's).")
    ] = None,
) -> Json:
    """The actors and the instruments binding them on a day, edges breached that day flagged."""
    return await _run(
        request, lambda kb: network(kb, need_day(on, "on"), perspective or kb.perspective)
    )


# --------------------------------------------------------------------------- sources


@router.get("/source/{source_id}")
async def get_source(request: Request, source_id: str) -> Json:
    """The text of a source of the corpus (the quotes of every fact are found in it)."""
    return await _run(request, lambda kb: kb.source(source_id))
