"""Build step: breach detection, which events fall within what a binding clause forbids.

For each event ``E(Y, X)`` (actor ``Y``, target ``X``) and each clause whose norm forbids
``Y`` acts of ``E``'s type towards a beneficiary ``Z`` (table ``norm_rows``, made from the
corpus by :func:`foedus.engine.from_corpus.norm_rows`), the event breaches the clause when
the clause's instrument binds ``Y`` towards ``Z`` at the event's time point (fluent
``binds(T, Y, Z)``, per perspective), where ``Z`` is the target itself or the state the
target was part of at that time (fluent ``part_of``: an invasion of a Soviet republic is an
act against the USSR in the views where it is one).

An act that the perspective's rules say its beneficiary (or its target) consented to (fluent
``consented(Z, Y, E)`` holding on the act's day: from before it, or initiated on that day)
breaches nothing in that perspective (docs/decisions/0009-consent-in-a-perspective.md).

Fuzzy dates: a breach is ``certain`` when it is found in both scenarios of
docs/decisions/0002 (every event at the earliest day of its range, and every event at the
latest; table ``scenario_fluents``), ``possible`` when in one only.

The queries are SQL, parsed by sqlglot once and rendered for the backend's dialect; they read
the tables ``event_acts``, ``norm_rows`` and ``scenario_fluents`` and write ``breaches``, in
two statements: the forbidden acts (:data:`FORBIDDEN`) into a temporary table, then their
breaches. Between the two, a perspective that computes ``binds`` on demand computes it for
the forbidden acts' keys, into a temporary table the breaches read beside
``scenario_fluents`` (:func:`foedus.build.binding.store_event_binds`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlglot
from sqlglot import exp

from foedus.build import binding
from foedus.build.schema import create, create_temp
from foedus.duck import duckdb
from foedus.engine import from_tables
from foedus.engine.compile_sql import renamed

#: The acts a norm forbids (its actor bears a norm of the instrument for the act's type towards
#: the beneficiary), per perspective, with the time point and the scenarios they are forbidden
#: in at that point: what the breach query then joins to ``binds`` (and, on demand, the keys of
#: ``binds`` a build computes: :func:`foedus.build.binding.store_event_binds`).
#:
#: ``scenarios`` is a mask: 1 the early scenario, 2 the late, 3 both. An act with an exact date
#: is one row for both scenarios (its point is the same in each), and a ``part_of`` interval
#: that both scenarios have is one row; an act meets an interval in the scenarios both have
#: (``&``). At 10^6 events 230,059 rows where one row per scenario made 393,461 (90 % of the
#: acts are exact, 80 % of the intervals in both scenarios); the statement 0.34-0.38 s
#: against 0.40-0.48 s, alone on the built database.
#:
#: An act is joined to the ``part_of`` intervals of its target that hold at its time point by
#: the target and the act's year (``t // 365``, a bucket of 365 days): each interval is listed
#: once per year it touches within the acts' span (``part_of_years``), so that an act is
#: compared with the few intervals of its year, not with every interval of its target (a plain
#: hash join on the target with the range as a filter compared each of the 10^6 world's 1.9 M
#: acts with its target's ~67 intervals: 6.0-6.5 s for this statement, 2.1-2.2 s by years, the
#: same 393,461 rows). Any monotone bucket would be exact: an interval that holds at ``t`` lists
#: ``t``'s bucket. With no acts the span is NULL and no interval is listed (``greatest`` and
#: ``least`` pass over a NULL: an open interval would otherwise list every year to 2^62).
#:
#: Only the acts whose actor bears some norm for their type (``borne_acts``: a semi-join with
#: the bearers and types of the norms, few rows) are joined at all, and an act towards its own
#: target is joined with the norms once per point, before it is made once per perspective (the
#: perspective does not change which norms forbid it). At 10^6 events: 682,324 of the 949,676
#: acts.
FORBIDDEN = sqlglot.parse_one(
    """
WITH persp AS (SELECT DISTINCT perspective FROM fluents),
part_of AS (
  SELECT perspective, args[1] AS x, value, start,
         coalesce("end", 4611686018427387904) AS until,
         bit_or(CASE WHEN scenario = 'early' THEN 1 ELSE 2 END) AS scenarios
  FROM scenario_fluents WHERE fluent = 'part_of'
  GROUP BY perspective, args[1], value, start, "end"
),
borne AS (
  SELECT DISTINCT b.bearer, t.event_type
  FROM norm_bearers AS b
  JOIN norm_types AS t ON t.instrument = b.instrument AND t.clause = b.clause
),
borne_acts AS MATERIALIZED (
  SELECT a.event_id, a.type, a.actor, a.target, a.t_early, a.t_late
  FROM event_acts AS a
  SEMI JOIN borne AS n ON n.bearer = a.actor AND n.event_type = a.type
),
acts AS (
  SELECT event_id, type, actor, target, 3 AS scenarios, t_early AS t
  FROM borne_acts WHERE t_early = t_late
  UNION ALL
  SELECT event_id, type, actor, target, 1 AS scenarios, t_early AS t
  FROM borne_acts WHERE t_early <> t_late
  UNION ALL
  SELECT event_id, type, actor, target, 2 AS scenarios, t_late AS t
  FROM borne_acts WHERE t_early <> t_late
),
span AS (SELECT min(t_early) // 365 AS lo, max(t_late) // 365 AS hi FROM borne_acts),
part_of_years AS (
  SELECT po.perspective, po.scenarios, po.x, po.value, po.start, po.until,
         unnest(generate_series(greatest(po.start // 365, span.lo),
                                least((po.until - 1) // 365, span.hi))) AS year
  FROM part_of AS po JOIN span ON span.lo IS NOT NULL
),
direct AS (
  SELECT a.event_id, a.type, a.actor, a.target, a.scenarios, a.t, n.instrument, n.clause
  FROM acts AS a
  JOIN norm_rows AS n
    ON n.bearer = a.actor AND n.beneficiary = a.target AND n.event_type = a.type
),
via_part_of AS (
  SELECT po.perspective, a.event_id, a.type, a.actor, a.target,
         a.scenarios & po.scenarios AS scenarios, a.t, po.value AS beneficiary
  FROM acts AS a
  JOIN part_of_years AS po
    ON po.x = a.target AND po.year = a.t // 365
   AND po.start <= a.t AND a.t < po.until AND (a.scenarios & po.scenarios) <> 0
)
SELECT p.perspective, d.event_id, d.type, d.actor, d.target, d.target AS beneficiary,
       CAST(NULL AS VARCHAR) AS via, d.scenarios, d.t, d.instrument, d.clause
FROM direct AS d CROSS JOIN persp AS p
UNION ALL
SELECT l.perspective, l.event_id, l.type, l.actor, l.target, l.beneficiary, l.target AS via,
       l.scenarios, l.t, n.instrument, n.clause
FROM via_part_of AS l
JOIN norm_rows AS n
  ON n.bearer = l.actor AND n.beneficiary = l.beneficiary AND n.event_type = l.type
""",
    dialect="duckdb",
)

#: The breaches of the forbidden acts (the table ``forbidden``, rows of :data:`FORBIDDEN`):
#: those whose instrument binds the actor towards the beneficiary at the act's time point,
#: unless consented to.
_OF_FORBIDDEN = sqlglot.parse_one(
    """
WITH binds AS (
  SELECT perspective, scenario, args[1] AS instrument, args[2] AS x, args[3] AS y, start,
         coalesce("end", 4611686018427387904) AS until
  FROM scenario_fluents WHERE fluent = 'binds'
),
consented AS (
  SELECT perspective, scenario, args[1] AS x, args[2] AS y, args[3] AS type, start,
         coalesce("end", 4611686018427387904) AS until
  FROM scenario_fluents WHERE fluent = 'consented'
),
hits AS (
  SELECT DISTINCT l.perspective, l.event_id, l.actor, l.target, l.beneficiary, l.via,
         l.instrument, l.clause, b.scenario
  FROM forbidden AS l
  JOIN binds AS b
    ON b.perspective = l.perspective AND b.instrument = l.instrument AND b.x = l.actor
   AND b.y = l.beneficiary AND b.start <= l.t AND l.t < b.until
   AND (l.scenarios & CASE WHEN b.scenario = 'early' THEN 1 ELSE 2 END) <> 0
  WHERE NOT EXISTS (
    SELECT 1 FROM consented AS c
    WHERE c.perspective = l.perspective AND c.scenario = b.scenario AND c.y = l.actor
      AND c.type = l.type AND (c.x = l.beneficiary OR c.x = l.target)
      AND c.start <= l.t + 1 AND l.t < c.until
  )
)
SELECT perspective, event_id, actor, target, beneficiary, via, instrument, clause,
       CASE WHEN count(DISTINCT scenario) = 2 THEN 'certain' ELSE 'possible' END AS certainty
FROM hits
GROUP BY perspective, event_id, actor, target, beneficiary, via, instrument, clause
""",
    dialect="duckdb",
)


#: The ``binds`` of :data:`_OF_FORBIDDEN` when the build computes it on demand: the rows of
#: :data:`foedus.build.binding.EVENT_BINDS`.
_EVENT_BINDS = sqlglot.parse_one(
    """
SELECT perspective, scenario, instrument, x, y, start,
       coalesce("end", 4611686018427387904) AS until
FROM event_binds
""",
    dialect="duckdb",
)

#: The temporary table of the forbidden acts (:data:`FORBIDDEN`) while breaches are computed.
FORBIDDEN_TABLE = "_foedus_forbidden"


def store_inputs_sql(con: duckdb.DuckDBPyConnection, corpus: Any) -> None:
    """``event_acts`` and ``norm_rows`` from the corpus tables in ``con``: ``event_acts`` a
    view of the stored events (:data:`foedus.build.schema.DERIVED_VIEWS`), not a copy of
    their acts; the norms' factors tables, ``norm_rows`` a view of their product."""
    con.execute(create("event_acts"))
    from_tables.store_norm_rows(con, corpus)


def store_breaches(con: duckdb.DuckDBPyConnection, corpus: Any, dialect: str = "duckdb") -> None:
    """Build step: compute the table ``breaches`` (needs ``fluents``)."""
    store_inputs_sql(con, corpus)
    # the forbidden acts first, then (on demand) binds for their keys, then their breaches:
    # left to the optimiser in one query, DuckDB joined the norms to binds first (10^6 events:
    # 10.6 M rows, then a range join with 3.1 M links; 3.3 s against 1.3 s this way)
    with _forbidden(con, {}):
        on_demand = binding.store_event_binds(con, corpus, FORBIDDEN_TABLE)
        query = _of_forbidden({})
        if on_demand:  # the binds rows breaches read are in its table, their arguments apart
            (binds,) = (c for c in query.find_all(exp.CTE) if c.alias == "binds")
            binds.set("this", renamed(_EVENT_BINDS, {"event_binds": binding.EVENT_BINDS}))
        try:
            made = exp.Create(this=exp.to_table("breaches"), kind="TABLE", expression=query)
            con.execute(made.sql(dialect=dialect))
        finally:
            if on_demand:
                _drop_temp(con, binding.EVENT_BINDS)


@contextmanager
def _forbidden(con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> Iterator[None]:
    """:data:`FORBIDDEN` (reading the tables renamed by ``names``) in :data:`FORBIDDEN_TABLE`
    while the block runs."""
    con.execute(create_temp(FORBIDDEN_TABLE, renamed(FORBIDDEN, names)))
    try:
        yield
    finally:
        _drop_temp(con, FORBIDDEN_TABLE)


def _of_forbidden(names: dict[str, str]) -> exp.Expression:
    """The breach query over :data:`FORBIDDEN_TABLE` (and the tables renamed by ``names``)."""
    return renamed(_OF_FORBIDDEN, {**names, "forbidden": FORBIDDEN_TABLE})


def _drop_temp(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(exp.Drop(this=exp.table_(name, db="temp"), kind="TABLE", exists=True).sql("duckdb"))


#: The rows of ``scenario_fluents`` the breaches of some events can read, from their acts
#: (the table ``acts``, renamed): ``part_of`` of their targets, and ``binds`` of their actors
#: towards their targets or what those are part of, and ``consented`` of those to their actors.
_BREACH_SF = sqlglot.parse_one(
    """
    WITH po AS (SELECT * FROM scenario_fluents WHERE fluent = 'part_of'
                AND args[1] IN (SELECT target FROM acts)),
    pairs AS (SELECT DISTINCT actor AS x, target AS y FROM acts
              UNION SELECT a.actor, po.value FROM acts AS a JOIN po ON po.args[1] = a.target)
    SELECT * FROM po
    UNION ALL
    SELECT sf.* FROM scenario_fluents AS sf SEMI JOIN pairs AS p
      ON sf.args[2] = p.x AND sf.args[3] = p.y WHERE sf.fluent = 'binds'
    UNION ALL
    SELECT sf.* FROM scenario_fluents AS sf SEMI JOIN pairs AS p
      ON sf.args[1] = p.y AND sf.args[2] = p.x WHERE sf.fluent = 'consented'
    """,
    read="duckdb",
)


def store_breaches_for(
    con: duckdb.DuckDBPyConnection, events: str, dialect: str = "duckdb"
) -> None:
    """Recompute the breaches of the events listed in table ``events`` (column ``event_id``)
    only (an incremental update, :mod:`foedus.build.incremental`): their rows of ``breaches`` are
    replaced by the rows of the breach query run on their acts and on the rows of
    ``scenario_fluents`` those can read (``part_of`` of their targets, ``binds`` of their
    actors towards their targets or what those are part of). ``event_acts`` must hold their
    acts."""
    acts, sf = "_foedus_breach_acts", "_foedus_breach_sf"
    ids = exp.select("event_id").from_(exp.to_table(events))
    mine = exp.select("*").from_("event_acts").where(exp.column("event_id").isin(query=ids))
    con.execute(create_temp(acts, mine))
    con.execute(create_temp(sf, renamed(_BREACH_SF, {"acts": acts})))
    names = {"event_acts": acts, "scenario_fluents": sf}
    try:
        with _forbidden(con, names):
            gone = exp.delete("breaches", where=exp.column("event_id").isin(query=ids.copy()))
            con.execute(gone.sql(dialect=dialect))
            con.execute(exp.insert(_of_forbidden(names), "breaches").sql(dialect=dialect))
    finally:
        for name in (acts, sf):
            _drop_temp(con, name)
