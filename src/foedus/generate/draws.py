"""The random tables of a world, drawn in SQL: states, instruments, parties, clauses, events.

Every random draw is a pure function of the seed and the row number (a small integer hash
computed in SQL, :data:`_MACROS`), so the same arguments draw the same rows byte for byte,
whatever the machine or the number of threads. :func:`_build` fills the ``w_*`` tables of a
DuckDB connection; :mod:`foedus.generate.writers` writes them out.
"""

from __future__ import annotations

import duckdb

from foedus.generate.episodes import (
    CLAUSES,
    DEFINITION,
    EPISODES,
    KINDS,
    WEIGHTS,
)

# A 31-bit integer hash of (row, salt), seeded: xorshift and multiply by the MINSTD constant,
# modulo the Mersenne prime 2^31 - 1 (no 64-bit overflow anywhere).
_MACROS = """
CREATE OR REPLACE TEMP MACRO mix(x) AS
  ((xor(x, x >> 13) % 2147483647) * 48271) % 2147483647;
CREATE OR REPLACE TEMP MACRO rnd(i, salt) AS
  mix(mix(mix(((i) * 7919 + (salt) * 104729 + {seed}) % 2147483647) + (i)) + (salt));
CREATE OR REPLACE TEMP MACRO pick(i, salt, n) AS CAST(rnd(i, salt) % (n) AS BIGINT);
CREATE OR REPLACE TEMP MACRO day_of(n) AS DATE '1900-01-01' + CAST(n AS INTEGER);
CREATE OR REPLACE TEMP MACRO sid(n) AS 's' || lpad(CAST(n AS VARCHAR), 5, '0');
"""

FIRST, LAST = "1900-01-01", "1995-12-31"
SPAN = 34697  # days from FIRST to LAST
SUCCESSION_DAY = "2001-01-01"


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + "]"


def _episode_table() -> str:
    rows = []
    for name, steps in EPISODES.items():
        for k, (t, a, b, off) in enumerate(steps):
            rows.append(f"('{name}', {k}, '{t}', {a}, {'NULL' if b is None else b}, {off})")
    return (
        "SELECT * FROM (VALUES "
        + ", ".join(rows)
        + ") AS s(template, step, type, actor_role, target_role, offset_days)"
    )


def _build(
    con: duckdb.DuckDBPyConnection, n_states: int, n_instr: int, n_events: int, fuzzy: float
) -> None:
    """Create the world's tables (``w_*``) in ``con``."""
    n_succ = max(1, n_states // 50)
    con.execute(f"""
    CREATE TEMP TABLE w_actors AS
    SELECT sid(i) AS id, 'State ' || i AS name, 'state' AS kind,
           NULL::VARCHAR AS predecessor,
           CASE WHEN i < {n_succ} THEN sid(i) || '-b' END AS successor,
           NULL::DATE AS existed_from,
           CASE WHEN i < {n_succ} THEN DATE '{SUCCESSION_DAY}' END AS existed_to
    FROM range({n_states}) AS r(i)
    UNION ALL
    SELECT sid(i) || '-b', 'State ' || i || ' (successor)', 'state', sid(i), NULL,
           DATE '{SUCCESSION_DAY}', NULL
    FROM range({n_succ}) AS r(i)
    ORDER BY id
    """)
    # instruments: 70% bilateral; multilateral ones have 3..14 parties
    con.execute(f"""
    CREATE TEMP TABLE w_ins AS
    SELECT j, 't' || lpad(CAST(j AS VARCHAR), 6, '0') AS id,
           {_sql_list(KINDS)}[1 + pick(j, 1, {len(KINDS)})] AS kind,
           day_of(pick(j, 2, {SPAN - 400})) AS signed,
           CASE WHEN pick(j, 3, 100) < 70 OR {n_states} < 4 THEN 2
                ELSE 3 + pick(j, 4, least(12, {n_states} - 2)) END AS nparties,
           pick(j, 5, 400) AS force_lag,
           CASE WHEN pick(j, 6, 100) < 30 THEN 365 + pick(j, 7, 20 * 365) END AS life,
           pick(j, 8, {n_states}) AS first_party,
           1 + pick(j, 9, greatest({n_states} - 1, 1)) AS stride,
           j = 0 AS is_definition
    FROM range({n_instr}) AS r(j)
    """)
    con.execute(f"""
    CREATE TEMP TABLE w_parties AS
    SELECT i.id AS instrument_id, k AS seq,
           sid((i.first_party + k * i.stride) % {n_states}) AS actor,
           CASE WHEN k < 2 OR pick(i.j * 31 + k, 10, 100) < 50 THEN
                CASE WHEN pick(i.j * 31 + k, 11, 100) < 50 THEN 'signature' ELSE 'ratification'
                END
                ELSE 'accession' END AS how,
           CASE WHEN k < 2 OR pick(i.j * 31 + k, 10, 100) < 50 THEN i.signed
                ELSE i.signed + CAST(pick(i.j * 31 + k, 12, 1500) AS INTEGER) END AS date,
           CASE WHEN pick(i.j * 31 + k, 13, 100) < 8
                THEN i.signed + CAST(1600 + pick(i.j * 31 + k, 14, 6000) AS INTEGER) END AS until
    FROM w_ins AS i, range(i.nparties) AS r(k)
    """)
    # keep one row per (instrument, actor): the stride can repeat a state
    con.execute("""
    CREATE TEMP TABLE w_parties2 AS
    SELECT instrument_id, CAST(row_number() OVER (PARTITION BY instrument_id ORDER BY seq) - 1
           AS INTEGER) AS seq, actor, how, date, until
    FROM (SELECT *, row_number() OVER (PARTITION BY instrument_id, actor ORDER BY seq) AS dup
          FROM w_parties) WHERE dup = 1
    """)
    # a successor state succeeds to its predecessor's instruments (the party row says so)
    con.execute(f"""
    INSERT INTO w_parties2
    SELECT p.instrument_id, CAST(100 + p.seq AS INTEGER), a.id, 'succession',
           DATE '{SUCCESSION_DAY}', NULL
    FROM w_parties2 AS p JOIN w_actors AS a ON a.predecessor = p.actor
    """)
    clause_rows = ", ".join(
        f"({k}, '{t.replace(chr(39), chr(39) * 2)}', '{kind}', {_sql_list(cats)})"
        for k, (t, kind, cats) in enumerate(CLAUSES)
    )
    con.execute(f"""
    CREATE TEMP TABLE w_clauses AS
    WITH tmpl(k, text, kind, cats) AS (VALUES {clause_rows}),
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
    SELECT id, 9, 'definition', 'Article II', '{DEFINITION}', 'definition',
           ['declaration-of-war', 'invasion', 'attack', 'naval-blockade',
            'support-for-armed-bands'], NULL, NULL
    FROM w_ins WHERE is_definition
    """)
    # events: episodes between two states, expanded by their templates, cut at n_events
    tmpl_weights = []
    acc = 0
    total = sum(WEIGHTS.values())
    for name in EPISODES:
        acc += WEIGHTS[name]
        tmpl_weights.append((name, acc))
    pick_t = (
        "CASE "
        + " ".join(f"WHEN pick(e, 30, {total}) < {a} THEN '{n}'" for n, a in tmpl_weights)
        + " END"
    )
    avg = sum(WEIGHTS[n] * len(s) for n, s in EPISODES.items()) / total
    n_ep = int(n_events / avg * 1.3) + 10
    con.execute(f"""
    CREATE TEMP TABLE w_events AS
    WITH ep AS (
      SELECT e, {pick_t} AS template,
             pick(e, 31, {n_states}) AS a,
             pick(e, 34, {SPAN}) AS d0
      FROM range({n_ep}) AS r(e)
    ),
    dy AS (
      SELECT e, template, a, (a + 1 + pick(e, 32, {n_states} - 1)) % {n_states} AS b,
             d0 FROM ep
    ),
    third AS (
      SELECT *, (b + 1 + pick(e, 33, greatest({n_states} - 2, 1))) % {n_states} AS c0 FROM dy
    ),
    steps AS ({_episode_table()}),
    expanded AS (
      SELECT t.e, s.step, s.type,
             CASE s.actor_role WHEN 0 THEN t.a WHEN 1 THEN t.b
                  ELSE CASE WHEN t.c0 = t.a THEN (t.c0 + 1) % {n_states} ELSE t.c0 END END
               AS actor,
             CASE s.target_role WHEN 0 THEN t.a WHEN 1 THEN t.b END AS target,
             day_of(least(t.d0 + s.offset_days, {SPAN + 1460})) AS day
      FROM third AS t JOIN steps AS s ON s.template = t.template
      WHERE {n_states} > 2 OR s.actor_role < 2
    ),
    numbered AS (
      SELECT *, row_number() OVER (ORDER BY e, step) - 1 AS n FROM expanded
    )
    SELECT n, 'ev-' || lpad(CAST(n AS VARCHAR), 8, '0') AS id, type,
           sid(actor) AS actor, CASE WHEN target IS NOT NULL THEN sid(target) END AS target,
           day, pick(n, 40, 1000) < {int(fuzzy * 1000)} AS fuzzy
    FROM numbered WHERE n < {n_events}
    """)
