"""Yes, no or possibly: the answer to a yes/no question, under each perspective.

A yes/no question ("Was Estonia occupied in 1970?", "Did Latvia have a pact with the Soviets
in 1934?") maps to a query like any other, marked with what it checks (:attr:`Query.check`):

- ``sovereign``: the status says sovereign (``possible`` → possibly);
- ``sovereign_lost``: the status says not sovereign at some time ("did Estonia lose its
  independence?", asked from the first day it was certainly sovereign; ``possible`` →
  possibly);
- ``sovereign_lost_in``: a change within the range asked about ("did Latvia cease to be
  sovereign in 1940?"): A's timeline has it sovereign on a day from the eve of the range to
  its end and not sovereign on a later day of the range (yes when both certainly, possibly
  when either only possibly);
- ``occupied`` / ``part_of`` / ``controlled`` (by B, when B is named): the status's
  ``occupied_by`` / ``part_of`` / ``controlled_by`` is set (and is B);
- ``aggressor`` A: the aggressor found is A (possibly, when A is one of the candidates of an
  uncertain order of first acts);
- ``any``: the answer's list (treaties, events, breaches) is not empty; possibly when every
  treaty found binds only possibly;
- ``signed`` A (,B): each actor named became a party of the instrument by its own act
  (signature, ratification, adherence, accession), not only as a successor state;
- ``left`` (A): a party of the instrument (A) left it, by its denunciation, its withdrawal
  or an end of its party the corpus dates (``until``).

The query is run under every perspective of the corpus (:meth:`KnowledgeBase.with_perspective`),
so that a question whose answer depends on the view says so: ``{"answer": "no", "perspective":
"de-facto", "by_perspective": {"de-facto": "no", "non-recognition": "yes", ...}}``. Events do not
depend on the perspective and are checked once.

>>> from foedus.ask.forms import parse
>>> from foedus.query import KnowledgeBase
>>> kb = KnowledgeBase()
>>> v = verdict(parse("Was Estonia occupied in 1970?", kb), kb)
>>> v["answer"], v["by_perspective"]["non-recognition"]
('no', 'yes')
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from foedus.ask.expand import parallel, under

if TYPE_CHECKING:
    from foedus.ask.question import Query
    from foedus.query import KnowledgeBase

Json = dict[str, Any]


def verdict(query: Query, kb: KnowledgeBase, answer: Json | None = None) -> Json | None:
    """``{"answer", "perspective", "by_perspective", "text"}`` of a yes/no question, else
    ``None``. ``answer`` is the query's own answer, when already run."""
    if query.check is None:
        return None
    ids = perspectives_of(query, kb)

    def judged(pid: str) -> str:
        if query.check == ("sovereign_lost_in", None):
            return lost_in(query, under(kb, pid))
        got = answer if pid == query.perspective and answer is not None else None
        if got is None:
            # another perspective's answer is only judged: as much of it as settles the check
            got = replace(query, perspective=pid, check=None).run(kb, settle=True)
        return judge(query, got)

    by = dict(zip(ids, parallel(judged, ids), strict=True))
    main = by[query.perspective]
    others = {p: v for p, v in by.items() if p != query.perspective and v != main}
    text = f"{main} ({query.perspective})"
    if others:
        text += "; " + "; ".join(f"{v} ({p})" for p, v in others.items())
    return {"answer": main, "perspective": query.perspective, "by_perspective": by, "text": text}


def perspectives_of(query: Query, kb: KnowledgeBase) -> list[str]:
    """The perspectives a question is answered under: its own, then (a yes/no question that
    depends on the perspective) every other one of the corpus."""
    if query.check is None or query.command in ("events", "treaty"):
        return [query.perspective]
    return [query.perspective] + [p.id for p in kb.corpus.perspectives if p.id != query.perspective]


def lost_in(query: Query, kb: KnowledgeBase) -> str:
    """``sovereign_lost_in``: whether the actor's timeline (under ``kb``'s perspective) goes
    from sovereign to not sovereign within the range. Each loss is a window of days: after
    the last day it was certainly sovereign, up to the first day of a period where it is not
    (the periods between, where both are possible, leave its day open). Yes when a window
    lies within the range and the loss is certain, possibly when one overlaps it, else no."""
    lo, hi = query.over or (query.args["on"], query.args["on"])
    found = "no"
    last_sovereign: str | None = None  # last day of the latest certainly sovereign period
    for period in kb.periods(query.args["actor"]):
        start, end = period["from"]["earliest"], (period.get("to") or {}).get("latest")
        sov = {v["value"]: v["certainty"] for v in period["sovereign"]}
        if sov == {True: "certain"}:
            last_sovereign = end
        elif sov and True not in sov and last_sovereign is not None:
            first = (date.fromisoformat(last_sovereign) + timedelta(days=1)).isoformat()
            if lo <= first and start <= hi and sov[False] == "certain":
                return "yes"
            if first <= hi and start >= lo:
                found = "possibly"
            last_sovereign = None
    return found


def judge(query: Query, answer: Json) -> str:
    """yes, no or possibly: what the query's check finds in one answer."""
    assert query.check is not None
    check, other = query.check
    if check == "any":
        items: list[Any] = next(
            (answer[k] for k in ("treaties", "events", "breaches") if k in answer),
            [],
        )
        if not items:
            return "no"
        if all(t.get("certainty") == "possible" for t in items if isinstance(t, dict)) and any(
            "certainty" in t for t in items
        ):
            return "possibly"
        return "yes"
    if check == "left":
        gone = [
            x
            for x in answer.get("parties") or []
            if x.get("until") and (other is None or x["actor"]["id"] == other)
        ]
        return "yes" if gone else "no"
    if check == "signed":
        # every actor named became a party by its own act, not only by succession
        rows = answer.get("parties") or []
        signed = {x["actor"]["id"] for x in rows if x.get("how") != "succession"}
        return "yes" if set((other or "").split(",")) <= signed else "no"
    if check == "aggressor":
        found = answer.get("aggressor")
        if answer.get("certainty") == "possible":  # the first acts' order is not known
            named = {c.get("id") for c in answer.get("candidates") or []}
            return "possibly" if other in named else "no"
        return "yes" if found and found.get("id") == other else "no"
    status = answer.get("status") or {}
    if check == "sovereign":
        sov = {v["value"]: v["certainty"] for v in status.get("sovereign") or []}
        return "yes" if sov.get(True) == "certain" else "possibly" if True in sov else "no"
    if check == "sovereign_lost":
        sov = {v["value"]: v["certainty"] for v in status.get("sovereign") or []}
        return "yes" if sov.get(False) == "certain" else "possibly" if False in sov else "no"
    field = {"occupied": "occupied_by", "part_of": "part_of", "controlled": "controlled_by"}[check]
    values = [
        v for v in status.get(field) or [] if other is None or (v["value"] or {}).get("id") == other
    ]
    if not values:
        return "no"
    return "yes" if any(v["certainty"] == "certain" for v in values) else "possibly"
