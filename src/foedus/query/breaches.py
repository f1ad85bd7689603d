"""The ``breaches`` answer: events that fell within what a clause binding their author towards
their target forbids, each with its explanation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from foedus.norms.explain import Explanation, node
from foedus.query.common import breach_rows, name_of
from foedus.query.nodes import (
    clause_node,
    event_node,
    event_words,
    instrument_node,
    justification_node,
    part_of_nodes,
)
from foedus.query.records import date_json
from foedus.rules.library.vocabulary import CONSENTED
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase


def breaches(
    kb: KnowledgeBase,
    by: str | None = None,
    against: str | None = None,
    treaty: str | None = None,
    from_: date | None = None,
    to: date | None = None,
    *,
    event: str | None = None,
) -> Json:
    """``{"perspective", "breaches"}``: see :meth:`foedus.query.KnowledgeBase.breaches`;
    ``event``: only the breaches by this event (an id)."""
    by_id = kb.resolver.actor(by).id if by else None
    against_id = kb.resolver.actor(against).id if against else None
    treaty_id = kb.resolver.instrument(treaty).id if treaty else None
    grouped: dict[tuple[str, str, str], list[Json]] = {}
    rows = [r for r, _ in breach_rows(kb, against_id, by=by_id, treaty=treaty_id, event=event)]
    events = kb.events_by_id([b["event_id"] for b in rows])
    kb.instruments_by_id([b["instrument"] for b in rows])  # made together (breach_json)
    for b in rows:
        ev = events[b["event_id"]]
        if from_ and ev.date.latest < from_:
            continue
        if to and ev.date.earliest > to:
            continue
        grouped.setdefault((b["event_id"], b["instrument"], b["clause"]), []).append(b)
    out = []
    # the order of ``events``: by date (earliest, then latest day), then event
    for (event_id, ins_id, clause_id), found in sorted(
        grouped.items(),
        key=lambda kv: (events[kv[0][0]].date.earliest, events[kv[0][0]].date.latest, kv[0]),
    ):
        out.append(breach_json(kb, event_id, ins_id, clause_id, found))
    return {"perspective": kb.perspective, "breaches": out}


def breach_json(
    kb: KnowledgeBase, event_id: str, ins_id: str, clause_id: str, rows: list[Json]
) -> Json:
    """One breach (an event, an instrument, a clause) from its rows, explained."""
    ev = kb.event(event_id)
    ins = kb.instrument(ins_id)
    clause = next(c for c in ins.clauses if c.id == clause_id)
    # the rows in one order, whatever order the database read them in
    rows = sorted(rows, key=lambda r: (r["actor"], r["beneficiary"], r["via"] or "", r["target"]))
    certainty = "certain" if any(r["certainty"] == "certain" for r in rows) else "possible"
    against = sorted({r["beneficiary"] for r in rows})
    norm = clause.norm
    kind = norm.kind if norm else "clause"
    cats = ", ".join(norm.categories) if norm else ""
    premises: list[Explanation | None] = [event_node(kb, ev.id, "the act: ")]
    # "on 20 June 1940", but "in mid-June 1940": a fuzzy date is no one day
    when = f"{'on' if ev.date.earliest == ev.date.latest else 'in'} {ev.date.text}"
    for r in rows:
        via = (
            f" ({name_of(kb, r['target'])} being part of {name_of(kb, r['beneficiary'])})"
            if r["via"]
            else ""
        )
        premises.append(
            node(
                f"{ins.name} bound {name_of(kb, r['actor'])} towards "
                f"{name_of(kb, r['beneficiary'])} {when}{via}",
                rule="binds(T, X, Y) = party_to(X, T) ∩ party_to(Y, T) ∩ in_force(T)",
                certainty=r["certainty"],
                premises=[
                    instrument_node(kb, ins_id),
                    *part_of_nodes(kb, ev, r["via"], r["beneficiary"]),
                ],
            )
        )
    premises.append(
        clause_node(
            kb,
            ins_id,
            clause_id,
            f"the clause's {kind} covers acts of type {ev.type} (categories: {cats})",
        )
    )
    consent = _no_consent_node(kb, ev, rows)
    if consent is not None:
        premises.append(consent)
    if ev.justification:
        premises.append(justification_node(kb, ev))
    verb = "possibly breached" if certainty == "possible" else "breached"
    expl = node(
        f"{event_words(ev)} {verb} {ins.name}, clause {clause_id}",
        rule=f"{kind}: an act of a forbidden category by a bound party towards a "
        "party it is bound towards",
        certainty=certainty,
        premises=[p for p in premises if p],
        # a what-if: the act, or the instrument it breaches, is an overlay's assumption
        hypothetical=ev.hypothetical or ins.hypothetical,
    )
    instrument = kb.render.instrument(ins)
    return {
        "event": kb.render.event(ev),
        "treaty": instrument,
        "clause": next(c for c in instrument["clauses"] if c["id"] == clause_id),
        "against": [kb.render.ref(x) for x in against],
        "certainty": certainty,
        "explanation": expl,
    }


def _no_consent_node(kb: KnowledgeBase, ev: Any, rows: list[Json]) -> Explanation | None:
    """Why a perspective whose rules read some acts as consented to (fluent ``consented``,
    which breach detection honours) still counts this one: none of its consent rules gave
    the victim's consent to an act of this type by this actor. None when the perspective has
    no such rules."""
    labels = [
        r.label
        for r in kb.rule_book.rules(kb, kb.perspective)
        if r.fluent == CONSENTED and r.kind != "terminated"
    ]
    if not labels:
        return None
    actors = ", ".join(sorted({name_of(kb, r["actor"]) for r in rows}))
    victims = ", ".join(sorted({name_of(kb, r["beneficiary"]) for r in rows}))
    return node(
        f"no consent: under the {kb.perspective} perspective's rules {victims} did not "
        f"consent to this {ev.type} by {actors} (its rules read consent only where "
        f"{', '.join(labels)} give it)",
        rule="an act the victim consented to breaches nothing (consented(X, Y, E))",
        certainty="certain",
    )


def breach_summaries(kb: KnowledgeBase, perspective: str | None = None) -> list[Json]:
    """Every breach of a perspective, one per (event, instrument, clause), without the
    explanation: its event, treaty, clause, author, victims, date and certainty; sorted by
    date."""
    grouped: dict[tuple[str, str, str], Json] = {}
    rows = [r for r, _ in breach_rows(kb, perspective=perspective)]
    events = kb.events_by_id([b["event_id"] for b in rows])
    for b in rows:
        key = (b["event_id"], b["instrument"], b["clause"])
        row = grouped.setdefault(
            key,
            {
                "event": b["event_id"],
                "treaty": b["instrument"],
                "clause": b["clause"],
                "by": kb.render.ref(b["actor"]),
                "against": [],
                "date": date_json(events[b["event_id"]].date),
                "certainty": "possible",
            },
        )
        if b["beneficiary"] not in {a["id"] for a in row["against"]}:
            row["against"].append(kb.render.ref(b["beneficiary"]))
        if b["certainty"] == "certain":
            row["certainty"] = "certain"
    return sorted(
        grouped.values(),
        key=lambda r: (
            r["date"]["earliest"],
            r["date"]["latest"],
            r["event"],
            r["treaty"],
            r["clause"],
        ),
    )
