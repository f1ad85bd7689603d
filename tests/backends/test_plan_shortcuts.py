"""How the DuckDB backend runs a plan with less work and the same intervals
(src/foedus/backends/base.py: :func:`live_steps`; src/foedus/backends/settle.py:
:func:`settle_on_points`; src/foedus/backends/duckdb.py: :meth:`DuckDBBackend.output_into`)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlglot import exp

from foedus.backends.base import live_steps
from foedus.backends.duckdb import DuckDBBackend
from foedus.backends.settle import Moved, Patched, settle_on_points
from foedus.engine.compile import OUTPUT, Fixpoint, Materialize, Plan, compile_program
from foedus.engine.narrative import Happening, Interval
from foedus.engine.reference import evaluate
from foedus.rules import parse_rules

#: Cycles through time: two fluents that read each other; one that ends itself (a territory
#: stays part of a state until that state ends); one carried on by succession.
CYCLES = {
    "pair": """
        fluent a(X). fluent b(X).
        ra: initiated a(X) when e(X), not b(X).
        rb: initiated b(X) when f(X), a(X).
        terminated a(X) when g(X).
    """,
    "self": """
        fluent part_of(X) = Y.
        into: initiated part_of(X) = Y when annex(Y, X).
        free: terminated part_of(X) = _ when free(X).
        gone: terminated part_of(X) = Y when end(Y), part_of(X) = Y.
    """,
    "succession": """
        fluent joined(X, T).
        join: initiated joined(X, T) when join(X, T).
        leave: terminated joined(X, T) when leave(X, T).
        heir: initiated joined(Y, T) when succession(X, Y), joined(X, T).
        gone: terminated joined(X, T) when succession(X, _), joined(X, T).
    """,
}

_EVENTS = {
    "pair": [("e", 1), ("f", 1), ("g", 1)],
    "self": [("annex", 2), ("free", 1), ("end", 1)],
    "succession": [("join", 2), ("leave", 2), ("succession", 2)],
}


def _narrative(kind: str, seed: int) -> list[Happening]:
    """Random happenings of the cycle's events over a few actors, a fifth of them fuzzy."""
    rng = random.Random(seed)
    names = ["x", "y", "z", "t"]
    out = []
    for i in range(rng.randint(5, 40)):
        name, arity = rng.choice(_EVENTS[kind])
        early = rng.randint(1, 30)
        late = early + (rng.randint(1, 6) if rng.random() < 0.2 else 0)
        args = tuple(rng.choice(names) for _ in range(arity))
        out.append(Happening(name, args, early, late, f"h{i:02d}"))
    return out


class _Counting(DuckDBBackend):
    """Counts the statements that sweep every key of a cycle's points into intervals (not the
    sweeps of the changed keys only), and its rounds (the statements that count what changed)."""

    def __init__(self) -> None:
        super().__init__()
        self.nexts = 0
        self.rounds = 0

    def execute(self, sql: str) -> None:
        if '"_foedus_next_' in sql.split(" AS ", 1)[0]:
            self.nexts += 1
        super().execute(sql)

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        if '"changed"' in sql:
            self.rounds += 1
        return super().fetch(sql)


class _PlainCounting(_Counting):
    """The cycle run as compiled: every round makes its intervals again."""

    settle_on_points = False


class _Recording(DuckDBBackend):
    def __init__(self) -> None:
        super().__init__()
        self.made: list[str] = []

    def execute(self, sql: str) -> None:
        self.made.append(sql)
        super().execute(sql)


def _rows(intervals: list[Interval]) -> list[tuple[object, ...]]:
    return sorted(
        (
            i.fluent,
            i.args,
            i.value,
            i.start,
            i.end or -1,
            i.certainty,
            i.rule or "",
            i.initiated_by or "",
        )
        for i in intervals
    )


@pytest.mark.parametrize("kind", sorted(CYCLES))
def test_a_cycle_settled_on_its_points_has_the_intervals_of_the_compiled_cycle(kind: str) -> None:
    program = parse_rules(CYCLES[kind])
    fewer = fewer_rounds = 0
    for seed in range(25):
        narrative = _narrative(kind, seed)
        counting = _Counting()
        got = counting.evaluate(program, narrative, max_rounds=60)
        plain = _PlainCounting()
        want = plain.evaluate(program, narrative, max_rounds=60)
        assert _rows(got) == _rows(want), seed
        assert _rows(got) == _rows(evaluate(program, narrative)), seed
        assert counting.nexts <= plain.nexts
        assert counting.rounds <= plain.rounds
        fewer += counting.nexts < plain.nexts
        fewer_rounds += counting.rounds <= plain.rounds - 2
    assert fewer > 0  # after the first round, only the changed keys are swept again
    # two fluents that read each other: a round carries a change through both (b reads a as
    # this round made it), where the compiled cycle needs a round for each; with one fluent,
    # only the round that found nothing changed is saved (the first round is not counted)
    assert (fewer_rounds > 0) == (kind == "pair")


def test_a_cycle_is_rewritten_only_when_its_intervals_are_made_from_its_points() -> None:
    events = compile_program(parse_rules(CYCLES["self"]), scenarios=2)
    (cycle,) = [s for s in events.steps if isinstance(s, Fixpoint)]
    rewritten = settle_on_points(cycle)
    assert rewritten is not None
    first, loop, last, scratch = rewritten
    assert cycle.keyed == (("gone", ("part_of",)),)  # it reads part_of at its own key
    # once: the initiations, and the termination that reads nothing of the cycle (free)
    once = [m.table for m in first]
    assert "_foedus_init_part_of" in once and "_foedus_fixed_term_part_of" in once
    assert "'free'" in next(m for m in first if m.table == "_foedus_fixed_term_part_of").query.sql()
    # each round: the rule that reads part_of (gone) only at the keys where part_of changed,
    # its points there set aside, made again and patched in place (nothing copied whole), the
    # keys whose points changed, their points read from the pieces the terminations are made
    # of (not the whole made again), swept again, and the intervals patched there in place
    assert [(type(m).__name__, m.table) for m in loop.body] == [
        ("Materialize", "_foedus_touch_term_part_of"),
        ("Materialize", "_foedus_kold_term_part_of"),
        ("Materialize", "_foedus_knew_term_part_of"),
        ("Patched", "_foedus_kvar_term_part_of"),
        ("Materialize", "_foedus_delta_part_of"),
        ("Materialize", "_foedus_dinit_part_of"),
        ("Materialize", "_foedus_dterm_part_of"),
        ("Materialize", "_foedus_dnext_part_of"),
        ("Patched", "_foedus_fl_part_of"),
    ]
    dterm = next(m for m in loop.body if m.table == "_foedus_dterm_part_of").query.sql("duckdb")
    assert "_foedus_fixed_term_part_of" in dterm and "_foedus_kvar_term_part_of" in dterm
    assert "FROM _foedus_term_part_of" not in dterm
    again = loop.body[2].query.sql("duckdb")
    assert "'gone'" in again and "'free'" not in again and "_foedus_touch_term_part_of" in again
    assert "_foedus_kvar_term_part_of" not in again  # only the keys in touch: nothing kept
    aside = loop.body[1].query.sql("duckdb")
    assert "FROM _foedus_kvar_term_part_of" in aside and "_foedus_touch_term_part_of" in aside
    delta = loop.body[4].query.sql("duckdb")  # the new points against those they replaced
    assert "_foedus_knew_term_part_of" in delta and "_foedus_kold_term_part_of" in delta
    assert "_foedus_kvar_term_part_of" not in delta
    assert loop.swap == ()
    points, patched = loop.body[3], loop.body[-1]
    assert isinstance(points, Patched) and isinstance(patched, Patched)
    assert not any(isinstance(m, Moved) for m in loop.body)
    delete, insert = (s.sql("duckdb") for s in points.in_place())
    assert delete.startswith("DELETE FROM _foedus_kvar_term_part_of WHERE EXISTS")
    assert "_foedus_touch_term_part_of" in delete
    assert insert == "INSERT INTO _foedus_kvar_term_part_of SELECT * FROM _foedus_knew_term_part_of"
    delete, insert = (s.sql("duckdb") for s in patched.in_place())
    assert delete.startswith("DELETE FROM _foedus_fl_part_of WHERE EXISTS")
    assert "_foedus_delta_part_of" in delete
    assert insert == "INSERT INTO _foedus_fl_part_of SELECT * FROM _foedus_dnext_part_of"
    # the rounds sweep without provenance (what the rules read are the intervals); the
    # settled intervals are given theirs once, from the same points
    swept = loop.body[-2].query.sql("duckdb")
    assert "CAST(NULL AS TEXT) AS initiated_by" in swept and "MATERIALIZED" not in swept
    # the terminations made whole once more, from the settled pieces, for the provenance
    assert [(type(m).__name__, m.table) for m in last] == [
        ("Materialize", "_foedus_term_part_of"),
        ("Materialize", "_foedus_given_part_of"),
        ("Moved", "_foedus_fl_part_of"),
    ]
    assert "_foedus_kvar_term_part_of" in last[0].query.sql("duckdb")
    given = last[1].query.sql("duckdb")
    assert "FROM _foedus_fl_part_of" in given and "_foedus_init_part_of" in given
    assert "initiated_by" in given and "_foedus_dinit_part_of" not in given
    assert set(scratch) >= {"_foedus_kold_term_part_of", "_foedus_delta_part_of"}
    succession = compile_program(parse_rules(CYCLES["succession"]), scenarios=2)
    (heirs,) = [s for s in succession.steps if isinstance(s, Fixpoint)]
    assert heirs.keyed == (("gone", ("joined",)),)  # heir reads joined(X, T) for joined(Y, T)
    static = parse_rules("""
        fluent a(X). fluent b(X). fluent s(X).
        initiated a(X) when e(X), not s(X).
        terminated a(X) when g(X).
        initiated b(X) when f(X).
        s(X) holds for a(X) and b(X).
    """)
    (inside,) = [s for s in compile_program(static).steps if isinstance(s, Fixpoint)]
    assert settle_on_points(inside) is None  # a static fluent reads the intervals themselves
    narrative = [
        Happening(n, ("x",), t, t, f"h{t}") for n, t in [("f", 1), ("e", 2), ("g", 4), ("e", 6)]
    ]
    assert _rows(DuckDBBackend().evaluate(static, narrative)) == _rows(evaluate(static, narrative))


def test_a_keyed_rule_with_a_negated_condition_is_made_at_its_changed_keys() -> None:
    """With two scenarios a negated condition takes scenarios away from a point's mask, and
    the rule's points are filtered by an outer query: it still names the rule's label and key,
    so that the rule (``ra``, which reads ``b`` at its own key) is made each round only at the
    keys where ``b`` changed, as without the negation."""
    plan = compile_program(parse_rules(CYCLES["pair"]), scenarios=2)
    (cycle,) = [s for s in plan.steps if isinstance(s, Fixpoint)]
    assert ("ra", ("b",)) in cycle.keyed
    rewritten = settle_on_points(cycle)
    assert rewritten is not None
    _, loop, _, _ = rewritten
    again = [m for m in loop.body if m.table == "_foedus_knew_init_a"]
    assert len(again) == 1 and "_foedus_touch_init_a" in again[0].query.sql("duckdb")


def _table(name: str, query: str) -> Materialize:
    return Materialize(name, exp.maybe_parse(query, dialect="duckdb"))  # type: ignore[arg-type]


def test_a_table_nothing_reads_is_not_made() -> None:
    plan = Plan(
        steps=[
            _table("_foedus_a", "SELECT 1 AS x"),
            _table("_foedus_b", "SELECT x + 1 AS x FROM _foedus_a"),
            _table("_foedus_unread", "SELECT 2 AS x"),
            _table("_foedus_c", "SELECT 3 AS x FROM _foedus_unread"),
            _table(
                OUTPUT,
                "SELECT 'f' AS fluent, ['a'] AS args, 'true' AS value, x AS start, NULL AS end, "
                "'certain' AS certainty, NULL AS rule, NULL AS initiated_by, "
                "NULL AS terminated_by FROM _foedus_b",
            ),
        ],
        scenarios=1,
        event_arity=0,
        fact_arities={},
        intermediates=["_foedus_a", "_foedus_b", "_foedus_unread", "_foedus_c"],
    )
    assert [s.table for s in live_steps(plan)] == ["_foedus_a", "_foedus_b", OUTPUT]  # type: ignore[union-attr]
    kept = live_steps(plan, keep=["_foedus_c"])
    assert [s.table for s in kept] == [s.table for s in plan.steps]  # type: ignore[union-attr]
    backend = _Recording()
    backend.run(plan)
    assert not any("_foedus_unread" in s for s in backend.made if not s.startswith("DROP"))
    assert backend.fetch("SELECT start FROM intervals") == [(2,)]


def test_the_output_goes_straight_into_another_table() -> None:
    program = parse_rules(CYCLES["self"])
    narrative = _narrative("self", 3)
    plain = DuckDBBackend()
    assert plain.evaluate(program, narrative)  # the narrative makes some intervals
    want = plain.fetch("SELECT * FROM intervals")
    backend = DuckDBBackend()
    backend.con.execute(
        "CREATE TABLE out (who VARCHAR, fluent VARCHAR, args VARCHAR[], value VARCHAR, "
        'start BIGINT, "end" BIGINT, certainty VARCHAR, rule VARCHAR, initiated_by VARCHAR, '
        "terminated_by VARCHAR)"
    )
    with backend.output_into("out", "who", "it's mine"):
        assert backend.evaluate(program, narrative) == []  # nothing in intervals
    rows = backend.fetch("SELECT * FROM out")
    assert {r[0] for r in rows} == {"it's mine"}
    assert sorted(r[1:] for r in rows) == sorted(want)
