"""The random tables of a world, drawn in SQL: states, instruments, parties, clauses, events.

Every random draw is a pure function of the seed and the row number (a small integer hash
computed in SQL, :mod:`foedus.generate.sql`), so the same arguments draw the same rows byte
for byte, whatever the machine or the number of threads. :func:`_build` fills the ``w_*``
tables of a DuckDB connection; :mod:`foedus.generate.writers` writes them out.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from foedus.duck import duckdb
from foedus.generate.episodes import (
    CLAUSES,
    DEFINITION,
    EPISODES,
    KINDS,
    WEIGHTS,
)
from foedus.generate.sql import array, statement, values

FIRST, LAST = "1900-01-01", "1995-12-31"
SPAN = 34697  # days from FIRST to LAST
SUCCESSION_DAY = "2001-01-01"

_ACTORS = sqlglot.parse_one(
    """
CREATE TEMP TABLE w_actors AS
SELECT sid(i) AS id, 'State ' || i AS name, 'state' AS kind,
       NULL::VARCHAR AS predecessor,
       CASE WHEN i < :n_succ THEN sid(i) || '-b' END AS successor,
       NULL::DATE AS existed_from,
       CASE WHEN i < :n_succ THEN :succession_day END AS existed_to
FROM range(:n_states) AS r(i)
UNION ALL
SELECT sid(i) || '-b', 'State ' || i || ' (successor)', 'state', sid(i), NULL,
       :succession_day, NULL
FROM range(:n_succ) AS r(i)
ORDER BY id
""",
    dialect="duckdb",
)

# instruments: 70% bilateral; multilateral ones have 3..14 parties
_INSTRUMENTS = sqlglot.parse_one(
    """
CREATE TEMP TABLE w_ins AS
SELECT j, 't' || lpad(CAST(j AS VARCHAR), 6, '0') AS id,
       :kinds[1 + pick(j, 1, :n_kinds)] AS kind,
       day_of(pick(j, 2, :sign_span)) AS signed,
       CASE WHEN pick(j, 3, 100) < 70 OR :n_states < 4 THEN 2
            ELSE 3 + pick(j, 4, least(12, :n_states - 2)) END AS nparties,
       pick(j, 5, 400) AS force_lag,
       CASE WHEN pick(j, 6, 100) < 30 THEN 365 + pick(j, 7, 20 * 365) END AS life,
       pick(j, 8, :n_states) AS first_party,
       1 + pick(j, 9, greatest(:n_states - 1, 1)) AS stride,
       j = 0 AS is_definition
FROM range(:n_instr) AS r(j)
""",
    dialect="duckdb",
)

_PARTIES = sqlglot.parse_one(
    """
CREATE TEMP TABLE w_parties AS
SELECT i.id AS instrument_id, k AS seq,
       sid((i.first_party + k * i.stride) % :n_states) AS actor,
       CASE WHEN k < 2 OR pick(i.j * 31 + k, 10, 100) < 50 THEN
            CASE WHEN pick(i.j * 31 + k, 11, 100) < 50 THEN 'signature' ELSE 'ratification'
            END
            ELSE 'accession' END AS how,
       CASE WHEN k < 2 OR pick(i.j * 31 + k, 10, 100) < 50 THEN i.signed
            ELSE i.signed + CAST(pick(i.j * 31 + k, 12, 1500) AS INTEGER) END AS date,
       CASE WHEN pick(i.j * 31 + k, 13, 100) < 8
            THEN i.signed + CAST(1600 + pick(i.j * 31 + k, 14, 6000) AS INTEGER) END AS until
FROM w_ins AS i, range(i.nparties) AS r(k)
""",
    dialect="duckdb",
)

# keep one row per (instrument, actor): the stride can repeat a state
_ONE_PARTY_ROW = sqlglot.parse_one(
    """
CREATE TEMP TABLE w_parties2 AS
SELECT instrument_id, CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1
       AS INTEGER) AS seq, actor, how, date, until
FROM (SELECT *, row_number() OVER (PARTITION BY instrument_id, actor ORDER BY seq) AS dup
      FROM w_parties) WHERE dup = 1
""",
    dialect="duckdb",
)

# a successor state succeeds to its predecessor's instruments (the party row says so)
_SUCCESSIONS = sqlglot.parse_one(
    """
INSERT INTO w_parties2
SELECT p.instrument_id, CAST(100 + p.seq AS INTEGER), a.id, 'succession',
       :succession_day, NULL
FROM w_parties2 AS p JOIN w_actors AS a ON a.predecessor = p.actor
""",
    dialect="duckdb",
)

_CLAUSES = sqlglot.parse_one(
    """
CREATE TEMP TABLE w_clauses AS
WITH tmpl AS (:clause_table),
chosen AS (
  SELECT i.id AS instrument_id, c AS seq, (pick(i.j, 20, 5) + c * 2) % 5 AS k,
         i.is_definition, i.j
  FROM w_ins AS i, range(1 + pick(i.j, 21, 3)) AS r(c)
)
SELECT ch.instrument_id, CAST(ch.seq AS INTEGER) AS seq,
       'art-' || (ch.seq + 1) AS clause_id, 'Article ' || (ch.seq + 1) AS article,
       t.text, t.kind AS norm_kind, t.cats AS norm_categories,
       NULL::VARCHAR[] AS bearers, NULL::VARCHAR[] AS beneficiaries
FROM chosen AS ch JOIN tmpl AS t ON t.k = ch.k
UNION ALL
SELECT id, 9, 'definition', 'Article II', :definition, 'definition',
       ['declaration-of-war', 'invasion', 'attack', 'naval-blockade',
        'support-for-armed-bands'], NULL, NULL
FROM w_ins WHERE is_definition
""",
    dialect="duckdb",
)

# events: episodes between two states, expanded by their templates, cut at n_events
_EVENTS = sqlglot.parse_one(
    """
CREATE TEMP TABLE w_events AS
WITH ep AS (
  SELECT e, :pick_template AS template,
         pick(e, 31, :n_states) AS a,
         pick(e, 34, :span) AS d0
  FROM range(:n_episodes) AS r(e)
),
dy AS (
  SELECT e, template, a, (a + 1 + pick(e, 32, :n_states - 1)) % :n_states AS b,
         d0 FROM ep
),
third AS (
  SELECT *, (b + 1 + pick(e, 33, greatest(:n_states - 2, 1))) % :n_states AS c0 FROM dy
),
steps AS (:episode_table),
expanded AS (
  SELECT t.e, s.step, s.type,
         CASE s.actor_role WHEN 0 THEN t.a WHEN 1 THEN t.b
              ELSE CASE WHEN t.c0 = t.a THEN (t.c0 + 1) % :n_states ELSE t.c0 END END
           AS actor,
         CASE s.target_role WHEN 0 THEN t.a WHEN 1 THEN t.b END AS target,
         day_of(least(t.d0 + s.offset_days, :last_offset)) AS day
  FROM third AS t JOIN steps AS s ON s.template = t.template
  WHERE :n_states > 2 OR s.actor_role < 2
),
numbered AS (
  SELECT *, row_number() OVER (ORDER BY e, step) - 1 AS n FROM expanded
)
SELECT n, 'ev-' || lpad(CAST(n AS VARCHAR), 8, '0') AS id, type,
       sid(actor) AS actor, CASE WHEN target IS NOT NULL THEN sid(target) END AS target,
       day, pick(n, 40, 1000) < :fuzzy_per_mille AS fuzzy
FROM numbered WHERE n < :n_events
""",
    dialect="duckdb",
)


def _episode_table() -> exp.Select:
    rows = [
        (name, k, t, a, b, off)
        for name, steps in EPISODES.items()
        for k, (t, a, b, off) in enumerate(steps)
    ]
    columns = ("template", "step", "type", "actor_role", "target_role", "offset_days")
    return values(rows, "s", columns)


def _clause_table() -> exp.Select:
    rows = [(k, t, kind, array(cats)) for k, (t, kind, cats) in enumerate(CLAUSES)]
    return values(rows, "c", ("k", "text", "kind", "cats"))


def _pick_template() -> exp.Case:
    """``CASE WHEN pick(e, 30, total) < acc THEN name …``: an episode template by weight."""
    total = sum(WEIGHTS.values())
    case = exp.Case()
    acc = 0
    for name in EPISODES:
        acc += WEIGHTS[name]
        draw = exp.Anonymous(
            this="pick",
            expressions=[exp.column("e"), exp.Literal.number(30), exp.Literal.number(total)],
        )
        case = case.when(exp.LT(this=draw, expression=exp.Literal.number(acc)), exp.convert(name))
    return case


def _build(
    con: duckdb.DuckDBPyConnection,
    n_states: int,
    n_instr: int,
    n_events: int,
    fuzzy: float,
    seed: int = 0,
) -> None:
    """Create the world's tables (``w_*``) in ``con``; ``seed`` is the hash's seed."""
    n_succ = max(1, n_states // 50)
    succession_day = exp.cast(exp.Literal.string(SUCCESSION_DAY), "DATE")
    total = sum(WEIGHTS.values())
    avg = sum(WEIGHTS[n] * len(s) for n, s in EPISODES.items()) / total
    n_ep = int(n_events / avg * 1.3) + 10

    def run(template: exp.Expression, **values: object) -> None:
        con.execute(statement(template, seed, **values))

    run(_ACTORS, n_succ=n_succ, n_states=n_states, succession_day=succession_day)
    run(
        _INSTRUMENTS,
        kinds=array(KINDS),
        n_kinds=len(KINDS),
        sign_span=SPAN - 400,
        n_states=n_states,
        n_instr=n_instr,
    )
    run(_PARTIES, n_states=n_states)
    run(_ONE_PARTY_ROW)
    run(_SUCCESSIONS, succession_day=succession_day)
    run(_CLAUSES, clause_table=_clause_table(), definition=DEFINITION)
    run(
        _EVENTS,
        pick_template=_pick_template(),
        n_states=n_states,
        span=SPAN,
        n_episodes=n_ep,
        episode_table=_episode_table(),
        last_offset=SPAN + 1460,
        fuzzy_per_mille=int(fuzzy * 1000),
        n_events=n_events,
    )
