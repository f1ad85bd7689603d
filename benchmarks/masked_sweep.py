"""Would a plan whose rows carry the mask of their scenarios sweep more cheaply? A measurement.

The inertia sweep of today's plan (`foedus.engine.compile_inertia._sweep`, run here as the compiler
makes it) runs over both scenarios' points, partitioned by the scenario, and the certainty then
groups both scenarios' intervals to find those they share (`_foedus_odd_*`). A *masked* plan would
keep one row for a point both scenarios have (mask 3; 1 the early only, 2 the late only), sweep
each scenario's state over one sort of the merged points, and merge equal intervals into one masked
row: its twins would come for free. This script times the two on the same synthetic points (random
keys, values and days; a fraction of them fuzzy, the late scenario's point some days later) and
checks that they give the same intervals with the same masks. It times the sweep's statements only:
the points of the masked form are made before the clock starts, as a masked plan would have them.

    python benchmarks/masked_sweep.py [--points 1000000] [--fuzzy 0.1] [--runs 3]

Session 40 (docs/performance.md, "Session 40"), 10^6 points a scenario, the masked sweep
reading each scenario's previous kind and first end through framed windows (``last_value ...
IGNORE NULLS`` over the rows before, ``min`` over the rows after): 10 % fuzzy, today's sweep and
grouping 0.42-0.51 s, the masked one 0.39-0.47 s (7-14 % less; 1,097,854 merged points against
2,000,000 rows); 2 % fuzzy, 17 % less; 50 % fuzzy, 28 % more. Session 43 ("Session 43"), the
masked sweep as here, each scenario's previous kind a ``lag`` and its next end a ``lead`` (both
``IGNORE NULLS``, one window): 10 % fuzzy, 0.32-0.33 s against today's 0.40-0.42 s (20 % less);
2 % fuzzy 0.29 s against 0.39 s (24 % less); 50 % fuzzy 0.43 s against 0.39 s (11 % more); the
framed form 0.44-0.46 s in the same runs. The same intervals and masks every time.
"""

from __future__ import annotations

import argparse
import time

import duckdb


def today() -> list[str]:
    """Today's form: both scenarios' points swept by the compiler's own sweep
    (:func:`foedus.engine.compile_inertia._sweep`, partitioned by the scenario), then the
    grouping that finds the twins, as the certainty's (``_foedus_odd_*``) does."""
    from foedus.engine.compile_inertia import _sweep
    from foedus.engine.compile_sql import col, select, table

    kv = ["scn", "k", "v"]
    points = select(*map(col, [*kv, "p", "e"])).from_(table("pts"))
    swept = _sweep(points, kv, kv).sql("duckdb")
    return [
        f"CREATE OR REPLACE TEMP TABLE out_today AS {swept}",
        """
CREATE OR REPLACE TEMP TABLE twins_today AS
SELECT k, v, start, "end",
       CASE WHEN min(scn) < max(scn) THEN 3 WHEN min(scn) = 0 THEN 1 ELSE 2 END AS m
FROM out_today GROUP BY ALL""",
    ]


#: The masked form: each scenario's previous kind and next end over the one sort of the merged
#: points (the nearest point of that scenario before this one, and its next end after it: a
#: ``lag`` and a ``lead`` of the scenario's values, ``IGNORE NULLS``), each scenario's
#: intervals, merged into masks.
MASKED = [
    """
CREATE OR REPLACE TEMP TABLE out_masked AS
WITH sw AS (
  SELECT k, v, p, e, m,
         lag(CASE WHEN m & 1 <> 0 THEN e END IGNORE NULLS) OVER w AS pe1,
         lag(CASE WHEN m & 2 <> 0 THEN e END IGNORE NULLS) OVER w AS pe2,
         lead(CASE WHEN e = 1 AND m & 1 <> 0 THEN p END IGNORE NULLS) OVER w AS n1,
         lead(CASE WHEN e = 1 AND m & 2 <> 0 THEN p END IGNORE NULLS) OVER w AS n2
  FROM mpts
  WINDOW w AS (PARTITION BY k, v ORDER BY p, e)),
ivs AS (
  SELECT k, v, p AS start, n1 AS "end", 1 AS b FROM sw
  WHERE e = 0 AND m & 1 <> 0 AND coalesce(pe1, 1) = 1 AND (n1 IS NULL OR p < n1)
  UNION ALL
  SELECT k, v, p, n2, 2 FROM sw
  WHERE e = 0 AND m & 2 <> 0 AND coalesce(pe2, 1) = 1 AND (n2 IS NULL OR p < n2))
SELECT k, v, start, "end", bit_or(b) AS m FROM ivs GROUP BY ALL""",
]


def points(con: duckdb.DuckDBPyConnection, n: int, fuzzy: float) -> tuple[int, int]:
    """``pts`` (today's rows: each point once per scenario) and ``mpts`` (one row per point
    and mask); their row counts."""
    per_mille = round(fuzzy * 1000)
    con.execute(
        f"""CREATE OR REPLACE TABLE base AS
        SELECT i % 1000 AS k, (i // 1000) % 5 AS v, (hash(i) % 30000)::BIGINT AS p,
               (hash(i * 7) % 2)::INT AS e, hash(i * 13) % 1000 < {per_mille} AS fuzzy,
               (1 + hash(i * 17) % 30)::BIGINT AS shift
        FROM range({n}) AS t(i)"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE pts AS
        SELECT 0 AS scn, k, v, p, e FROM base
        UNION ALL SELECT 1, k, v, CASE WHEN fuzzy THEN p + shift ELSE p END, e FROM base"""
    )
    con.execute(
        """CREATE OR REPLACE TABLE mpts AS
        SELECT k, v, p, e, bit_or(m) AS m FROM (
          SELECT k, v, p, e, CASE WHEN fuzzy THEN 1 ELSE 3 END AS m FROM base
          UNION ALL SELECT k, v, p + shift, e, 2 FROM base WHERE fuzzy)
        GROUP BY ALL"""
    )
    ((a,),) = con.execute("SELECT count(*) FROM pts").fetchall()
    ((b,),) = con.execute("SELECT count(*) FROM mpts").fetchall()
    return a, b


def timed(con: duckdb.DuckDBPyConnection, statements: list[str]) -> float:
    t = time.perf_counter()
    for s in statements:
        con.execute(s)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=1_000_000, help="points of one scenario")
    ap.add_argument("--fuzzy", type=float, default=0.1, help="the fraction of fuzzy points")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    con = duckdb.connect()
    rows, merged = points(con, a.points, a.fuzzy)
    statements = today()
    print(f"today's rows {rows:,}; masked rows {merged:,}")
    for _ in range(a.runs):
        print(
            f"today: sweep and twins {timed(con, statements):.3f} s | "
            f"masked: sweep and merge {timed(con, MASKED):.3f} s"
        )
    differ = con.execute(
        """SELECT count(*) FROM (
             (SELECT * FROM twins_today EXCEPT SELECT * FROM out_masked)
             UNION ALL (SELECT * FROM out_masked EXCEPT SELECT * FROM twins_today))"""
    ).fetchall()[0][0]
    ((n,),) = con.execute("SELECT count(*) FROM out_masked").fetchall()
    print(f"intervals {n:,}; rows that differ between the two: {differ}")


if __name__ == "__main__":
    main()
