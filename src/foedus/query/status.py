"""An actor's status: on a day (``status``, ``holds``) and over time (``timeline``, its
periods), with the explanation down to the rules and the sources' words."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from foedus.engine.timepoints import event_point, last_day, query_point, start_day
from foedus.norms.explain import Explanation, node
from foedus.query.common import STATUS_FLUENTS, Row, breach_rows, day_json, name_of, rows_about
from foedus.query.events import event_ids
from foedus.query.nodes import (
    clause_node,
    end_text,
    ending_records,
    event_node,
    event_words,
    neighbours,
    provenance_instruments,
    row_bounds,
    row_node,
    row_span,
    source_dated,
)
from foedus.query.summaries import status_summary
from foedus.rules.library.vocabulary import CONTROLLED_BY, OCCUPIED_BY, PART_OF, SOVEREIGN
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.model import FuzzyDate
    from foedus.query.base import KnowledgeBase

#: The acts that, under non-recognition, did not end a sovereignty they breached a norm of.
UNLESS_ACTS = ("annexation", "incorporation")


def _pick(rows: list[Row], fluent: str) -> Row | None:
    mine = [r for r in rows if r.fluent == fluent]
    return next((r for r in mine if r.certainty == "certain"), mine[0] if mine else None)


def _values(
    kb: KnowledgeBase, rows: list[Row], fluent: str, before: list[Row]
) -> tuple[list[Json], list[Row]]:
    """Every value of ``fluent`` that possibly holds among ``rows``, each once with its
    certainty (certain where any of its rows is certain), certain values first, then in the
    order they began, the value that held just before first (the earlier holder); and the
    rows they rest on. ``before``: every row of the actor, to see what held before."""
    ended = {(r.fluent, r.value, r.end) for r in before if r.end is not None}
    mine = sorted(
        (r for r in rows if r.fluent == fluent),
        key=lambda r: (
            r.certainty != "certain",
            r.start,
            (r.fluent, r.value, r.start) not in ended,
            r.end or 1 << 62,
            r.value,
        ),
    )
    out: dict[str, Json] = {}
    used: list[Row] = []
    for r in mine:
        if r.value in out:
            continue
        out[r.value] = {"value": kb.render.ref(r.value), "certainty": r.certainty}
        used.append(r)
    return list(out.values()), used


def is_sovereign(st: Json) -> bool | str:
    """``True`` where a status is certainly sovereign, ``"possible"`` where possibly,
    ``False`` where certainly not."""
    vals = {v["value"]: v["certainty"] for v in st["sovereign"]}
    if vals.get(True) == "certain":
        return True
    return "possible" if True in vals else False


def names(values: list[Json]) -> str:
    """The names of a status field's values joined by "or" ("Soviet Union or Germany")."""
    return " or ".join(v["value"]["name"] if v["value"] else "?" for v in values)


def status_at(kb: KnowledgeBase, actor_id: str, t: int, rows: list[Row]) -> tuple[Json, list[Row]]:
    """The status object of ``actor_id`` at time point ``t`` and the rows it rests on: each
    field a list of every value that possibly holds, with its certainty."""
    here = [
        r for r in rows if r.args == (actor_id,) and r.fluent in STATUS_FLUENTS and r.holds_at(t)
    ]
    sov = _pick(here, SOVEREIGN)
    if sov is None:
        sovereign = [{"value": False, "certainty": "certain"}]
    elif sov.certainty == "certain":
        sovereign = [{"value": True, "certainty": "certain"}]
    else:
        sovereign = [
            {"value": True, "certainty": "possible"},
            {"value": False, "certainty": "possible"},
        ]
    status: Json = {"sovereign": sovereign}
    used = [sov] if sov is not None else []
    for f in (CONTROLLED_BY, OCCUPIED_BY, PART_OF):
        status[f], rows_f = _values(kb, here, f, rows)
        used.extend(rows_f)
    status["label"] = label(status)
    uncertain = [r for r in here if r.certainty == "possible"]
    status["certainty"] = "possible" if uncertain else "certain"
    return status, used


def label(status: Json) -> str:
    """A short human label: independent / sovereign state, under occupation by Y / part of
    Y / ..., each part prefixed "possibly" where none of its values holds certainly, and
    every possible value named ("possibly part of Soviet Union or Reichskommissariat
    Ostland")."""

    def part(f: str, words: str) -> str | None:
        values = status.get(f) or []
        if not values:
            return None
        certain = [v for v in values if v["certainty"] == "certain"]
        if certain:
            return f"{words} {names(certain)}"
        return f"possibly {words} {names(values)}"

    sov = is_sovereign(status)
    part_of = part("part_of", "part of")
    occupied = part("occupied_by", "under occupation by")
    if sov is True and not part_of and not occupied:
        return "independent"
    parts = {True: ["sovereign state"], "possible": ["possibly sovereign"]}.get(sov, [])
    parts += [p for p in (part_of, occupied) if p]
    if not parts:
        ctl = part("controlled_by", "controlled by")
        return f"not sovereign, {ctl}" if ctl else "not sovereign"
    return ", ".join(parts)


def status(kb: KnowledgeBase, actor: str, on: date) -> Json:
    """The ``status`` answer: see :meth:`foedus.query.KnowledgeBase.status`."""
    a = kb.resolver.actor(actor)
    t = query_point(on)
    # every status row of the actor (not only those at ``t``): what held just before orders
    # the values that possibly hold at ``t``
    rows = rows_about(kb, a.id, own=True, fluents=STATUS_FLUENTS)
    st, used = status_at(kb, a.id, t, rows)
    acts = unless_acts(kb, a.id, rows, t)
    # every event and instrument the explanation names, each read in one batch
    kb.events_by_id([*(i for r in used for i in (r.initiated_by, r.terminated_by) if i), *acts])
    kb.instruments_by_id(
        provenance_instruments(i for r in rows for i in (r.initiated_by, r.terminated_by))
    )
    premises = [row_node(kb, r, used, rows) for r in used]
    premises.extend(unless_nodes(kb, a.id, rows, t, acts))
    expl = node(
        f"{a.name} on {on.isoformat()} under the {kb.perspective} perspective: {st['label']}",
        rule=f"perspective {kb.perspective}",
        certainty=st["certainty"],
        premises=premises,
    )
    return {
        "actor": kb.render.ref(a.id),
        "on": on.isoformat(),
        "perspective": kb.perspective,
        "status": st,
        "summary": status_summary(kb, a.id, on, st, used, acts, rows),
        "explanation": expl,
    }


def unless_acts(kb: KnowledgeBase, actor_id: str, rows: list[Row], t: int) -> dict[str, list[Json]]:
    """The annexations and incorporations of the actor that breached a norm binding their
    author towards it, dated within the sovereignty that holds at ``t`` (before ``t``), with
    their breach rows: by event id, in the order of the ids."""
    sov = [r for r in rows if r.fluent == SOVEREIGN and r.args == (actor_id,) and r.holds_at(t)]
    if not sov:
        return {}
    out: dict[str, list[Json]] = {}
    for row, earliest in breach_rows(kb, actor_id, event_types=UNLESS_ACTS):
        if earliest is not None and sov[0].start <= event_point(earliest) < t:
            out.setdefault(row["event_id"], []).append(row)
    return out


def unless_nodes(
    kb: KnowledgeBase,
    actor_id: str,
    rows: list[Row],
    t: int,
    acts: dict[str, list[Json]] | None = None,
) -> list[Explanation]:
    """Acts against the actor that, in this perspective, did not end its sovereignty because
    they breached a norm binding their author towards it (the non-recognition argument);
    ``acts``: :func:`unless_acts`, if already read."""
    if acts is None:
        acts = unless_acts(kb, actor_id, rows, t)
    events = kb.events_by_id(acts)
    out: list[Explanation] = []
    for ev_id, breached in acts.items():
        ev = events[ev_id]
        clauses = [
            clause_node(kb, x["instrument"], x["clause"], f"breaches {_named(kb, x['instrument'])}")
            for x in breached
        ]
        # an act whose date has not surely passed at ``t`` may not have happened yet then
        pending = event_point(ev.date.latest) >= t
        out.append(
            node(
                f"{event_words(ev)}"
                + (", which may not have happened yet then," if pending else "")
                + " did not end sovereignty"
                + (" if it had" if pending else "")
                + f": it breached norms binding its author towards {name_of(kb, actor_id)}",
                premises=[p for p in [event_node(kb, ev.id)] if p] + clauses,
            )
        )
    return out


def _named(kb: KnowledgeBase, ident: str) -> str:
    """An actor's or an instrument's name for its id (other values as they are)."""
    ref = kb.render.ref(ident)
    if ref is not None and ref["name"] != ident:
        return str(ref["name"])
    # the name only: an instrument's record is not made (a Parquet corpus reads it alone)
    return str(kb.render.instrument_ref(ident)["name"])  # type: ignore[index]


def fluent_text(kb: KnowledgeBase, r: Row) -> str:
    """A fluent row with names for ids: ``controlled_by(Lithuania) = Soviet Union``."""
    args = ", ".join(_named(kb, x) for x in r.args)
    return f"{r.fluent}({args})" + ("" if r.value == "true" else f" = {_named(kb, r.value)}")


#: The fluents the rules derive only to derive others (a pair bound by an instrument, an actor
#: protected against a type of act): ``holds`` shows them only when asked (``--all``).
INTERNAL_FLUENTS = ("binds", "protected", "displaced_by")


def _peers(kb: KnowledgeBase, rows: list[Row], r: Row) -> list[Row]:
    """The rows a derived row may rest on: those of its arguments, then those of some of
    them whose fluent its rule reads (``party_while_sovereign: party_to(X, T) holds for
    joined(X, T) and sovereign(X)`` ends with the annexation that ended ``sovereign(X)``)."""
    same = [q for q in rows if q.args == r.args]
    text = kb.rule_text(r.rule) or ""
    body = text.split(" holds for ", 1)[1] if " holds for " in text else ""
    read = set(re.findall(r"([a-z_][a-z0-9_]*)\(", body))
    return same + [
        q for q in rows if q.args != r.args and q.fluent in read and set(q.args) <= set(r.args)
    ]


def _near(every_row: list[Row], r: Row, here: list[Row]) -> list[Row]:
    """The neighbours (:func:`~foedus.query.nodes.neighbours`) of ``r`` and of the possible
    rows of its arguments that hold with it (``here``), among ``every_row`` of the actor."""
    if not every_row:
        return []
    mine = [r, *(q for q in here if q.args == r.args and q.fluent != r.fluent)]
    return [n for q in mine if q.certainty == "possible" for n in neighbours(every_row, q)]


def holds(kb: KnowledgeBase, actor: str, on: date, every: bool = False) -> Json:
    """The ``holds`` answer: every fluent row about the actor that holds on ``on``; the
    internal fluents (:data:`INTERNAL_FLUENTS`) only with ``every``."""
    a = kb.resolver.actor(actor)
    t = query_point(on)
    out = []
    rows = [r for r in rows_about(kb, a.id, at=t) if every or r.fluent not in INTERNAL_FLUENTS]
    # a possible row is dated by what ended or started its neighbours (nodes.neighbours):
    # every row of the actor is read only then
    near = rows_about(kb, a.id) if any(r.certainty == "possible" for r in rows) else []
    kb.events_by_id([i for r in rows for i in (r.initiated_by, r.terminated_by) if i])
    # the instruments the rows' dates are read from (nodes.row_bounds), in one batch
    kb.instruments_by_id(
        provenance_instruments(i for r in [*rows, *near] for i in (r.initiated_by, r.terminated_by))
    )
    for r in rows:
        peers = _peers(kb, rows, r) + _near(near, r, rows)
        # a Date's text is the date as the source gives it (as ``when`` says it), not the
        # day the engine derived from it: "mid-June 1940", not "1940-06-20"; the bounds as
        # a timeline period's (span_words): an end a dated record made is that record's date
        # ("by 1 May 1932", "30 June 1933"), whatever its form
        began, ended = row_bounds(kb, r, peers)
        first, last = day_json(start_day(r.start)), day_json(last_day(r.end))
        if first is not None and began is not None:
            first["text"] = began.text
        if last is not None:
            last["text"] = end_text(ended, last["text"])
        out.append(
            {
                "fluent": r.fluent,
                "args": list(r.args),
                "value": r.value,
                "text": fluent_text(kb, r),
                "from": first,
                "to": last,
                "when": row_span(kb, r, peers),
                "certainty": r.certainty,
                "rule": r.rule,
            }
        )
    return {
        "actor": kb.render.ref(a.id),
        "on": on.isoformat(),
        "perspective": kb.perspective,
        "fluents": out,
    }


def periods(kb: KnowledgeBase, actor_id: str, perspective: str | None = None) -> list[Json]:
    """Maximal periods of constant status (and certainty) of an actor, each with ``_start``
    and ``_end`` (its time points) beside the contract's keys."""
    rows = rows_about(kb, actor_id, perspective, own=True, fluents=STATUS_FLUENTS)
    points = sorted({r.start for r in rows} | {r.end for r in rows if r.end is not None})
    out: list[Json] = []
    for i, p in enumerate(points):
        nxt = points[i + 1] if i + 1 < len(points) else None
        st, used = status_at(kb, actor_id, p, rows)
        key = {
            k: st[k]
            for k in ("sovereign", "controlled_by", "occupied_by", "part_of", "label", "certainty")
        }
        if is_sovereign(st) is False and not any(st[f] for f in STATUS_FLUENTS[1:]):
            key = {}
        if out and out[-1]["_key"] == key:
            out[-1]["to"] = day_json(last_day(nxt))
            out[-1]["_end"] = nxt
            out[-1]["rules"] = sorted(set(out[-1]["rules"]) | {r.rule for r in used if r.rule})
            continue
        out.append(
            {
                "_key": key,
                "_start": p,
                "_end": nxt,
                "from": day_json(start_day(p)),
                "to": day_json(last_day(nxt)),
                **key,
                "rules": sorted({r.rule for r in used if r.rule}),
            }
        )
    result = []
    for per in out:
        if not per["_key"]:
            continue
        per.pop("_key")
        result.append(per)
    return result


def timeline(kb: KnowledgeBase, actor: str) -> Json:
    """The ``timeline`` answer: the actor's status periods and the events it took part in."""
    a = kb.resolver.actor(actor)
    pers = periods(kb, a.id)
    rows = rows_about(kb, a.id, kb.perspective, own=True, fluents=STATUS_FLUENTS)
    for p in pers:
        p.pop("_start")
        p.pop("_end")
        said(p, span_words(kb, rows, p["from"], p["to"]))
    ids = event_ids(kb, involving=a.id)  # by it or to it, in the order of their dates
    found = kb.events_by_id(ids)
    evs = [kb.render.event(found[i]) for i in ids]
    return {
        "actor": kb.render.ref(a.id),
        "perspective": kb.perspective,
        "periods": pers,
        "events": evs,
    }


def said_at(kb: KnowledgeBase, rows: list[Row], t: int) -> str | None:
    """Where rows change at time point ``t`` (a period's first day, or the day after its last):
    the date, as the source gives it ("1918", "mid-June 1940"), of a record that started or
    ended one of ``rows`` there, or None."""
    found = said_dated_at(kb, rows, t)
    return found.text if found is not None else None


def said_dated_at(kb: KnowledgeBase, rows: list[Row], t: int) -> FuzzyDate | None:
    """:func:`said_at`'s date itself."""
    idents = [r.initiated_by for r in rows if r.start == t]
    idents += [r.terminated_by for r in rows if r.end == t]
    # of the records that date the change, one whose date holds the day before one that has
    # just passed on it, and then the one the source dates most narrowly: Tarn's control is
    # its own again from its restoration "4 August 1939" in one scenario and from the troops'
    # withdrawal in the "late 1930s" in the other (tests/rules/test_control_after_withdrawal.py),
    # and the change on 4 August 1939 is the restoration's
    day = start_day(t)
    found = min(
        (d for i in dict.fromkeys(idents) if (d := source_dated(kb, [i], day))),
        key=lambda d: (not d.earliest <= day <= d.latest, d.latest - d.earliest),
        default=None,
    )
    if found is None and any(r.end == t for r in rows):
        # ended by a record the rows' provenance does not name (nodes.ending_records)
        found = source_dated(kb, ending_records(kb, rows, t), day)
    return found


def span_words(kb: KnowledgeBase, rows: list[Row], first: Json, last: Json | None) -> list[str]:
    """A period's bounds (``from``, ``to``: ISO days as JSON dates, ``to`` None when open) in
    the source's words where a dated record that started or ended one of ``rows`` gives them
    (issue 17, point 5), else the days the engine derived; ``"…"`` for an open end."""
    start = date.fromisoformat(first["earliest"]).toordinal()
    began = said_at(kb, rows, start) or first["earliest"]
    if last is None:
        return [began, "…"]
    end = date.fromisoformat(last["latest"]).toordinal() + 1
    # the record that ended a row dates the day after the period: its date as the source
    # gives it says when the period ended, whatever its form ("mid-June 1940", "by 1 May
    # 1932", "30 June 1933": the period runs to that record, its last day the day before);
    # a date written as an ISO day would read as the last day (nodes.end_text)
    ended = said_dated_at(kb, rows, end)
    return [began, end_text(ended, last["latest"])]


def said(period: Json, words: list[str]) -> None:
    """Gives a period's (or a range's) ``from`` and ``to`` dates the texts ``words`` of
    :func:`span_words`: the dates as the source gives them, where it does."""
    period["from"]["text"] = words[0]
    if period["to"] is not None:
        period["to"]["text"] = words[1]


def in_words(period: Json) -> list[str]:
    """A period's bounds as its dates' texts give them; ``"…"`` for an open end."""
    return [period["from"]["text"], period["to"]["text"] if period["to"] else "…"]


def periods_in_words(kb: KnowledgeBase, answer: Json) -> list[list[str]]:
    """The bounds of each period of a ``timeline`` answer in the source's words
    (:func:`span_words`, given as its dates' texts), in the order of its periods: what
    ``foedus timeline`` shows."""
    return [in_words(p) for p in answer["periods"]]
