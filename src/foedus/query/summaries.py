"""The plain-language summary an explanation starts with (issue 17, point 5): one sentence in
words, the date as the source gives it, and the quote the answer turns on; the rules (and
their syntax) stay below it, in the explanation tree.

``{"text": str, "quote": {"source", "quote"} | None}``: see docs/api.md.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from foedus.engine.timepoints import start_day
from foedus.norms.explain import Explanation, dated, first_quote, summary
from foedus.query.common import Row, name_of
from foedus.query.nodes import (
    clause_node,
    event_node,
    neighbours,
    provenance_dates,
    source_date,
)
from foedus.rules.library.vocabulary import CONTROLLED_BY, OCCUPIED_BY, PART_OF, SOVEREIGN
from foedus.shapes import Json

if TYPE_CHECKING:
    from foedus.model import Actor
    from foedus.query.base import KnowledgeBase


def _since(kb: KnowledgeBase, row: Row, used: list[Row]) -> tuple[str, Json | None]:
    """ "since 1944: The Soviet Union reoccupies Lithuania ..." for the row the status turns
    on, and the first quote of what started it."""
    ident = row.initiated_by
    ev = kb.event_record(ident) if ident else None
    idents = [ident] + [r.initiated_by for r in used]
    when = source_date(kb, idents, start_day(row.start), after=row.certainty == "certain")
    if ev is not None:
        what = ev.summary
        quote = kb.render.quotes(ev.sources)[:1]
    else:
        premise = event_node(kb, ident)
        what = premise["conclusion"].split(" [")[0] if premise else ""
        quote = (premise or {}).get("sources", [])[:1]
    since = f", since {dated(when)}" if when else ""
    return (f"{since}: {what}" if what else since), (dict(quote[0]) if quote else None)


def _named(st: Json) -> set[str]:
    """The status fluents a status's label names (:func:`foedus.query.status.label`): what it
    is part of and under whose occupation, sovereign where it says "sovereign state"; where it
    names neither part of nor occupation, sovereignty and control ("independent", "not
    sovereign, controlled by ...")."""
    named = {f for f in (PART_OF, OCCUPIED_BY) if st.get(f)}
    sovereign = any(v["value"] is True for v in st["sovereign"])
    if not named:
        return {SOVEREIGN, CONTROLLED_BY}
    return named | ({SOVEREIGN} if sovereign else set())


def _began(rows: list[Row], named: set[str]) -> Row:
    """The row whose start "since" names: the latest start of the rows of the fluents the
    label names (Lithuania in 1950, under the soviet perspective, has been part of the Soviet
    Union since its annexation in 1940, though Soviet control began again in 1944), and of the
    rows starting then, the first that names what started it (a derived row, an occupation
    read from control, names none: the control it rests on does)."""
    mine = [r for r in rows if r.fluent in named] or rows
    start = max(r.start for r in mine)
    at = [r for r in rows if r.start == start]
    return next((r for r in at if r.initiated_by), max(mine, key=lambda r: r.start))


def _existence(actor: Actor, on: date) -> str:
    """``": the corpus has it exist from …"`` (or ``until …``) when ``on`` is outside the actor's
    existence as the corpus dates it, else the empty string."""
    born, gone = actor.existed_from, actor.existed_to
    if born is not None and on < born.earliest:
        return f": the corpus has it exist from {dated(born.text)}"
    if gone is not None and on > gone.latest:
        return f": the corpus has it exist until {dated(gone.text)}"
    return ""


def status_summary(
    kb: KnowledgeBase,
    actor_id: str,
    on: date,
    st: Json,
    used: list[Row],
    acts: dict[str, list[Json]],
    rows: list[Row] | None = None,
) -> Json:
    """The summary of a status: what it is in this perspective and why, in one sentence,
    with the quote it turns on (the clause an act breached, under non-recognition; else what
    started the latest of the rows it rests on). ``rows``: every status row of the actor,
    where what makes a row only possible is what ended the row before it."""
    label = st["label"]
    if label.startswith("sovereign state"):
        label = "a " + label
    head = f"In the {kb.perspective} view, {name_of(kb, actor_id)} on {on.isoformat()} was {label}"
    if acts:
        ev_id, breached = next(iter(acts.items()))
        ev = kb.event(ev_id)
        treaties = list(dict.fromkeys(kb.instrument(x["instrument"]).name for x in breached))
        first = breached[0]
        clause = clause_node(kb, first["instrument"], first["clause"], "")
        act = f"{ev.summary.rstrip('.')} ({ev.date.text})"
        because = f"because it breached {', '.join(treaties)}"
        if on < ev.date.latest:  # the act may not have happened yet on that day
            text = (
                f"{head}: {act}, which may not have happened yet on that day, did not end its "
                f"sovereignty if it had, {because}."
            )
        else:
            text = f"{head}: {act} did not end its sovereignty, {because}."
        return summary(text, dict(clause["sources"][0]) if clause["sources"] else None)
    if not used:
        return summary(f"{head}{_existence(kb.resolver.actor(actor_id), on)}.", None)
    open_ = _open_date(kb, on, used, rows or []) if st["certainty"] == "possible" else None
    if open_ is not None:
        when, what, quote = open_
        return summary(f"{head}: the source dates it only “{when}” ({what}).", quote)
    certain = [r for r in used if r.certainty == "certain"] or used
    why, quote = _since(kb, _began(certain, _named(st)), used)
    text = f"{head}{why}"
    return summary(text if text.endswith(".") else text + ".", quote)


def _open_date(
    kb: KnowledgeBase, on: date, used: list[Row], rows: list[Row]
) -> tuple[str, str, Json | None] | None:
    """Where a status is only possible: the fuzzy date (as the source gives it) of the record
    that started or ended one of its possible rows, or ended or started the row beside it
    (:func:`~foedus.query.nodes.neighbours`: a withdrawal dated "1945" after which an
    occupation possibly goes on), and whose range holds the day, what that record says, and
    its first quote."""
    for r in used:
        if r.certainty != "possible":
            continue
        near = neighbours(rows, r)
        idents = [r.initiated_by, r.terminated_by]
        idents += [n.terminated_by for n in near if n.end == r.start]
        idents += [n.initiated_by for n in near if n.start == r.end]
        for ident in dict.fromkeys(idents):
            if not ident:
                continue
            for d in provenance_dates(kb, ident):
                if d.earliest <= on <= d.latest and d.earliest != d.latest:
                    premise = event_node(kb, ident)
                    ev = kb.event_record(ident)
                    what = ev.summary.rstrip(".") if ev else ""
                    if premise is not None and not what:
                        what = premise["conclusion"].split(" [")[0]
                    quotes = premise["sources"] if premise else []
                    if ident.startswith("actor:"):  # its end, not its beginning, where
                        # the date left open is the end the actor's quotes give
                        quotes = [q for q in quotes if d.text in q["quote"]] or quotes
                    return d.text, what, dict(quotes[0]) if quotes else None
    return None


def tree_summary(tree: Explanation, clause_of: str | None = None) -> Json:
    """The summary of a breach or an aggressor answer: its conclusion, with the clause's
    words (``clause_of``: the instrument whose clause was breached) or else the first quote
    of the premises (the act)."""
    quote = None
    if clause_of is not None:
        quote = first_quote(tree, lambda n: str(n.get("rule") or "").startswith(clause_of + ","))
    text = tree["conclusion"]
    return summary(text if text.endswith(".") else text + ".", quote or first_quote(tree))
