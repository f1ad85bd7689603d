"""The premises of explanations: an event, an instrument, a clause (with its verbatim text), a
fluent row (with its rule's text), a claimed justification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foedus.engine.timepoints import last_day, start_day
from foedus.model import Event
from foedus.norms.explain import Explanation, node
from foedus.query.common import Row, name_of

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


def event_node(kb: KnowledgeBase, ident: str | None, what: str = "") -> Explanation | None:
    """The premise for a provenance id: a corpus event, an instrument, a party or an actor."""
    if ident is None:
        return None
    c = kb.corpus

    def hyp(kind: str, i: str) -> bool:
        return (kind, i) in c.hypothetical_ids

    ev = kb.event_record(ident)
    if ev is not None:
        return node(
            f"{what}{ev.summary} ({ev.date.text}) [event {ev.id}]",
            sources=kb.render.quotes(ev.sources),
            hypothetical=ev.hypothetical or hyp("event", ev.id),
        )
    kind, _, rest = ident.partition(":")
    if kind == "actor":
        a = next((a for a in c.actors if a.id == rest), None)
        if a is not None:
            since = f" from {a.existed_from.text}" if a.existed_from else ""
            return node(
                f"{what}{a.name} exists{since} [actor {a.id}]", sources=kb.render.quotes(a.sources)
            )
    if kind == "instrument" and kb.instrument_record(rest) is not None:
        return instrument_node(kb, rest, what)
    if kind == "party":
        ins_id, actor_id, how = (rest.split(":") + ["", "", ""])[:3]
        ins = kb.instrument_record(ins_id)
        if ins is not None:
            for p in ins.parties:
                if p.actor == actor_id and p.how == how:
                    return node(
                        f"{what}{name_of(kb, actor_id)} joined {ins.name} by {how} ({p.date.text})",
                        sources=kb.render.quotes(p.sources or ins.sources),
                        hypothetical=hyp("instrument", ins.id),
                    )
    return node(f"{what}{ident}")


def instrument_node(kb: KnowledgeBase, ins_id: str, what: str = "") -> Explanation:
    """The premise for an instrument: its name and signature, with its quotes."""
    ins = kb.instrument(ins_id)
    signed = f", signed {ins.signed.text}" if ins.signed else ""
    return node(
        f"{what}{ins.name}{signed} [instrument {ins.id}]",
        sources=kb.render.quotes(ins.sources),
        hypothetical=(("instrument", ins.id) in kb.corpus.hypothetical_ids),
    )


def clause_node(kb: KnowledgeBase, ins_id: str, clause_id: str, conclusion: str) -> Explanation:
    """``conclusion``, resting on a clause: its article, its norm and its verbatim text."""
    ins = kb.instrument(ins_id)
    clause = next(c for c in ins.clauses if c.id == clause_id)
    # an overlay's clause carries its own text, assumed like its instrument: no source has it
    assumed = ins.hypothetical or ("instrument", ins.id) in kb.corpus.hypothetical_ids
    src = None if assumed else (clause.source or kb.corpus.default_source or "")
    kind = clause.norm.kind if clause.norm else "clause"
    art = f"Article {clause.article} " if clause.article else ""
    return node(
        conclusion,
        rule=f"{ins.name}, {art}clause {clause.id} ({kind})",
        sources=[{"source": src, "quote": " ".join(clause.text.split())}],
        premises=[instrument_node(kb, ins_id)],
        hypothetical=assumed,
    )


def row_node(kb: KnowledgeBase, row: Row) -> Explanation:
    """Why a fluent row holds: its rule and the events that started and ended it."""
    args = ", ".join(row.args)
    value = "" if row.value == "true" else f" = {row.value}"
    until = last_day(row.end)
    span = f"from {start_day(row.start)}" + (f" to {until}" if until else "")
    premises = [
        p
        for p in (
            event_node(kb, row.initiated_by, "started by: "),
            event_node(kb, row.terminated_by, "ended by: "),
        )
        if p
    ]
    return node(
        f"{row.fluent}({args}){value} holds {span}",
        rule=kb.rule_text(row.rule),
        certainty=row.certainty,
        premises=premises,
    )


def justification_node(kb: KnowledgeBase, ev: Event) -> Explanation:
    """A claimed justification, shown as rejected by the no-justification clauses; where the
    corpus holds none, shown as claimed, neither accepted nor rejected."""
    rejecting = [
        (ins.id, c.id)
        for ins in kb.corpus.instruments
        for c in ins.clauses
        if c.norm is not None and c.norm.kind == "no_justification"
    ]
    if not rejecting:
        return node(
            f"claimed justification: {ev.justification} (no clause of the corpus rejects or "
            "accepts it; it does not change who was first)"
        )
    return node(
        f"claimed justification rejected: {ev.justification}",
        rule="no political, military, economic or other considerations may serve as an "
        "excuse or justification (no-justification clause)",
        premises=[clause_node(kb, i, c, "the no-justification clause") for i, c in rejecting],
    )
