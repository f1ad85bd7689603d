"""The ``aggressor`` answer: the first to commit one of the acts a definition clause of the
corpus lists (in the bundled corpus, Article II of the 1933 Convention for the Definition of
Aggression; the verdict is :mod:`foedus.norms.aggression`'s), explained. The wording names the
corpus's own instrument and article (:func:`wording`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from foedus.engine.timepoints import event_point
from foedus.errors import UserError
from foedus.norms import aggression
from foedus.norms.explain import Explanation, node
from foedus.query.common import name_of
from foedus.query.nodes import clause_node, event_node, justification_node, part_of_nodes
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.query.base import KnowledgeBase

NO_DEFINITION = (
    "first to have committed an act of aggression, which no clause of the corpus defines"
)


def wording(kb: KnowledgeBase) -> tuple[str, str]:
    """``(rule, article)``: the first-to-commit rule and the article it reads, named from the
    corpus's first definition clause, ``("first to have committed one of the acts listed in
    Article II of the 1933 Convention", "Article II")`` in the bundled corpus; where no clause
    defines aggression, :data:`NO_DEFINITION` and ``"a definition clause"``."""
    _, clauses = aggression.defined_acts(kb.corpus)
    if not clauses:
        return NO_DEFINITION, "a definition clause"
    ins_id, clause_id = clauses[0]
    ins = kb.instrument(ins_id)
    clause = next(c for c in ins.clauses if c.id == clause_id)
    article = clause.article_label or clause.id
    title = f"the {ins.signed.earliest.year} {ins.kind.capitalize()}" if ins.signed else ins.name
    return f"first to have committed one of the acts listed in {article} of {title}", article


def listed_item_nodes(
    kb: KnowledgeBase, definitions: list[tuple[str, str]], event_type: str
) -> list[Explanation]:
    """Why an act of ``event_type`` is one the definition clauses list: the clause of the
    same instrument and article that names it, an item of the list ("Second—invasion by armed
    forces of the territory of another State even without a declaration of war.": a clause
    of Article II whose norm concerns the category of invasions), with its words; of several,
    the one naming the fewest categories (the item, not a clause about all five acts). None
    where no such clause names the act (a definition clause that lists its acts in its own
    words)."""
    types_of = {c.id: set(c.event_types) for c in kb.corpus.categories}
    out = []
    for ins_id, clause_id in definitions:
        ins = kb.instrument(ins_id)
        definition = next(c for c in ins.clauses if c.id == clause_id)
        items = [
            c
            for c in ins.clauses
            if c.id != clause_id
            and c.article == definition.article
            and c.norm is not None
            and c.norm.kind not in ("definition", "no_justification")
            and any(event_type in types_of.get(cat, ()) for cat in c.norm.categories)
        ]
        if not items:
            continue
        item = min(items, key=lambda c: len(c.norm.categories) if c.norm else 0)
        label = definition.article_label or definition.id
        out.append(
            clause_node(
                kb,
                ins_id,
                item.id,
                f"{event_type.replace('_', ' ')} is one of the acts listed in {label}",
            )
        )
    return out


def aggressor(
    kb: KnowledgeBase, a: str, b: str, from_: date | None = None, to: date | None = None
) -> Json:
    """See :meth:`foedus.query.KnowledgeBase.aggressor`."""
    x, y = kb.resolver.actor(a).id, kb.resolver.actor(b).id
    if x == y:
        raise UserError(
            f"aggressor: {a!r} and {b!r} are the same actor ({x}); name two actors",
            param="b",
            problem="same_actor",
        )
    v = aggression.decide(
        kb.cursor(),
        kb.corpus,
        x,
        y,
        event_point(from_) if from_ else None,
        event_point(to) if to else None,
        kb.perspective,
    )
    acts, _ = aggression.defined_acts(kb.corpus)
    rule, article = wording(kb)
    defs = [
        clause_node(
            kb, i, c, f"{article}: the first to commit one of the listed acts is the aggressor"
        )
        for i, c in v.definition_clauses
    ]
    names = {k: name_of(kb, k) for k in (x, y)}
    other_side = {x: y, y: x}
    if v.act is None:
        expl = node(
            f"no act listed in {article} between {names[x]} and {names[y]} in the period",
            rule=rule,
            premises=defs,
        )
        return {
            "aggressor": None,
            "act": None,
            "category": None,
            "rule": rule,
            "certainty": None,
            "candidates": [],
            "explanation": expl,
        }
    events = kb.events_by_id([v.act.event_id, *(a.event_id for a in v.first_acts.values())])
    ev = events[v.act.event_id]
    premises: list[Explanation] = []
    # the aggressor's first act first: the act the answer turns on, whose words (or, for an
    # act an overlay assumes, the words of the item that lists it) the summary quotes
    for side, act in sorted(v.first_acts.items(), key=lambda kv: (kv[0] != v.aggressor, kv[0])):
        e = events[act.event_id]
        p = event_node(kb, e.id, f"first act of {names.get(side, side)}: ")
        if p is not None and act.via:  # against a territory that was part of the other side
            other = names[other_side[side]]
            then = "then part of" if act.sure else "then possibly part of"
            p["conclusion"] += f" ({name_of(kb, act.target)}, {then} {other})"
        if p is not None:
            # why the act is a listed one (the item of the article that names it), then, for
            # an act against a territory, why that territory was part of the other side: the
            # item first, the words the answer turns on where the act has no quote of its
            # own (an overlay's act)
            p["premises"].extend(listed_item_nodes(kb, v.definition_clauses, e.type))
            if act.via:
                p["premises"].extend(part_of_nodes(kb, e, act.target, other_side[side]))
            if e.justification:
                p["premises"].append(justification_node(kb, e))
            premises.append(p)
    for side in (x, y):
        if side not in v.first_acts:
            premises.append(node(f"{names[side]} committed none of the listed acts in the period"))
    premises.extend(defs)
    who = names.get(v.aggressor or "", v.aggressor)
    if v.certainty == "possible" and v.edge:
        cands = " or ".join(names.get(c, c) for c in v.candidates)
        others = f" (candidates: {cands})" if len(v.candidates) > 1 else ""
        why = (
            f"{name_of(kb, v.act.target)} may not have been part of "
            f"{names[other_side[v.act.actor]]} at the time of {who}'s first act "
            f"({ev.date.text})"
            if v.unsure_via
            else f"its first act ({ev.date.text}) may fall outside the period"
        )
        conclusion = f"possibly {who}: {why}{others}"
    elif v.certainty == "possible":
        cands = " or ".join(names.get(c, c) for c in v.candidates)
        conclusion = (
            f"possibly {who}: the order of the first acts is uncertain (candidates: {cands})"
        )
    else:
        conclusion = (
            f"{who} is the aggressor: first to commit {ev.type.replace('_', ' ')} ({ev.date.text})"
        )
    expl = node(
        conclusion,
        rule=rule,
        certainty=v.certainty,
        premises=premises,
        hypothetical=ev.hypothetical,
    )
    return {
        "aggressor": kb.render.ref(v.aggressor),
        "act": kb.render.event(ev),
        "category": acts.get(ev.type, ev.type),
        "rule": rule,
        "certainty": v.certainty,
        "candidates": [kb.render.ref(c) for c in v.candidates],
        "explanation": expl,
    }
