"""The aggressor under the 1933 Convention for the Definition of Aggression.

Article II: "There shall be recognized as an aggressor that State which shall be the first to
have committed one of the following actions" — a declaration of war, an invasion, an attack,
a naval blockade, support for armed bands. Which event types are those acts is data: the
categories of every clause whose norm is of kind ``definition`` (categories.yaml maps them to
event types). A claimed justification never changes the answer (Article III, the
``no_justification`` norm); it is shown as rejected.

The first acts of each side are found in SQL over ``event_acts``; the order of two first acts
is certain when one's latest day is before the other's earliest day, or when another act of
the side that may be first surely came before the other's earliest day (an invasion dated
"September 1939" may be before or after the other side's act of 5 September, a war declared on
3 September is not), and uncertain otherwise: then the answer is "possible" and names the
candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.build.schema import event_acts
from foedus.duck import duckdb


@cache
def _first_acts() -> str:
    """The acts of ``$types`` (a list of event types) between two states ``$a`` and ``$b``
    in the time points ``$lo`` to ``$hi``, earliest first: DuckDB's SQL, parsed by sqlglot on
    first use. The acts are ``event_acts``' (a view of the stored events,
    :data:`foedus.build.schema.DERIVED_VIEWS`), of only the events whose lists name the two
    (at 10^6 events 18 ms, against 28 ms for the whole view's acts, filtered)."""
    both = (
        "list_contains($types, type) AND ("
        "(list_contains(actors, $a) AND list_contains(targets, $b)) OR "
        "(list_contains(actors, $b) AND list_contains(targets, $a)))"
    )
    acts = sqlglot.parse_one(event_acts(both), read="duckdb")
    query = sqlglot.parse_one(
        """
SELECT event_id, type, actor, target, t_early, t_late
FROM acts
WHERE ((actor = $a AND target = $b) OR (actor = $b AND target = $a))
  AND t_late >= $lo AND t_early <= $hi
ORDER BY t_early, t_late, event_id
""",
        read="duckdb",
    )
    assert isinstance(query, exp.Select)
    return query.with_("acts", as_=acts).sql("duckdb")


@cache
def _acts_via_territory() -> str:
    """The acts of ``$types`` by ``$a`` or ``$b`` against a territory that was part of the
    other (``part_of`` under perspective ``$p``) at the act's time point in some scenario of
    docs/decisions/0002, with whether it was in both (``sure``): every event at the earliest
    day of its range, the act at ``t_early``, and every event at the latest, the act at
    ``t_late``, each read against that scenario's ``part_of`` (``scenario_fluents``), as
    breach detection reads it (docs/decisions/0006): DuckDB's SQL, parsed by sqlglot on first
    use."""
    either = (
        "list_contains($types, type) AND (list_contains(actors, $a) OR list_contains(actors, $b))"
    )
    acts = sqlglot.parse_one(event_acts(either), read="duckdb")
    query = sqlglot.parse_one(
        """
SELECT e.event_id, e.type, e.actor, e.target, e.t_early, e.t_late,
       count(DISTINCT f.scenario) = 2 AS sure
FROM acts AS e
JOIN scenario_fluents AS f
  ON f.perspective = $p AND f.fluent = 'part_of' AND f.args = [e.target]
 AND f.start <= CASE WHEN f.scenario = 'early' THEN e.t_early ELSE e.t_late END
 AND (f."end" IS NULL
      OR CASE WHEN f.scenario = 'early' THEN e.t_early ELSE e.t_late END < f."end")
WHERE ((e.actor = $a AND f.value = $b) OR (e.actor = $b AND f.value = $a))
  AND e.target NOT IN ($a, $b)
  AND e.t_late >= $lo AND e.t_early <= $hi
GROUP BY e.event_id, e.type, e.actor, e.target, e.t_early, e.t_late
ORDER BY e.t_early, e.t_late, e.event_id
""",
        read="duckdb",
    )
    assert isinstance(query, exp.Select)
    return query.with_("acts", as_=acts).sql("duckdb")


@dataclass
class Act:
    event_id: str
    type: str
    actor: str
    target: str
    t_early: int
    t_late: int
    sure: bool = True  # an act against a territory: part of the other side in both scenarios
    via: bool = False  # its target is a territory that was part of the other side


@dataclass
class Verdict:
    """Who was first to commit one of the defined acts, and how sure that is."""

    aggressor: str | None
    act: Act | None
    certainty: str | None  # "certain" / "possible" / None when no act at all
    candidates: list[str] = field(default_factory=list)
    first_acts: dict[str, Act] = field(default_factory=dict)
    definition_clauses: list[tuple[str, str]] = field(default_factory=list)  # (instrument, clause)
    edge: bool = False  # the first act's date reaches past an end of the period asked
    unsure_via: bool = False  # its target was part of the other side in one scenario only


def defined_acts(corpus: Any) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Event type → category id for the acts named by definition norms, and those clauses."""
    types_of = {c.id: list(c.event_types) for c in corpus.categories}
    acts: dict[str, str] = {}
    clauses: list[tuple[str, str]] = []
    for ins, clause, categories in corpus.norm_clauses("definition"):
        clauses.append((ins, clause))
        for cat in categories:
            for t in types_of.get(cat, []):
                acts.setdefault(t, cat)
    return acts, clauses


def decide(
    con: duckdb.DuckDBPyConnection,
    corpus: Any,
    a: str,
    b: str,
    t_from: int | None = None,
    t_to: int | None = None,
    perspective: str | None = None,
) -> Verdict:
    """Apply the first-to-commit rule to the conflict between ``a`` and ``b``. Under a
    ``perspective``, an act against a territory that was then part of the other side (its
    ``part_of``) is an act against that side, as breach detection reads it: Germany's 1941
    invasion of Estonia, de facto part of the Soviet Union, is an act against the Soviet
    Union. Whether the territory was part of the other side is read at the act's time point
    in each scenario of docs/decisions/0002 (the act at its earliest day against the
    ``part_of`` of every event at its earliest, at its latest against every event at its
    latest), as breaches read it (docs/decisions/0006): only possibly so where one scenario
    finds it. :func:`decide_all` reads no perspective, only acts against the other side itself,
    as this does without one."""
    acts, clauses = defined_acts(corpus)
    lo = t_from if t_from is not None else -(2**62)
    hi = t_to if t_to is not None else 2**62
    params = {"types": sorted(acts), "a": a, "b": b, "lo": lo, "hi": hi}
    found = [Act(*row) for row in con.execute(_first_acts(), params).fetchall()]
    if perspective is not None and acts:
        via = con.execute(_acts_via_territory(), {**params, "p": perspective}).fetchall()
        for ev, kind, actor, target, t_early, t_late, sure in via:
            found.append(Act(ev, kind, actor, target, t_early, t_late, bool(sure), via=True))
    first: dict[str, Act] = {}
    # each side's act that is surely in the period and against the other side and ends
    # soonest: the side acted by its last day, whichever of its acts came first (a war
    # declared on 3 September comes before an act of the other side on 5 September, even
    # where an invasion dated "September" may have come before it)
    surest: dict[str, Act] = {}
    for act in sorted(found, key=lambda x: (x.t_early, x.t_late, not x.sure, x.event_id)):
        first.setdefault(act.actor, act)
        inside = act.sure and lo <= act.t_early and act.t_late <= hi
        if inside and (act.actor not in surest or act.t_late < surest[act.actor].t_late):
            surest[act.actor] = act
    verdict = Verdict(None, None, None, first_acts=first, definition_clauses=clauses)
    if not first:
        return verdict
    ordered = sorted(first.values(), key=lambda x: (x.t_early, x.t_late, x.event_id))
    lead = ordered[0]
    verdict.aggressor, verdict.act = lead.actor, lead
    # an act whose fuzzy date reaches past an end of the period may not be in it at all, and
    # one against a territory may not have been against the other side
    verdict.unsure_via = not lead.sure
    verdict.edge = not (lo <= lead.t_early and lead.t_late <= hi) or verdict.unsure_via
    others = ordered[1].t_early if len(ordered) > 1 else None
    proof = surest.get(lead.actor)
    if not verdict.edge and (others is None or lead.t_late < others):
        verdict.certainty = "certain"
        verdict.candidates = [lead.actor]
    elif not verdict.edge and proof is not None and others is not None and proof.t_late < others:
        # the order of the first acts is uncertain, but another act of the lead surely came
        # before the others' (an act that may fall outside the period stays possible:
        # docs/norms.md)
        verdict.act = first[lead.actor] = proof
        verdict.certainty = "certain"
        verdict.candidates = [lead.actor]
    else:
        verdict.certainty = "possible"
        verdict.candidates = [x.actor for x in ordered if verdict.edge or x.t_early <= lead.t_late]
    return verdict


@cache
def _all_dyads() -> str:
    """The first act of each dyad and its certainty (:func:`decide_all`; where the order of the
    first acts is uncertain but another act of the first side surely came before the other's,
    that act, certain, as :func:`decide` reads it); ``?`` is the list of the defined acts'
    event types: DuckDB's SQL, parsed by sqlglot on first use. Each side's first act (by its
    earliest day) and surest act (by its latest) are found in one grouping, as the least of
    a struct ordered by those keys (two windows over every act, before: 10^6 events, 0.25-0.34
    s against 0.22 s)."""
    return sqlglot.parse_one(
        """
WITH acts AS (
  SELECT least(actor, target) AS a, greatest(actor, target) AS b, actor, target, event_id,
         type, t_early, t_late
  FROM event_acts WHERE list_contains(?, type) AND actor <> target
),
sides AS (
  SELECT a, b, actor,
         min({'t_early': t_early, 't_late': t_late, 'event_id': event_id, 'type': type}) AS f,
         min({'t_late': t_late, 't_early': t_early, 'event_id': event_id, 'type': type}) AS s
  FROM acts GROUP BY a, b, actor
),
ranked AS (
  SELECT a, b, actor, f.t_early AS t_early, f.t_late AS t_late, f.event_id AS event_id,
         f.type AS type, s.t_late AS s_t_late, s.event_id AS s_event_id, s.type AS s_type,
         row_number() OVER (PARTITION BY a, b ORDER BY f.t_early, f.t_late, f.event_id) AS r
  FROM sides
),
judged AS (
  SELECT l.a, l.b, l.actor, l.event_id, l.type,
         o.actor IS NULL OR l.t_late < o.t_early AS sure_first,
         o.actor IS NOT NULL AND l.t_late >= o.t_early AND l.s_t_late < o.t_early AS sure_other,
         l.s_event_id, l.s_type
  FROM ranked AS l
  LEFT JOIN ranked AS o ON o.a = l.a AND o.b = l.b AND o.r = 2
  WHERE l.r = 1
)
SELECT a, b, actor AS aggressor,
       CASE WHEN sure_other THEN s_event_id ELSE event_id END AS event_id,
       CASE WHEN sure_other THEN s_type ELSE type END AS type,
       CASE WHEN sure_first OR sure_other THEN 'certain' ELSE 'possible' END AS certainty
FROM judged
ORDER BY a, b
""",
        dialect="duckdb",
    ).sql("duckdb")


def decide_all(con: duckdb.DuckDBPyConnection, corpus: Any) -> list[tuple[Any, ...]]:
    """:func:`decide` for every dyad in conflict at once, in one query: ``(a, b, aggressor,
    event_id, type, certainty)`` per unordered pair of states between which some defined act
    was committed (``a < b``)."""
    acts, _ = defined_acts(corpus)
    return con.execute(_all_dyads(), [sorted(acts)]).fetchall()
