"""The SQL compiler, construct by construct, on DuckDB; and the plan in both dialects."""

from __future__ import annotations

import duckdb
import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from foedus.backends.base import FixpointError
from foedus.backends.duckdb import DuckDBBackend
from foedus.engine.compile import Fixpoint, Materialize, compile_program
from foedus.engine.narrative import Happening
from foedus.engine.reference import evaluate
from foedus.rules import parse_rules

H = Happening


@pytest.fixture(scope="module")
def backend() -> DuckDBBackend:
    return DuckDBBackend(duckdb.connect())


def rows(
    backend: DuckDBBackend,
    text: str,
    happenings: list[Happening],
    facts: dict | None = None,
    fluent: str | None = None,
) -> set[tuple]:
    """(fluent, args, value, start, end[, certainty]) rows, checked against the reference."""
    program = parse_rules(text, "t.rules")
    got = backend.evaluate(program, happenings, facts)
    assert set(got) == set(evaluate(program, happenings, facts))
    return {
        (i.fluent, i.args, i.value, i.start, i.end)
        + (() if i.certainty == "certain" else (i.certainty,))
        for i in got
        if fluent is None or i.fluent == fluent
    }


BOOL = """
fluent active(Item).
initiated active(X) when start(X).
terminated active(X) when stop(X).
"""


def test_ties_termination_wins_and_repeats_are_absorbed(backend: DuckDBBackend) -> None:
    hs = [
        H("stop", ("x",), 1, 1),
        H("start", ("x",), 3, 3),
        H("start", ("x",), 5, 5),
        H("start", ("x",), 8, 8),
        H("stop", ("x",), 8, 8),  # holding: ends at 9
        H("start", ("x",), 10, 10),
        H("stop", ("x",), 10, 10),  # not holding: no start
        H("start", ("x",), 12, 12),
        H("start", ("x",), 12, 12),
    ]  # duplicate: one start
    assert rows(backend, BOOL, hs) == {
        ("active", ("x",), "true", 4, 9),
        ("active", ("x",), "true", 13, None),
    }


MULTI = """
fluent mode(Item) = Level.
initiated mode(X) = V when set(X, V).
initiated mode(X) = high when boost(X).
terminated mode(X) = _ when clear(X).
"""


def test_broken_values_and_two_values_at_once(backend: DuckDBBackend) -> None:
    hs = [
        H("set", ("m", "low"), 1, 1),
        H("set", ("m", "mid"), 4, 4),
        H("set", ("m", "low"), 6, 6),
        H("set", ("m", "high"), 6, 6),  # break each other
        H("boost", ("m",), 8, 8),
        H("set", ("m", "high"), 8, 8),  # the same value twice
        H("clear", ("m",), 10, 10),
        H("set", ("m", "low"), 10, 10),
    ]  # `= _` wins
    assert rows(backend, MULTI, hs) == {
        ("mode", ("m",), "low", 2, 5),
        ("mode", ("m",), "mid", 5, 7),
        ("mode", ("m",), "high", 9, 11),
    }


VALUED = """
fluent mode(Item) = Level.
initiated mode(X) = V when set(X, V).
terminated mode(X) = V when unset(X, V).
"""


def test_a_value_initiated_and_terminated_at_one_point(backend: DuckDBBackend) -> None:
    """Termination wins: the value does not start there, or ends there if it held; another
    value that held ends there; the next set point starts what it sets."""
    hs = [
        H("set", ("m", "low"), 1, 1),
        H("set", ("m", "low"), 3, 3),
        H("unset", ("m", "low"), 3, 3),  # low held: ends at 4
        H("set", ("m", "low"), 5, 5),  # starts again
        H("set", ("m", "mid"), 7, 7),
        H("set", ("m", "high"), 9, 9),
        H("unset", ("m", "high"), 9, 9),  # high does not start; mid ends at 10
        H("set", ("m", "mid"), 11, 11),
        H("set", ("m", "high"), 13, 13),
        H("unset", ("m", "high"), 13, 13),
        H("set", ("m", "high"), 15, 15),  # after a tie of its own: starts
        H("unset", ("m", "mid"), 17, 17),  # nothing holds it
    ]
    assert rows(backend, VALUED, hs) == {
        ("mode", ("m",), "low", 2, 4),
        ("mode", ("m",), "low", 6, 8),
        ("mode", ("m",), "mid", 8, 10),
        ("mode", ("m",), "mid", 12, 14),
        ("mode", ("m",), "high", 16, None),
    }


def test_closed_domain_ignores_other_values(backend: DuckDBBackend) -> None:
    text = """
    fluent mode(Item) = {low, high}.
    initiated mode(X) = V when set(X, V).
    """
    hs = [H("set", ("m", "low"), 1, 1), H("set", ("m", "mid"), 3, 3), H("set", ("m", "high"), 5, 5)]
    assert rows(backend, text, hs) == {
        ("mode", ("m",), "low", 2, 6),
        ("mode", ("m",), "high", 6, None),
    }


def test_conditions_read_what_held_before_the_event(backend: DuckDBBackend) -> None:
    text = """
    fluent powered(Item).
    fluent running(Item).
    fact spare(Item).
    initiated powered(X) when on(X).
    terminated powered(X) when off(X).
    initiated running(X) when launch(X), powered(X), not spare(X).
    terminated running(X) when off(X).
    """
    hs = [
        H("on", ("k",), 2, 2),
        H("launch", ("k",), 2, 2),
        H("launch", ("k",), 4, 4),
        H("on", ("s",), 1, 1),
        H("launch", ("s",), 3, 3),
        H("off", ("k",), 6, 6),
    ]
    assert rows(backend, text, hs, {"spare": {("s",)}}, "running") == {
        ("running", ("k",), "true", 5, 7)
    }


SDF = """
fluent red(Item).
fluent green(Item).
fluent lit(Item).
fluent both(Item).
fluent only_red(Item).
initiated red(X) when red_on(X).
terminated red(X) when red_off(X).
initiated green(X) when green_on(X).
terminated green(X) when green_off(X).
lit(X) holds for red(X) or green(X).
both(X) holds for red(X) and green(X).
only_red(X) holds for red(X) except green(X).
"""


def test_static_operators_on_touching_intervals(backend: DuckDBBackend) -> None:
    hs = [
        H("red_on", ("l",), 1, 1),
        H("red_off", ("l",), 4, 4),
        H("green_on", ("l",), 4, 4),
        H("green_off", ("l",), 8, 8),
        H("red_on", ("l",), 6, 6),
    ]
    got = rows(backend, SDF, hs)
    assert {r for r in got if r[0] == "lit"} == {("lit", ("l",), "true", 2, None)}
    assert {r for r in got if r[0] == "both"} == {("both", ("l",), "true", 7, 9)}
    assert {r for r in got if r[0] == "only_red"} == {
        ("only_red", ("l",), "true", 2, 5),
        ("only_red", ("l",), "true", 9, None),
    }


def test_projection_and_where(backend: DuckDBBackend) -> None:
    text = """
    fluent controlled_by(State) = State.
    fact neighbour(State, State).
    fluent occupied(State).
    fluent threatened(State).
    initiated controlled_by(S) = P when invade(P, S).
    terminated controlled_by(S) = P when withdraw(P, S).
    occupied(S) holds for controlled_by(S) = _.
    threatened(S) holds for occupied(N) where neighbour(S, N).
    """
    hs = [
        H("invade", ("ru", "lv"), 1, 1),
        H("invade", ("de", "lv"), 3, 3),
        H("withdraw", ("de", "lv"), 6, 6),
        H("invade", ("de", "ee"), 2, 2),
        H("withdraw", ("de", "ee"), 4, 4),
    ]
    got = rows(backend, text, hs, {"neighbour": {("lt", "lv"), ("lt", "ee")}})
    assert {r for r in got if r[0] == "occupied"} == {
        ("occupied", ("lv",), "true", 2, 7),
        ("occupied", ("ee",), "true", 3, 5),
    }
    assert {r for r in got if r[0] == "threatened"} == {("threatened", ("lt",), "true", 2, 7)}


def test_fuzzy_dates_give_certain_and_possible(backend: DuckDBBackend) -> None:
    hs = [H("start", ("x",), 10, 14, "a"), H("stop", ("x",), 20, 20, "b")]
    assert rows(backend, BOOL, hs) == {
        ("active", ("x",), "true", 11, 15, "possible"),
        ("active", ("x",), "true", 15, 21),
    }


CYCLE = """
fluent a(Item).
fluent b(Item).
initiated a(X) when e(X), not b(X).
initiated b(X) when f(X), a(X).
terminated a(X) when f(X), b(X).
terminated b(X) when g(X).
"""


def test_through_time_cycle_is_a_fixpoint(backend: DuckDBBackend) -> None:
    plan = compile_program(parse_rules(CYCLE, "t.rules"))
    assert any(isinstance(s, Fixpoint) and s.fluents == ("a", "b") for s in plan.steps)
    hs = [
        H("e", ("x",), 1, 1),
        H("f", ("x",), 3, 3),
        H("f", ("x",), 5, 5),
        H("g", ("x",), 7, 7),
        H("e", ("x",), 8, 8),
    ]
    assert rows(backend, CYCLE, hs) == {
        ("a", ("x",), "true", 2, 6),
        ("b", ("x",), "true", 4, 8),
        ("a", ("x",), "true", 9, None),
    }


NULLARY_CYCLE = """
fluent a.
fluent b.
initiated a when e.
initiated b when f, a.
terminated a when f, b.
terminated b when g.
"""


def test_a_cycle_of_fluents_without_arguments_with_fuzzy_dates(backend: DuckDBBackend) -> None:
    """A cycle's fluents without arguments have one key, the empty one: a round that changes
    any of their points sweeps the whole fluent again (in both scenarios), and the intervals,
    certainty and provenance are the reference's."""
    program = parse_rules(NULLARY_CYCLE, "t.rules")
    hs = [
        H("e", (), 1, 1, "h1"),
        H("f", (), 3, 4, "h2"),
        H("f", (), 5, 5, "h3"),
        H("g", (), 6, 8, "h4"),
        H("e", (), 8, 9, "h5"),
    ]
    got = sorted(backend.evaluate(program, hs))
    assert got == sorted(evaluate(program, hs))
    assert [(i.fluent, i.start, i.end, i.certainty) for i in got] == [
        ("a", 2, 6, "certain"),
        ("a", 9, 10, "possible"),
        ("a", 10, None, "certain"),
        ("b", 4, 5, "possible"),
        ("b", 5, 7, "certain"),
        ("b", 7, 9, "possible"),
    ]


def test_a_cycle_that_does_not_settle_is_an_error(backend: DuckDBBackend) -> None:
    hs = [H("e", ("x",), 1, 1), H("f", ("x",), 3, 3), H("f", ("x",), 5, 5)]
    with pytest.raises(FixpointError, match="a, b did not settle within 1 rounds"):
        backend.evaluate(parse_rules(CYCLE, "t.rules"), hs, max_rounds=1)


def test_provenance(backend: DuckDBBackend) -> None:
    text = """
    fluent mode(Item) = Level.
    r2: initiated mode(X) = V when set(X, V).
    r1: initiated mode(X) = high when boost(X).
    r3: terminated mode(X) = low when drop(X).
    """
    hs = [
        H("set", ("m", "high"), 1, 1, "h9"),
        H("boost", ("m",), 1, 1, "h5"),
        H("set", ("m", "low"), 4, 4, "h7"),
        H("drop", ("m",), 6, 6, "h3"),
        H("drop", ("m",), 6, 6, "h4"),
    ]
    got = sorted(backend.evaluate(parse_rules(text, "t.rules"), hs))
    assert [(i.value, i.start, i.end, i.rule, i.initiated_by, i.terminated_by) for i in got] == [
        ("high", 2, 5, "r1", "h5", "h7"),
        ("low", 5, 7, "r2", "h7", "h3"),
    ]


def test_runs_on_tables_already_loaded() -> None:
    con = duckdb.connect()
    be = DuckDBBackend(con)
    con.execute(
        "CREATE TABLE happenings (name VARCHAR, arity INT, a0 VARCHAR, "
        "t_early BIGINT, t_late BIGINT, id VARCHAR)"
    )
    con.execute(
        "INSERT INTO happenings VALUES ('start', 1, 'x', 2, 2, 'a'), ('stop', 1, 'x', 5, 5, 'b')"
    )
    got = be.evaluate_tables(parse_rules(BOOL, "t.rules"))
    assert [(i.args, i.start, i.end, i.initiated_by, i.terminated_by) for i in got] == [
        (("x",), 3, 6, "a", "b")
    ]
    assert con.execute("SELECT count(*) FROM intervals").fetchone() == (1,)


def test_the_event_table_is_a_table_that_the_joins_are_planned_on() -> None:
    """On DuckDB the plan's event table (every happening once per scenario) is a temporary
    table, made once and dropped with the plan's other intermediates: not a view of
    ``happenings``, which DuckDB plans joins on without its row counts (a view made the GGO
    corpus's build take 107 s instead of 6 s: one rule's join of a fact ``ON TRUE`` with two
    fluent tables was made before its events were filtered). The scratch backend of an
    incremental update makes it a table too."""
    from foedus.engine.compile import Materialize
    from foedus.engine.compile_event import EV

    program = parse_rules(BOOL, "t.rules")
    plan = compile_program(program, scenarios=2)
    con = duckdb.connect()
    be = DuckDBBackend(con)
    made: list[str] = []
    real = con.execute

    class Spy:
        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(con, name)

        def execute(self, sql: str, *a):  # type: ignore[no-untyped-def]
            made.append(sql)
            return real(sql, *a)

    be.con = Spy()  # type: ignore[assignment]
    be.load_happenings([H("start", ("x",), 2, 4), H("stop", ("x",), 5, 5)], 1)
    be.run(plan)
    assert any(q.startswith(f'CREATE OR REPLACE TEMPORARY TABLE "{EV}"') for q in made)
    assert not any("VIEW" in q for q in made)
    assert f'DROP TABLE IF EXISTS "{EV}"' in made
    got = con.execute('SELECT args, start, "end", certainty FROM intervals ORDER BY start')
    assert got.fetchall() == [(["x"], 3, 5, "possible"), (["x"], 5, 6, "certain")]
    scratch = be.scratch()
    step = next(s for s in plan.steps if isinstance(s, Materialize) and s.table == EV)
    assert scratch.sql(scratch.materialize(step)).startswith("CREATE OR REPLACE TEMPORARY TABLE")
    assert scratch.sql(scratch.drop(EV)) == f'DROP TABLE IF EXISTS "{EV}"'


def test_the_event_table_holds_only_the_happenings_a_rule_matches() -> None:
    """The plan's event table holds each happening of a name some event rule matches, once
    with the mask 3 when its date is exact, else once per scenario (mask 1 at its earliest
    time, 2 at its latest), and no other happening: every reader of the table asks for a
    rule's event name (in the 10^6 world half the happenings, acts of breach that no fluent
    rule reads, were copied twice into it). The intervals are those of every happening
    given."""
    from foedus.engine.compile_event import EV

    program = parse_rules(BOOL, "t.rules")
    plan = compile_program(program, scenarios=2)
    con = duckdb.connect()
    be = DuckDBBackend(con)
    be.load_happenings(
        [
            H("start", ("x",), 2, 4),
            H("noise", ("x",), 3, 3),
            H("stop", ("x",), 5, 5),
            H("noise", ("y",), 6, 6),
        ],
        1,
    )
    be.run(plan, keep=[EV])
    got = con.execute(f'SELECT m, name, a0, t FROM "{EV}" ORDER BY t, m').fetchall()
    assert got == [(1, "start", "x", 2), (2, "start", "x", 4), (3, "stop", "x", 5)]
    got = con.execute('SELECT args, start, "end", certainty FROM intervals ORDER BY start')
    assert got.fetchall() == [(["x"], 3, 5, "possible"), (["x"], 5, 6, "certain")]
    only_facts = compile_program(parse_rules("fact f(X).", "t.rules"), scenarios=1)
    be.load_facts("f", 1, [("x",)])
    be.run(only_facts, keep=[EV])
    assert con.execute(f'SELECT count(*) FROM "{EV}"').fetchone() == (0,)


def test_the_event_table_holds_only_the_forms_a_rule_matches_in_name_order() -> None:
    """A happening of a name some rule reads, but with another number of arguments than any
    rule of that name reads (``stop(x, y)`` where the rules read ``stop(X)``), is not in the
    plan's event table either: the corpus gives every act as ``E(Actor)`` and
    ``E(Actor, Target)``, and the 10^6 world's rules read only one of the two forms of most
    acts. On DuckDB the table is stored in the order of the happenings' names (each rule's
    read of it then skips the row groups of other names)."""
    from foedus.engine.compile_event import EV

    text = BOOL + "terminated active(X) when halt(X, _).\n"
    plan = compile_program(parse_rules(text, "t.rules"), scenarios=1)
    con = duckdb.connect()
    be = DuckDBBackend(con)
    be.load_happenings(
        [
            H("stop", ("x", "y"), 1, 1),
            H("start", ("x",), 2, 2),
            H("halt", ("x",), 3, 3),
            H("stop", ("x",), 4, 4),
            H("start", ("x", "y"), 5, 5),
            H("halt", ("x", "y"), 6, 6),
            H("start", ("x",), 7, 7),
        ],
        2,
    )
    be.run(plan, keep=[EV])
    got = con.execute(f'SELECT name, arity, t FROM "{EV}"').fetchall()  # as stored
    assert [n for n, _, _ in got] == sorted(n for n, _, _ in got)
    assert sorted(got) == [("halt", 2, 6), ("start", 1, 2), ("start", 1, 7), ("stop", 1, 4)]
    got = con.execute('SELECT start, "end" FROM intervals ORDER BY start').fetchall()
    assert got == [(3, 5), (8, None)]


def test_a_termination_of_a_value_never_initiated_is_not_swept() -> None:
    """The sweep of a multi-valued fluent reads a termination of one value only where the
    key has that value initiated somewhere (elsewhere it ends nothing: the 10^6 world's
    ``terminated displaced_by(X) = Y when withdrawal(Y, X)`` gave 183,000 of the 280,000
    rows of a sweep), and the points of every value's termination only where it sets the
    key's value. The intervals are the reference's (``rows``)."""
    from foedus.engine.compile_inertia import fluent_query

    q = fluent_query("init_t", "term_t", 1, multivalued=True, provenance=False)
    kills = [
        s
        for s in q.find_all(sqlglot.exp.Select)
        if any(t.name == "term_t" for t in s.find_all(sqlglot.exp.Table))
        and not any(t.name == "init_t" for t in s.args["from"].find_all(sqlglot.exp.Table))
    ]
    assert kills, q.sql("duckdb")
    for s in kills:  # each read of the terminations: one form of them, the other form gated
        where = s.args["where"].sql("duckdb") if s.args.get("where") else ""
        assert "value IS NULL" in where or ("EXISTS" in where and "init_t" in where), s.sql()
    text = MULTI + "terminated mode(X) = V when drop(X, V).\n"
    hs = [
        H("drop", ("m", "mid"), 1, 1),  # never initiated for m
        H("set", ("m", "low"), 2, 2),
        H("drop", ("m", "mid"), 4, 4),
        H("drop", ("n", "low"), 4, 4),  # low is m's, not n's
        H("drop", ("m", "low"), 6, 6),
        H("set", ("n", "mid"), 7, 7),
    ]
    assert rows(DuckDBBackend(duckdb.connect()), text, hs) == {
        ("mode", ("m",), "low", 3, 7),
        ("mode", ("n",), "mid", 8, None),
    }


def test_no_fluents_gives_an_empty_table(backend: DuckDBBackend) -> None:
    assert backend.evaluate(parse_rules("fact f(X).", "t.rules"), [H("e", (), 1, 1)]) == []


@pytest.mark.parametrize("dialect", ["duckdb", "spark"])
@pytest.mark.parametrize("scenarios", [1, 2])
def test_plan_renders_in_each_dialect(dialect: str, scenarios: int) -> None:
    text = SDF + CYCLE + MULTI + "fact rel(A, B). rel(x, y).\n"
    plan = compile_program(parse_rules(text, "t.rules"), scenarios=scenarios)
    sqls = plan.render(dialect)
    assert len(sqls) == len(plan.statements()) > 10
    for sql in sqls:
        sqlglot.parse_one(sql, read=dialect)  # renders to something the dialect reads back
    assert isinstance(plan.steps[-1], Materialize) and plan.steps[-1].table == "intervals"


def test_an_interval_both_scenarios_have_is_one_row_made_once() -> None:
    """A fluent's table holds an interval that both scenarios have as one row of mask 3, with
    its provenance, and an interval of one scenario as a row of its own mask; an interval both
    have whose start each scenario owes to a different happening (a fuzzy one moved onto it)
    is a row per scenario, each with its own provenance. The output is the same as each
    scenario's alone: the certain interval's provenance is the early scenario's."""
    from foedus.engine.compile import fluent_table

    program = parse_rules(BOOL, "t.rules")
    plan = compile_program(program, scenarios=2)
    con = duckdb.connect()
    be = DuckDBBackend(con)
    hs = [
        H("start", ("x",), 2, 2, "a"),  # x: [3, 6) in both
        H("stop", ("x",), 5, 5, "b"),
        H("start", ("y",), 2, 4, "c"),  # y: [3, 9) early, [5, 9) late
        H("stop", ("y",), 8, 8, "d"),
        H("start", ("z",), 2, 2, "f"),  # z: [3, ...) in both, started by e in the early
        H("start", ("z",), 2, 5, "e"),  # (the least id at 3), by f alone in the late
    ]
    be.load_happenings(hs, 1)
    table = fluent_table("active")
    be.run(plan, keep=[table])
    rows = con.execute(
        f'SELECT m, k0, start, "end", initiated_by, terminated_by FROM "{table}" ORDER BY k0, m'
    ).fetchall()
    assert rows == [
        (3, "x", 3, 6, "a", "b"),
        (1, "y", 3, 9, "c", "d"),
        (2, "y", 5, 9, "c", "d"),
        (1, "z", 3, None, "e", None),
        (2, "z", 3, None, "f", None),
    ]
    got = sorted(be.read_intervals())
    assert got == sorted(evaluate(program, hs))


def test_loads_without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    import foedus.backends.duckdb as module

    monkeypatch.setattr(module, "pa", None)
    hs = [H("start", ("x",), 2, 2, "a"), H("stop", ("x",), 5, 7, None)]
    program = parse_rules(BOOL, "t.rules")
    got = DuckDBBackend(duckdb.connect()).evaluate(program, hs)
    assert set(got) == set(evaluate(program, hs)) and len(got) == 2


def test_a_cycle_settles_its_provenance_too(backend: DuckDBBackend) -> None:
    # round 1 ends `low` at 6 only by the breaking `set` (h9); round 2 also fires the
    # self-referencing termination (h1) with the same intervals: provenance must follow
    text = """
    fluent m(Item) = Level.
    initiated m(X) = V when set(X, V).
    terminated m(X) = V when gone(V), m(X) = V.
    """
    hs = [
        H("set", ("x", "low"), 1, 1, "h5"),
        H("set", ("x", "high"), 5, 5, "h9"),
        H("gone", ("low",), 5, 5, "h1"),
    ]
    got = sorted(backend.evaluate(parse_rules(text, "t.rules"), hs))
    assert [(i.value, i.start, i.end, i.terminated_by) for i in got] == [
        ("high", 6, None, None),
        ("low", 2, 6, "h1"),
    ]


CHAIN = """
fluent s(Item).
fluent j(Item).
fluent pa(Item).
fluent pr(Item).
initiated s(X) when born(X).
terminated s(X) when attack(X), not pr(X).
initiated j(X) when join(X).
pa(X) holds for j(X) and s(X).
pr(X) holds for pa(X).
"""
CHAIN_EVENTS = [H("born", ("x",), 1, 1), H("join", ("x",), 2, 2), H("attack", ("x",), 3, 3)]


def test_a_cycle_through_a_chain_of_static_fluents(backend: DuckDBBackend) -> None:
    # at 3, pa and so pr hold (j from 3, s from 2): the attack does not end s
    got = backend.evaluate(parse_rules(CHAIN, "t.rules"), CHAIN_EVENTS)
    assert {(i.fluent, i.start, i.end) for i in got} == {
        ("s", 2, None),
        ("j", 3, None),
        ("pa", 3, None),
        ("pr", 3, None),
    }


def test_the_reference_on_a_chain_of_static_fluents_in_a_cycle() -> None:
    got = evaluate(parse_rules(CHAIN, "t.rules"), CHAIN_EVENTS)
    assert {(i.fluent, i.start, i.end) for i in got} == {
        ("s", 2, None),
        ("j", 3, None),
        ("pa", 3, None),
        ("pr", 3, None),
    }


interval_rows = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 12), st.integers(1, 6) | st.none()),
    max_size=14,
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(interval_rows)
def test_islands_are_the_sweep_union(rows_: list[tuple[str, int, int | None]]) -> None:
    """`union_merge` (one sort: open/close flags) gives exactly the sweep's union, on
    duplicates, equal starts, touching and open intervals, and in the CTE-free form that the
    Spark backend renders."""
    from sqlglot import exp

    from foedus.engine.compile_sql import in_label, inline_ctes, sweep, union_merge

    con = duckdb.connect()
    con.execute('CREATE TABLE src (k VARCHAR, start BIGINT, "end" BIGINT, cat INT)')
    for k, s, d in rows_:
        con.execute("INSERT INTO src VALUES (?, ?, ?, 0)", [k, s, None if d is None else s + d])

    def run(q: exp.Expression) -> set[tuple]:
        return set(con.execute(q.sql(dialect="duckdb", identify=True)).fetchall())

    src = exp.select(*[exp.column(c) for c in ("k", "start", "end", "cat")]).from_("src")
    want = run(sweep(src.copy(), ["k"], 1, in_label))
    assert run(union_merge(src.copy(), ["k"])) == want
    assert run(inline_ctes(union_merge(src.copy(), ["k"]))) == want
    # and by hand: merge each key's sorted intervals (touching ones too)
    by_hand: set[tuple] = set()
    for key in {k for k, _, _ in rows_}:
        ivs = sorted((s, 2**62 if d is None else s + d) for k, s, d in rows_ if k == key)
        cur: list[int] | None = None
        for s, e in ivs:
            if cur and s <= cur[1]:
                cur[1] = max(cur[1], e)
            else:
                if cur:
                    by_hand.add((key, "in", cur[0], None if cur[1] == 2**62 else cur[1]))
                cur = [s, e]
        if cur:
            by_hand.add((key, "in", cur[0], None if cur[1] == 2**62 else cur[1]))
    assert want == by_hand


# --- the inertia and `except` queries against the reference, on random narratives ------------

SWEPT = """
fluent on(Item).
fluent mode(Item) = Level.
fluent calm(Item, Item).
initiated on(X) when start(X).
initiated on(X) when again(X).
terminated on(X) when stop(X).
initiated mode(X) = V when set(X, V).
terminated mode(X) = V when unset(X, V).
terminated mode(X) = _ when clear(X).
calm(X, Y) holds for on(X) and on(Y) except mode(X) = high.
"""

narratives = st.lists(
    st.tuples(
        st.sampled_from(["start", "again", "stop", "set", "unset", "clear"]),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["low", "high", "mid"]),
        st.integers(0, 9),
    ),
    max_size=24,
)


@settings(max_examples=120, deadline=None)
@given(narratives)
def test_sweeps_and_except_equal_the_reference(events: list[tuple[str, str, str, int]]) -> None:
    """The one-window sweeps (a Boolean fluent's pairs; a multi-valued fluent's set points,
    kills and values set again while they hold) and ``except`` by the gaps of what is cut
    away give the reference interpreter's intervals, ties at one time point included."""
    backend = DuckDBBackend(duckdb.connect())
    hs = [H(name, (x, v) if name in ("set", "unset") else (x,), t, t) for name, x, v, t in events]
    rows(backend, SWEPT, hs)


NOT_ANY = """
fluent mode(Item) = Level.
fluent calm(Item).
initiated mode(X) = V when set(X, V).
terminated mode(X) = _ when clear(X).
initiated calm(X) when check(X), not mode(X) = high, not mode(X) = mid, not mode(X) = high.
terminated calm(X) when alarm(X).
"""


def test_negations_of_one_fluent_are_one_anti_join(backend: DuckDBBackend) -> None:
    """``not mode(X) = high, not mode(X) = mid`` is one NOT EXISTS of ``value IN (...)``, and
    means what the reference says: no calm while either value holds, calm under the others."""
    hs = [
        H("set", ("a", "high"), 1, 1),
        H("check", ("a",), 2, 2),  # high: not calm
        H("set", ("a", "low"), 3, 3),
        H("check", ("a",), 4, 4),  # low: calm from 5
        H("set", ("b", "mid"), 1, 1),
        H("check", ("b",), 2, 2),  # mid: not calm
        H("clear", ("b",), 3, 3),
        H("check", ("b",), 5, 5),  # nothing holds: calm from 6
        H("check", ("c",), 1, 1),  # never set: calm from 2
    ]
    assert rows(backend, NOT_ANY, hs, fluent="calm") == {
        ("calm", ("a",), "true", 5, None),
        ("calm", ("b",), "true", 6, None),
        ("calm", ("c",), "true", 2, None),
    }
    plan = compile_program(parse_rules(NOT_ANY, "t.rules"), scenarios=1)
    init = next(s for s in plan.steps if getattr(s, "table", "") == "_foedus_init_calm")
    sql = init.query.sql(dialect="duckdb")  # type: ignore[attr-defined]
    assert sql.count("EXISTS") == 1 and "IN ('high', 'mid')" in sql
