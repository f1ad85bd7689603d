"""The reference interpreter on hand-computed cases, and the interval helpers it shares."""

from __future__ import annotations

import pytest

from foedus.engine.certainty import (
    certain_possible,
    combine_scenarios,
    complement,
    holds_at,
    intersect,
    normalize,
    union,
)
from foedus.engine.narrative import Happening, Interval
from foedus.engine.reference import evaluate
from foedus.rules import parse_rules
from foedus.rules.check import strata


def at(name: str, t: int, *args: str, id: str | None = None) -> Happening:
    return Happening(name, args, t, t, id)


def rows(intervals: list[Interval]) -> set[tuple]:
    return {(i.fluent, i.args, i.value, i.start, i.end) for i in intervals}


# --- interval helpers -------------------------------------------------------------------------


def test_normalize_merges_touching_and_drops_empty() -> None:
    assert normalize([(5, 7), (1, 3), (3, 4), (9, 9), (6, None)]) == [(1, 4), (5, None)]


def test_set_operations() -> None:
    assert union() == []
    assert union([(1, 3)], [(3, 5)]) == [(1, 5)]
    assert intersect([(1, 3)], [(3, 5)]) == []
    assert intersect([(1, None)], [(2, 4), (6, None)]) == [(2, 4), (6, None)]
    assert intersect([(1, 9)], []) == []
    assert complement([(1, 10)], [(2, 3), (5, 6)]) == [(1, 2), (3, 5), (6, 10)]
    assert complement([(1, 10)], [(0, None)]) == []
    assert complement([(1, None)], [(4, 5)]) == [(1, 4), (5, None)]
    assert holds_at([(1, 3)], 2) and not holds_at([(1, 3)], 3)


def test_certain_and_possible() -> None:
    assert certain_possible([(11, 21)], [(15, 21)]) == ([(15, 21)], [(11, 15)])
    assert certain_possible([(1, 5)], [(7, 9)]) == ([], [(1, 5), (7, 9)])


def test_combine_scenarios_keeps_provenance() -> None:
    early = [Interval("p", ("x",), "true", 11, 21, rule="r", initiated_by="e1")]
    late = [Interval("p", ("x",), "true", 15, 21, rule="r", initiated_by="e1")]
    assert combine_scenarios(early, late) == [
        Interval("p", ("x",), "true", 11, 15, "possible", "r", "e1"),
        Interval("p", ("x",), "true", 15, 21, "certain", "r", "e1"),
    ]


# --- simple fluents ---------------------------------------------------------------------------

TREATIES = """
fluent party_to(State, Treaty).
fluent controlled_by(State) = {gb, fr, de, ru}.
fluent holder(Item) = Actor.
fluent sanctioned(State).
sign: initiated party_to(S, Tr) when sign(S, Tr).
adhere: initiated party_to(S, Tr) when adhere(S, Tr).
terminated party_to(S, Tr) when denounce(S, Tr).
invade: initiated controlled_by(S) = P when invade(P, S).
withdraw: terminated controlled_by(S) = P when withdraw(P, S).
initiated holder(I) = A when give(I, A).
terminated holder(I) = _ when lose(I).
initiated sanctioned(S) when sanction(S), not controlled_by(S) = _.
"""


def test_inertia_ties_and_provenance() -> None:
    program = parse_rules(TREATIES)
    result = evaluate(
        program,
        [
            at("adhere", 2, "ee", "t", id="h2"),
            at("sign", 2, "ee", "t", id="h1"),
            at("sign", 4, "ee", "t", id="h3"),  # absorbed
            at("denounce", 6, "ee", "t", id="h4"),
            at("sign", 6, "ee", "t", id="h5"),  # end wins
            at("sign", 8, "ee", "t"),
        ],
    )
    assert result == [
        Interval(
            "party_to",
            ("ee", "t"),
            "true",
            3,
            7,
            rule="adhere",
            initiated_by="h1",
            terminated_by="h4",
        ),
        Interval("party_to", ("ee", "t"), "true", 9, None, rule="sign"),
    ]


def test_a_cancelled_value_still_breaks_the_old_one() -> None:
    program = parse_rules(TREATIES)
    result = evaluate(
        program,
        [
            at("invade", 1, "de", "lt", id="a"),
            at("invade", 5, "ru", "lt", id="b"),
            at("withdraw", 5, "ru", "lt", id="c"),
            at("invade", 7, "gb", "lv"),
            at("invade", 7, "fr", "lv"),  # break each other
            at("invade", 8, "xx", "lv"),  # outside the closed domain: ignored
        ],
    )
    assert result == [
        Interval(
            "controlled_by", ("lt",), "de", 2, 6, rule="invade", initiated_by="a", terminated_by="b"
        ),
    ]


def test_open_domain_and_terminating_any_value() -> None:
    program = parse_rules(TREATIES)
    result = evaluate(
        program,
        [
            at("give", 1, "ring", "frodo"),
            at("give", 3, "ring", "gollum"),
            at("lose", 5, "ring"),
            at("give", 7, "ring", "bilbo"),
            at("give", 7, "ring", "bilbo"),
        ],
    )
    assert rows(result) == {
        ("holder", ("ring",), "frodo", 2, 4),
        ("holder", ("ring",), "gollum", 4, 6),
        ("holder", ("ring",), "bilbo", 8, None),
    }


def test_negated_condition_with_any_value() -> None:
    program = parse_rules(TREATIES)
    result = evaluate(
        program,
        [
            at("invade", 1, "de", "lv"),
            at("sanction", 2, "lv"),
            at("withdraw", 3, "de", "lv"),
            at("sanction", 3, "lv"),
            at("sanction", 4, "lv"),
        ],
    )
    assert ("sanctioned", ("lv",), "true", 5, None) in rows(result)
    assert len([i for i in result if i.fluent == "sanctioned"]) == 1


def test_conditions_bind_new_variables_and_read_facts() -> None:
    program = parse_rules("""
        fluent party_to(State, Treaty).
        fluent guarded(State).
        fact prohibits(Treaty, Category).
        prohibits(briand, war).
        initiated party_to(S, Tr) when sign(S, Tr).
        initiated party_to(Y, Tr) when succession(X, Y), party_to(X, Tr), X != Y.
        initiated guarded(S) when alarm(S), party_to(S, Tr), prohibits(Tr, war),
            not prohibits(Tr, peace).
    """)
    result = evaluate(
        program,
        [
            at("sign", 1, "rsfsr", "tartu"),
            at("sign", 1, "rsfsr", "briand"),
            at("succession", 3, "rsfsr", "ussr"),
            at("succession", 3, "rsfsr", "rsfsr"),
            at("alarm", 5, "ussr"),
            at("alarm", 5, "rsfsr"),
        ],
        facts={"prohibits": {("tartu", "peace"), ("tartu", "war")}},
    )
    assert rows(result) == {
        ("party_to", ("rsfsr", "tartu"), "true", 2, None),
        ("party_to", ("rsfsr", "briand"), "true", 2, None),
        ("party_to", ("ussr", "tartu"), "true", 4, None),
        ("party_to", ("ussr", "briand"), "true", 4, None),
        ("guarded", ("ussr",), "true", 6, None),
        ("guarded", ("rsfsr",), "true", 6, None),
    }


# --- static fluents ---------------------------------------------------------------------------


def test_static_projection_where_and_provenance() -> None:
    program = parse_rules("""
        fluent binds(Treaty, State, State).
        fluent protected(State, State, Category).
        fluent threatened(State).
        fact prohibits(Treaty, Category).
        prohibits(t1, war). prohibits(t2, war). prohibits(t2, blockade).
        initiated binds(T, A, B) when ratify(T, A, B).
        terminated binds(T, A, B) when denounce(T, A, B).
        prot: protected(X, Y, C) holds for binds(Tr, Y, X) where prohibits(Tr, C).
        threat: threatened(X) holds for binds(_, X, Y) except binds(_, Y, X).
    """)
    result = evaluate(
        program,
        [
            at("ratify", 1, "t1", "ee", "lv"),
            at("ratify", 3, "t2", "ee", "lv"),
            at("denounce", 5, "t1", "ee", "lv"),
            at("denounce", 8, "t2", "ee", "lv"),
            at("ratify", 3, "t1", "lv", "ee"),
            at("denounce", 4, "t1", "lv", "ee"),
        ],
    )
    static = {r for r in rows(result) if r[0] != "binds"}
    assert static == {
        ("protected", ("lv", "ee", "war"), "true", 2, 9),
        ("protected", ("lv", "ee", "blockade"), "true", 4, 9),
        ("protected", ("ee", "lv", "war"), "true", 4, 5),
        ("threatened", ("ee",), "true", 2, 4),
        ("threatened", ("ee",), "true", 5, 9),
    }
    assert {i.rule for i in result if i.fluent == "protected"} == {"prot"}
    assert all(i.initiated_by is None for i in result if i.fluent != "binds")


def test_several_static_rules_unite() -> None:
    program = parse_rules("""
        fluent a(X). fluent b(X). fluent s(X).
        initiated a(X) when ea(X). terminated a(X) when fa(X).
        initiated b(X) when eb(X).
        z: s(X) holds for a(X).
        y: s(X) holds for b(X).
    """)
    result = evaluate(program, [at("ea", 1, "x"), at("fa", 4, "x"), at("eb", 4, "x")])
    assert [(i.start, i.end, i.rule) for i in result if i.fluent == "s"] == [(2, None, "z")]


# --- cycles through time ----------------------------------------------------------------------

CYCLE = """
fluent a(X). fluent b(X).
ra: initiated a(X) when e(X), not b(X).
rb: initiated b(X) when f(X), a(X).
terminated a(X) when g(X).
"""


def test_a_cycle_through_time_is_one_stratum() -> None:
    assert strata(parse_rules(CYCLE)) == [["a", "b"]]


def test_a_cycle_through_time() -> None:
    result = evaluate(
        parse_rules(CYCLE),
        [
            at("e", 1, "x"),  # b(x) does not hold: a(x) from 2
            at("f", 3, "x"),  # a(x) holds: b(x) from 4
            at("g", 5, "x"),  # a(x) ends at 6
            at("e", 7, "x"),  # b(x) holds: a(x) is not initiated
            at("f", 8, "x"),  # a(x) does not hold, b(x) already does
            at("e", 2, "y"),  # a(y) from 3
            at("e", 4, "z"),
            at("f", 4, "z"),  # a(z) does not hold yet at 4: no b(z)
        ],
    )
    assert rows(result) == {
        ("a", ("x",), "true", 2, 6),
        ("b", ("x",), "true", 4, None),
        ("a", ("y",), "true", 3, None),
        ("a", ("z",), "true", 5, None),
    }


def test_a_cycle_through_time_with_a_static_fluent_inside() -> None:
    program = parse_rules("""
        fluent a(X). fluent b(X). fluent s(X).
        initiated a(X) when e(X), not s(X).
        terminated a(X) when g(X).
        initiated b(X) when f(X).
        terminated b(X) when h(X).
        s(X) holds for a(X) and b(X).
    """)
    assert strata(program) == [["b"], ["a", "s"]]
    result = evaluate(
        program,
        [
            at("f", 1, "x"),
            at("e", 2, "x"),  # b from 2; s false at 2: a from 3, s from 3
            at("g", 4, "x"),
            at("e", 4, "x"),  # a ends at 5 (termination wins)
            at("e", 6, "x"),  # s false at 6 (a ended): a from 7, s from 7
            at("h", 9, "x"),  # b ends at 10, s too
        ],
    )
    assert rows(result) == {
        ("b", ("x",), "true", 2, 10),
        ("a", ("x",), "true", 3, 5),
        ("a", ("x",), "true", 7, None),
        ("s", ("x",), "true", 3, 5),
        ("s", ("x",), "true", 7, 10),
    }


# --- fuzzy dates ------------------------------------------------------------------------------


def test_fuzzy_initiation() -> None:
    program = parse_rules("""
        fluent in_force(Treaty).
        ratify: initiated in_force(T) when ratify(T).
        terminated in_force(T) when lapse(T).
    """)
    result = evaluate(
        program,
        [Happening("ratify", ("t",), 10, 14, "r1"), Happening("lapse", ("t",), 20, 20, "l1")],
    )
    assert result == [
        Interval("in_force", ("t",), "true", 11, 15, "possible", "ratify", "r1", "l1"),
        Interval("in_force", ("t",), "true", 15, 21, "certain", "ratify", "r1", "l1"),
    ]


@pytest.mark.parametrize("late", [20, 25])
def test_fuzzy_events_that_may_swap_order(late: int) -> None:
    program = parse_rules("""
        fluent p(X).
        initiated p(X) when on(X).
        terminated p(X) when off(X).
    """)
    result = evaluate(program, [Happening("on", ("x",), 10, 10), Happening("off", ("x",), 5, late)])
    # early: off at 5 (nothing holds), on at 10 -> [11, inf); late: [11, late + 1)
    assert rows(result) == {
        ("p", ("x",), "true", 11, late + 1),
        ("p", ("x",), "true", late + 1, None),
    }
    assert [i.certainty for i in result] == ["certain", "possible"]
