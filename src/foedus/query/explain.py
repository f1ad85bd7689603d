"""The ``explain`` answer: the explanation tree of a status, a breach or an aggressor answer."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from foedus.errors import UserError
from foedus.model import Event, Instrument
from foedus.norms.explain import node
from foedus.query.aggressor import aggressor
from foedus.query.breaches import breaches
from foedus.query.common import name_of
from foedus.query.nodes import event_words
from foedus.query.status import status
from foedus.query.summaries import tree_summary
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


def _why_not(kb: KnowledgeBase, ev: Event, ins: Instrument) -> str:
    """Why an act breached no clause of an instrument, where the records say it: its author
    was never a party, or the instrument had ended before the act (its ``ended``, or the
    denunciation of a bilateral one); else the empty string."""
    parties = {p.actor for p in ins.parties}
    outside = [a for a in ev.actors if a not in parties]
    if ev.actors and len(outside) == len(ev.actors):
        return f": {name_of(kb, outside[0])} was never a party to it"
    ended = kb.render.instrument(ins)["ended"]
    if ended is not None and ended["latest"] < ev.date.earliest.isoformat():
        return f": it had ended ({ended['text']}) before the act ({ev.date.text})"
    return ""


def explain(kb: KnowledgeBase, what: str, args: list[str], on: date | None) -> Json:
    """``{"summary": Summary, "explanation": Explanation}``: see
    :meth:`foedus.query.KnowledgeBase.explain`."""
    if what == "status" and len(args) == 1 and on is not None:
        st = status(kb, args[0], on)
        return {"summary": st["summary"], "explanation": st["explanation"]}
    if what == "aggressor" and len(args) == 2:
        tree = aggressor(kb, args[0], args[1])["explanation"]
        return {"summary": tree_summary(tree), "explanation": tree}
    if what == "breach" and 1 <= len(args) <= 2:
        ev = kb.resolver.event(args[0])
        found = breaches(kb, event=ev.id)["breaches"]
        if len(args) == 2:
            ins = kb.resolver.instrument(args[1])
            found = [b for b in found if b["treaty"]["id"] == ins.id]
        if not found:
            of = f" of {ins.name}" if len(args) == 2 else ""
            why = _why_not(kb, ev, ins) if len(args) == 2 else ""
            raise UserError(
                f"{ev.id} breached no clause{of} under the {kb.perspective} perspective{why} "
                "(foedus breaches --by ACTOR lists the acts that did)",
                param="args",
                problem="no_answer",
            )
        if len(found) == 1:
            tree = found[0]["explanation"]
            return {
                "summary": tree_summary(tree, found[0]["treaty"]["name"]),
                "explanation": tree,
            }
        names = list(dict.fromkeys(b["treaty"]["name"] for b in found))
        maybe = sum(b["certainty"] == "possible" for b in found)
        verb = "possibly breached" if maybe == len(found) else "breached"
        some = f" ({maybe} possibly)" if 0 < maybe < len(found) else ""
        tree = node(
            f"{event_words(ev)} {verb} {len(found)} clauses{some}",
            premises=[b["explanation"] for b in found],
        )
        text = f"{event_words(ev)} {verb} {len(found)} clauses{some} of {', '.join(names)}."
        return {
            "summary": {"text": text, "quote": tree_summary(tree, names[0])["quote"]},
            "explanation": tree,
        }
    raise UserError(
        f"explain: expected 'status A --on DAY', 'breach EVENT [TREATY]' or "
        f"'aggressor A B', got {' '.join([what, *args])!r}",
        param="what",
        problem="no_answer",
    )
