"""The masked plan's sweep against the per-scenario sweep it replaced: a measurement.

Up to session 43 the inertia sweep ran over both scenarios' points, partitioned by the scenario,
and the certainty then grouped both scenarios' intervals to find those they share
(`_foedus_odd_*`). Since session 44 the plan's rows carry the mask of their scenarios (mask 3 a
point both have; 1 the early only, 2 the late only): the compiler's sweep
(`foedus.engine.compile_inertia._sweep`, run here as the compiler makes it) reads each scenario's
state over one sort of the merged points, and an interval both scenarios have is one row of mask 3
without a grouping. This script times the two on the same synthetic points (random keys, values
and days; a fraction of them fuzzy, the late scenario's point some days later) and checks that
they give each scenario the same intervals. It times the sweep's statements only: the points of
the masked form are made before the clock starts, as the masked plan has them.

    python benchmarks/masked_sweep.py [--points 1000000] [--fuzzy 0.1] [--runs 3]

Session 40 (docs/performance.md, "Session 40"), 10^6 points a scenario, the masked sweep
reading each scenario's previous kind and first end through framed windows (``last_value ...
IGNORE NULLS`` over the rows before, ``min`` over the rows after): 10 % fuzzy, the per-scenario
sweep and grouping 0.42-0.51 s, the masked one 0.39-0.47 s (7-14 % less; 1,097,854 merged
points against 2,000,000 rows); 2 % fuzzy, 17 % less; 50 % fuzzy, 28 % more. Session 43
("Session 43"), each scenario's previous kind a ``lag`` and its next end a ``lead`` (both
``IGNORE NULLS``, one window, then a grouping of equal intervals): 10 % fuzzy, 0.32-0.33 s
against the per-scenario 0.40-0.42 s (20 % less); 2 % fuzzy 0.29 s against 0.39 s (24 % less);
50 % fuzzy 0.43 s against 0.39 s (11 % more); the framed form 0.44-0.46 s in the same runs.
Session 44 ("Session 44"), the compiler's sweep (a start both scenarios have, with the same end,
one row of mask 3: no grouping): 10 % fuzzy, 0.29 s against 0.39 s (25 % less); each scenario's
intervals the same.
"""

from __future__ import annotations

import argparse
import time

import duckdb

#: The sweep of sessions up to 43: each scenario's points swept apart (the window partitioned by
#: the scenario), then the grouping that found the intervals both scenarios have (the twins of
#: the certainty, ``_foedus_odd_*``).
BEFORE = [
    """
CREATE OR REPLACE TEMP TABLE out_before AS
SELECT scn, k, v, p AS start, nxt AS "end" FROM (
  SELECT scn, k, v, p, e,
         lag(e, 1, 1) OVER w AS pe,
         lead(CASE WHEN e = 1 THEN p END IGNORE NULLS) OVER w AS nxt
  FROM pts WINDOW w AS (PARTITION BY scn, k, v ORDER BY p, e))
WHERE e = 0 AND pe = 1 AND (nxt IS NULL OR p < nxt)""",
    """
CREATE OR REPLACE TEMP TABLE twins_before AS
SELECT k, v, start, "end",
       CASE WHEN min(scn) < max(scn) THEN 3 WHEN min(scn) = 0 THEN 1 ELSE 2 END AS m
FROM out_before GROUP BY ALL""",
]


def masked() -> list[str]:
    """The compiler's masked sweep (:func:`foedus.engine.compile_inertia._sweep` with both
    scenarios' bits), over the merged points: no grouping after it."""
    from foedus.engine.compile_inertia import _sweep
    from foedus.engine.compile_sql import bits, col, select, table

    points = select(*map(col, ["m", "k", "v", "p", "e"])).from_(table("mpts"))
    swept = _sweep(points, ["k", "v"], ["k", "v"], bits(2)).sql("duckdb")
    return [f"CREATE OR REPLACE TEMP TABLE out_masked AS {swept}"]


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
    statements = masked()
    print(f"per-scenario rows {rows:,}; masked rows {merged:,}")
    for _ in range(a.runs):
        print(
            f"before: sweep and twins {timed(con, BEFORE):.3f} s | "
            f"masked (the compiler's): sweep {timed(con, statements):.3f} s"
        )
    # each scenario's intervals, from either: the same (a masked interval may be one row of
    # mask 3 or, where its scenarios came from different points, a row of each bit)
    each = """SELECT b.scn, k, v, start, "end" FROM {t}
              JOIN (VALUES (0, 1), (1, 2)) AS b(scn, bit) ON (m & b.bit) <> 0"""
    a_, b_ = each.format(t="twins_before"), each.format(t="out_masked")
    differ = con.execute(
        f"SELECT count(*) FROM (({a_} EXCEPT ALL {b_}) UNION ALL ({b_} EXCEPT ALL {a_}))"
    ).fetchall()[0][0]
    ((n,),) = con.execute("SELECT count(*) FROM out_masked").fetchall()
    print(f"masked rows out {n:,}; each scenario's intervals that differ between the two: {differ}")


if __name__ == "__main__":
    main()
