"""The ``compare`` answer: where two perspectives give an actor different statuses, and the
rules that make them differ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus.engine.timepoints import last_day, start_day
from foedus.model import Event
from foedus.query.common import Row, day_json, own_rows
from foedus.query.nodes import event_words
from foedus.query.rules import rule_texts, terminating_rules
from foedus.query.status import in_words, is_sovereign, said, span_words, status_at
from foedus.rules.library.vocabulary import SOVEREIGN, STATUS
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase

CORE = STATUS


def why_sovereignty_differs(
    kb: KnowledgeBase, aid: str, t: int, rows: dict[str, list[Row]], status: dict[str, Json]
) -> dict[str, Json]:
    """Where some perspectives hold the actor sovereign at ``t`` and others do not: the
    (latest) event that ended sovereignty in the latter, and the rules of each perspective
    that read that event. Where that event ended sovereignty in a view that holds the actor
    sovereign again at ``t`` (a restoration of independence that the other view does not
    read as one), it ended it there too, and the event that restored it is the difference:
    :func:`_restored`."""
    sides = list(rows)
    lost = [s for s in sides if is_sovereign(status[s]) is not True]
    kept = [s for s in sides if is_sovereign(status[s]) is True]
    if not lost or not kept:
        return {}
    ended = [
        r
        for side in lost
        for r in rows[side]
        if r.fluent == SOVEREIGN
        and r.end is not None
        and r.end <= t + 1
        and r.terminated_by is not None
        and kb.event_record(r.terminated_by) is not None
    ]
    if not ended:
        return {}
    ev = kb.event(max(ended, key=lambda r: r.end or 0).terminated_by or "")
    restored = _restored(kb, aid, t, ev.id, {s: rows[s] for s in kept})
    out: dict[str, Json] = {}
    for side in sides:
        labels = terminating_rules(kb, side, SOVEREIGN, ev.type)
        again = restored.get(side) if side in kept else next(iter(restored.values()), None)
        if again is not None:
            out[side] = _restoration_words(kb, side, side in kept, ev, labels, again)
            continue
        verb = "ended sovereignty" if side in lost else "did not end sovereignty"
        out[side] = {
            "rules": labels,
            "text": f"{event_words(ev)} {verb}"
            + (
                f" by rule {', '.join(labels)}"
                if side in lost and labels
                else f": the condition of {', '.join(labels)} failed"
                if labels
                else ": no rule of this view ends it"
            ),
        }
    return out


def _restored(
    kb: KnowledgeBase, aid: str, t: int, ended_by: str, kept: dict[str, list[Row]]
) -> dict[str, Event]:
    """``{view: event}``: of the views that hold the actor sovereign at ``t`` (``kept``),
    those where ``ended_by`` ended its sovereignty too, and the event that made it sovereign
    again there."""
    out: dict[str, Event] = {}
    for side, side_rows in kept.items():
        sov = [r for r in side_rows if r.fluent == SOVEREIGN and r.args == (aid,)]
        gone = [r.end for r in sov if r.terminated_by == ended_by and r.end is not None]
        now = [r for r in sov if r.holds_at(t) and r.initiated_by]
        if gone and now and now[0].start >= min(gone):
            again = kb.event_record(now[0].initiated_by or "")
            if again is not None:
                out[side] = again
    return out


def _restoration_words(
    kb: KnowledgeBase, side: str, kept: bool, ev: Event, labels: list[str], again: Event
) -> Json:
    """Why a view does (``kept``) or does not hold the actor sovereign again after ``ev``
    ended its sovereignty in it (by rules ``labels``): the event ``again`` that restored it in
    some view, and the rules of this view that read that event."""
    starts = terminating_rules(kb, side, SOVEREIGN, again.type, kind="initiated")
    ended = f"{event_words(ev)} ended sovereignty" + (
        f" by rule {', '.join(labels)}" if labels else ""
    )
    if kept:
        restored = f"{event_words(again)} restored it" + (
            f" by rule {', '.join(starts)}" if starts else ""
        )
    else:
        restored = f"{event_words(again)} did not restore it" + (
            f": the condition of {', '.join(starts)} failed"
            if starts
            else ": no rule of this view restores it"
        )
    return {
        "rules": [*labels, *(x for x in starts if x not in labels)],
        "text": f"{ended}; {restored}",
    }


def compare(kb: KnowledgeBase, p: str, q: str, actor: str | None = None) -> Json:
    """Every actor and date range where perspectives ``p`` and ``q`` (ids) give different
    statuses."""
    ids = (
        [kb.resolver.actor(actor).id]
        if actor
        else [a.id for a in kb.corpus.actors if a.kind == "state"]
    )
    diffs = []
    all_p, all_q = own_rows(kb, ids, p), own_rows(kb, ids, q)
    for aid in ids:
        rows_p, rows_q = all_p[aid], all_q[aid]
        points = sorted(
            {r.start for r in rows_p + rows_q}
            | {r.end for r in rows_p + rows_q if r.end is not None}
        )
        current: Json | None = None
        for i, t in enumerate(points):
            nxt = points[i + 1] if i + 1 < len(points) else None
            sp, used_p = status_at(kb, aid, t, rows_p)
            sq, used_q = status_at(kb, aid, t, rows_q)
            if all(sp[k] == sq[k] for k in CORE):
                current = None
                continue
            key = (sp["label"], sq["label"])
            if current is not None and current["_key"] == key:
                current["to"] = day_json(last_day(nxt))
                continue
            rules_p = sorted({r.rule for r in used_p if r.rule} - {r.rule for r in used_q})
            rules_q = sorted({r.rule for r in used_q if r.rule} - {r.rule for r in used_p})
            because = why_sovereignty_differs(kb, aid, t, {p: rows_p, q: rows_q}, {p: sp, q: sq})
            for side, labels in ((p, rules_p), (q, rules_q)):
                labels.extend(
                    lbl for lbl in because.get(side, {}).get("rules", []) if lbl not in labels
                )
            texts = {**rule_texts(kb, p), **rule_texts(kb, q)}
            current = {
                "_key": key,
                "actor": kb.render.ref(aid),
                "from": day_json(start_day(t)),
                "to": day_json(last_day(nxt)),
                "status": {p: sp, q: sq},
                "rules": {p: rules_p, q: rules_q},
                "because": {side: b["text"] for side, b in because.items()},
                "rule_text": {lbl: texts.get(lbl, lbl) for lbl in rules_p + rules_q},
            }
            diffs.append(current)
    for d in diffs:
        d.pop("_key")
        aid = d["actor"]["id"]
        said(d, span_words(kb, all_p[aid] + all_q[aid], d["from"], d["to"]))
    return {"perspectives": [p, q], "differences": diffs}


def differences_in_words(kb: KnowledgeBase, answer: Json) -> list[list[str]]:
    """The bounds of each range of a ``compare`` answer as its dates' texts give them (the
    source's words where a dated record that started or ended a status row of either
    perspective gives them: :func:`foedus.query.status.span_words`), in the order of its
    differences: what ``foedus compare`` shows."""
    return [in_words(d) for d in answer["differences"]]
