"""The read-only routes that the web explorer needs beside the API that mirrors the CLI.

- ``GET /api/v1/explorer/overview``: the corpus at a glance, in one object, for the first
  render: the perspectives; one lane per state with its status periods under every
  perspective (:meth:`~foedus.query.KnowledgeBase.periods`, those of ``foedus timeline``, each
  bound also in the source's words: ``from_text``, ``to_text``); the instruments with their
  dates and, under every perspective, the ranges the ``treaties`` answer lists them in force
  (``spans``); the events; and the breaches under every perspective.
- ``GET /api/v1/explorer/network?on=DAY&perspective=P``: the treaty network on a day: nodes
  are actors, edges are the instruments binding two parties that day (the ``binds`` fluent),
  hubs those binding more than two (their parties listed, not their pairs), each with the
  certainty and the ``certainty_note`` of the ``treaties`` answer for that day, flagged when
  an act breached it on that day.
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

from foedus.engine.timepoints import last_day, start_day
from foedus.model import Actor
from foedus.query import KnowledgeBase, need_day
from foedus.query.across import is_all, one_perspective
from foedus.query.common import STATUS_FLUENTS, Row, rows_about
from foedus.query.records import date_json
from foedus.query.status import said_at, span_words
from foedus.rules.library.vocabulary import IN_FORCE, PARTY_TO
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


def _period_json(p: Json, said: list[str]) -> Json:
    """A period for the page; ``said``: its bounds in the source's words (``"…"``: open)."""
    return {
        "from": p["from"],
        "to": p["to"],
        "from_text": said[0],
        "to_text": None if p["to"] is None else said[1],
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
    """One lane per state whose status ever changes, or differs between perspectives; each
    period's bounds also in the source's words (:func:`foedus.query.status.span_words`)."""
    out = []
    for actor in kb.corpus.actors:
        if actor.kind != "state":
            continue
        found = {p.id: kb.with_perspective(p.id).periods(actor.id) for p in kb.corpus.perspectives}
        labels = {tuple(x["label"] for x in ps) for ps in found.values()}
        if len(labels) == 1 and len(next(iter(labels))) <= 1:
            continue
        per = {}
        for pid, periods in found.items():
            rows = rows_about(kb, actor.id, pid, own=True, fluents=STATUS_FLUENTS)
            per[pid] = [_period_json(x, span_words(kb, rows, x["from"], x["to"])) for x in periods]
        out.append({"actor": kb.render.ref(actor.id), "periods": per})
    return out


def _instrument_json(kb: KnowledgeBase, ins_id: str, spans: dict[str, list[Json]]) -> Json:
    full = kb.render.instrument(kb.instrument(ins_id))
    return {
        k: full[k]
        for k in ("id", "name", "kind", "signed", "in_force", "ended", "sources", "hypothetical")
    } | {
        "parties": [
            {"actor": p["actor"], "how": p["how"], "date": p["date"]} for p in full["parties"]
        ],
        "spans": spans,
    }


def instrument_spans(kb: KnowledgeBase) -> dict[str, dict[str, list[Json]]]:
    """For each instrument, under each perspective, the ranges of days in which the
    ``treaties --on`` answer lists it in force: ``{"from", "to", "from_text", "to_text",
    "certainty", "certainty_note"}`` in order (``from``, ``to``: ISO days, ``to`` None when the
    range never ends; ``from_text``, ``to_text``: the same bounds as the source dates what
    started or ended it, else the days; ``to_text`` None when open).

    That answer lists the instruments whose ``in_force`` holds (certain where a certain row
    holds), except that an instrument whose end a perspective does not give while another's
    rules end it is only possible there, with a ``certainty_note``
    (:func:`foedus.query.treaties.treaties_on`). So an instrument whose ``in_force`` rows are
    the same in every perspective is read off its rows; for the others the answer itself is
    asked on each day one of their rows starts or ends, and holds until the next: de facto
    the Molotov–Ribbentrop Pact is certain to the end of 1940 and possible in 1941 (the
    source dates the invasion that ends it "1941"); under the Soviet view it is possible from
    1941 on, with no end.
    """
    views = [p.id for p in kb.corpus.perspectives]
    rows: dict[str, dict[str, list[Row]]] = {v: {} for v in views}
    for v in views:
        for r in kb.with_perspective(v).fluent_rows("in_force"):
            rows[v].setdefault(r.args[0], []).append(r)
    ids = [i.id for i in kb.corpus.instruments]

    def shape(rs: list[Row]) -> list[tuple[int, int, str]]:
        return sorted((r.start, -1 if r.end is None else r.end, r.certainty) for r in rs)

    disputed = {i for i in ids if len({tuple(shape(rows[v].get(i, []))) for v in views}) > 1}
    points = {
        i: sorted(
            {
                t
                for v in views
                for r in rows[v].get(i, [])
                for t in (r.start, r.end)
                if t is not None
            }
        )
        for i in ids
    }
    asked = sorted({t for i in disputed for t in points[i]})
    told: dict[str, dict[int, dict[str, Json]]] = {
        v: {
            t: {
                x["id"]: x
                for x in kb.with_perspective(v).treaties(on=day_text(start_day(t)))["treaties"]
            }
            for t in asked
        }
        for v in views
    }

    def answer(i: str, v: str, t: int) -> tuple[str, str | None] | None:
        """The certainty and note of instrument ``i`` in the answer of ``v`` at ``t``."""
        if i in disputed:
            found = told[v][t].get(i)
            return None if found is None else (found["certainty"], found["certainty_note"])
        here = [r.certainty for r in rows[v].get(i, []) if r.holds_at(t)]
        return None if not here else ("certain" if "certain" in here else "possible", None)

    out: dict[str, dict[str, list[Json]]] = {}
    for i in ids:
        mine = [r for v in views for r in rows[v].get(i, [])]
        out[i] = {}
        for v in views:
            spans: list[Json] = []
            ts = points[i]
            for n, t in enumerate(ts):
                end = ts[n + 1] if n + 1 < len(ts) else None
                what = answer(i, v, t)
                if what is None:
                    continue
                prev = spans[-1] if spans else None
                if prev is not None and prev["_end"] == t and prev["_what"] == what:
                    prev["_end"] = end
                else:
                    spans.append({"_start": t, "_end": end, "_what": what})
            out[i][v] = [
                {
                    "from": day_text(start_day(x["_start"])),
                    "to": day_text(last_day(x["_end"])),
                    "from_text": said_at(kb, mine, x["_start"]) or day_text(start_day(x["_start"])),
                    "to_text": None
                    if x["_end"] is None
                    else said_at(kb, mine, x["_end"]) or day_text(last_day(x["_end"])),
                    "certainty": x["_what"][0],
                    "certainty_note": x["_what"][1],
                }
                for x in spans
            ]
    return out


def day_text(d: date | None) -> str | None:
    """An ISO day, or None."""
    return None if d is None else d.isoformat()


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
            # kept once per corpus, whichever perspective asked first (the network of a day
            # asks it under its own): everything in it but the default is the same in each
            return {**cached[1], "default_perspective": kb.perspective}
    c = kb.corpus
    spans = instrument_spans(kb)
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
        "instruments": [_instrument_json(kb, i.id, spans[i.id]) for i in c.instruments],
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


def _better(found: dict[str, str], key: str, certainty: str) -> None:
    """Keep the better certainty of ``key`` (``certain`` over ``possible``)."""
    if found.get(key) != "certain":
        found[key] = certainty


def bound_parties(kb: KnowledgeBase, on: date) -> dict[str, dict[str, str]]:
    """``{instrument: {actor: certainty}}``: the parties each instrument binds on ``on``.

    ``binds(T, X, Y)`` is ``party_to(X, T) ∩ party_to(Y, T) ∩ in_force(T)`` (the rule
    library's ``binds``, and what ``treaties --party A --on DAY`` reads for one party): so the
    pairs an instrument binds that day are the pairs of the parties it binds, ``X`` certainly
    where a certain ``party_to`` row and a certain ``in_force`` row hold. Read per party, not
    per pair: the ``binds`` rows of a corpus of universal conventions are millions (GGO, 4,532
    treaties, 75 of 193 parties: 4.1 million pairs on 2014-03-01, four minutes to read; its
    ``party_to`` rows that day are 63,000)."""
    in_force: dict[str, str] = {}
    for r in kb.fluent_rows(IN_FORCE, on=on):
        if len(r.args) == 1:
            _better(in_force, r.args[0], r.certainty)
    out: dict[str, dict[str, str]] = {}
    for r in kb.fluent_rows(PARTY_TO, on=on):
        if len(r.args) != 2 or r.args[1] not in in_force:
            continue
        actor, ins_id = r.args
        sure = "certain" if r.certainty == in_force[ins_id] == "certain" else "possible"
        _better(out.setdefault(ins_id, {}), actor, sure)
    return out


def network(kb: KnowledgeBase, on: date, perspective: str) -> Json:
    """Nodes, edges and hubs of the treaty network on day ``on`` under ``perspective``.

    An instrument that binds two parties that day (the ``binds`` fluent: both parties to it
    while it is in force) is an edge between them; one that binds more than two is a hub,
    the parties it binds listed, never its pairs (a clique of n·(n−1)/2 edges:
    :func:`bound_parties`). The certainty of a pair is that of the ``treaties --between A B
    --on DAY`` answer, with its ``certainty_note`` (an instrument whose end this perspective
    does not give while another's rules end it by that day is ``possible``: the USSR and
    Germany under the Pact, in the Soviet view, in 1985); a hub lists each party with the
    certainty that the instrument binds it, and a pair of its parties is as certain as the
    less certain of the two, only possibly bound where the hub has a ``certainty_note``
    (which is then that pair's). An act that breached an instrument on that day (its date
    holds the day) is listed on the edge of its pair, or on the hub with its ``by`` and
    ``against``."""
    kb = kb.with_perspective(perspective)
    bound = {i: ps for i, ps in bound_parties(kb, on).items() if len(ps) >= 2}
    # the treaties answer's certainty_note: only where another perspective ends an instrument
    # this one does not (foedus.query.treaties); a corpus of one perspective has none
    notes: dict[str, str] = {}
    if len(kb.corpus.perspectives) > 1 and bound:
        for t in kb.treaties(on=on.isoformat())["treaties"]:
            if t["id"] in bound and t["certainty_note"]:
                notes[t["id"]] = t["certainty_note"]
    edges: dict[tuple[str, str, str], Json] = {}
    hubs: dict[str, Json] = {}
    for ins_id in sorted(bound):
        parties = bound[ins_id]
        note = notes.get(ins_id)
        ref = kb.render.instrument_ref(ins_id)
        kind = kb.instrument(ins_id).kind
        if len(parties) > 2:
            sure = [a for a, c in parties.items() if c == "certain"]
            hubs[ins_id] = {
                "id": f"hub:{ins_id}",
                "instrument": ref,
                "kind": kind,
                "parties": [{"id": a, "certainty": parties[a]} for a in sorted(parties)],
                # as the pairs: certain where two parties are, unless the answer says possibly
                "certainty": "certain" if len(sure) >= 2 and note is None else "possible",
                "certainty_note": note,
                "breaches": [],
            }
            continue
        a, b = sorted(parties)
        certain = parties[a] == parties[b] == "certain"
        edges[(ins_id, a, b)] = {
            "id": f"{ins_id}:{a}:{b}",
            "instrument": ref,
            "kind": kind,
            "source": a,
            "target": b,
            # a pair bound certainly is only possibly bound where the answer holds the
            # instrument only possibly in force, and says why (as ``treaties --between``)
            "certainty": "certain" if certain and note is None else "possible",
            "certainty_note": note if certain else None,
            "breaches": [],
        }
    day = on.isoformat()
    for breach in kb.breach_summaries():
        if not (breach["date"]["earliest"] <= day <= breach["date"]["latest"]):
            continue
        by = breach["by"]["id"]
        act = {"event": breach["event"], "clause": breach["clause"]}
        for victim in breach["against"]:
            first, second = sorted((by, victim["id"]))
            hit = edges.get((breach["treaty"], first, second))
            if hit is not None:
                hit["breaches"].append({**act, "certainty": breach["certainty"]})
            hub = hubs.get(breach["treaty"])
            if hub is not None and {by, victim["id"]} <= {p["id"] for p in hub["parties"]}:
                hub["breaches"].append(
                    {**act, "certainty": breach["certainty"], "by": by, "against": victim["id"]}
                )
    ids = {e["source"] for e in edges.values()} | {e["target"] for e in edges.values()}
    ids |= {p["id"] for h in hubs.values() for p in h["parties"]}
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
        "on": day,
        "perspective": kb.perspective,
        "nodes": nodes,
        "edges": sorted(edges.values(), key=lambda e: (e["instrument"]["id"], e["id"])),
        "hubs": [hubs[i] for i in sorted(hubs)],
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
    if is_all(perspective):
        raise one_perspective("explorer/network")
    return await _run(
        request, lambda kb: network(kb, need_day(on, "on"), perspective or kb.perspective)
    )


# --------------------------------------------------------------------------- sources


@router.get("/source/{source_id}")
async def get_source(request: Request, source_id: str) -> Json:
    """The text of a source of the corpus (the quotes of every fact are found in it)."""
    return await _run(request, lambda kb: kb.source(source_id))
