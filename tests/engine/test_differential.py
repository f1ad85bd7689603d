"""The compiled engine (on every backend: DuckDB and Spark) against the reference interpreter
on random worlds.

Hypothesis draws a program from a small family of rule templates (conditions, negation,
multi-valued and closed-domain fluents, ``= _``, wildcard terminations, facts, every static
operator, projection, several static rules for one fluent, a through-time cycle with a static
fluent inside it) and a narrative over two items and eight time points (many ties, duplicates,
some fuzzy dates, some happenings of the wrong arity), and asserts that both engines give the
same rows, provenance included. Spark runs fewer examples (each costs it seconds, not
milliseconds).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foedus.backends.base import Backend
from foedus.engine.narrative import Happening
from foedus.engine.reference import evaluate
from foedus.rules import parse_rules

pytestmark = pytest.mark.slow

DECLS = """
fact rel(Item, Item).
fact lvl(Level).
fluent a(Item).
fluent b(Item).
fluent m(Item) = Level.
fluent c(Item) = {low, high}.
fluent r(Item, Item).
fluent p(Item).
fluent q(Item).
fluent z(Item).
fluent on.
fluent u(Item).
fluent n(Item).
fluent x(Item).
fluent pm(Item).
fluent mv(Item) = Level.
fluent w(Item).
fluent g(Item).
fluent k(Item).
fluent cm(Item) = {low, high}.
lvl(low). lvl(high).
"""

# {E}: a unary event name, {B}: a binary one
TEMPLATES = [
    # a Boolean fluent from events, facts and comparisons
    "initiated a(X) when {E}(X).",
    "initiated a(X) when {E}(X), X != i1.",
    "terminated a(X) when {E}(X).",
    "initiated a(X) when {B}(X, V), lvl(V).",
    "terminated a(X) when {B}(X, low).",
    # multi-valued (open domain); the third rule reads m itself (a cycle through time)
    "initiated m(X) = V when {B}(X, V).",
    "initiated m(X) = high when {E}(X).",
    "initiated m(X) = V when {E}(X), rel(X, Y), m(Y) = V.",
    "terminated m(X) = V when {B}(X, V).",
    "terminated m(X) = _ when {E}(X).",
    "terminated m(X) = low when {E}(X).",
    "terminated m(X) = V when {E}(X), m(X) = V.",
    # closed domain
    "initiated c(X) = V when {B}(X, V).",
    "initiated c(X) = low when {E}(X).",
    "terminated c(X) = _ when {E}(X).",
    # conditions on other fluents
    "initiated b(X) when {E}(X), a(X).",
    "initiated b(X) when {E}(X), not a(X).",
    "initiated b(X) when {E}(X), m(X) = high.",
    "initiated b(X) when {B}(X, V), not m(X) = V.",
    "initiated b(X) when {E}(X), c(X) = V, V != low.",
    "initiated b(X) when {E}(X), rel(X, Y), a(Y).",
    "initiated b(X) when {E}(X), not rel(X, _).",
    "terminated b(X) when {E}(X).",
    "terminated b(X) when {E}(X), not a(X).",
    "terminated b(X) when {E}(X), m(X) = _.",
    # a binary fluent; the last rule reads r itself
    "initiated r(X, Y) when {E}(X), rel(X, Y).",
    "initiated r(X, Y) when {B}(X, Y).",
    "terminated r(X, Y) when {B}(X, Y).",
    "terminated r(X, Y) when {E}(Y), r(X, Y).",
    # wildcard terminations: every key that matches (ties with initiations at one point)
    "terminated r(X, _Y) when {E}(X).",
    "terminated r(_, Y) when {E}(Y).",
    "terminated r(_X, _) when {E}(i1).",
    "terminated m(_) = low when {B}(i1, _).",
    "terminated c(_X) = _ when {E}(i2).",
    # a cycle through time: p, q and the static z
    "initiated p(X) when {E}(X), not q(X).",
    "initiated q(X) when {E}(X), p(X).",
    "terminated p(X) when {E}(X), q(X).",
    "terminated q(X) when {E}(X).",
    "initiated p(X) when {E}(X), z(X).",
    "z(X) holds for p(X) or q(X).",
    "terminated q(X) when {E}(X), not z(X).",
    # a fluent without arguments
    "initiated on when {E}(i1).",
    "terminated on when {E}(_).",
    # static fluents
    "u(X) holds for a(X) or b(X).",
    "u(X) holds for c(X) = high.",
    "n(X) holds for a(X) and b(X).",
    "n(X) holds for a(X) and b(i2).",
    "x(X) holds for a(X) except b(X), m(X) = high.",
    "pm(X) holds for m(X) = _.",
    "mv(X) = V holds for m(X) = V and (a(X) or b(X)).",
    "w(X) holds for b(Y) where rel(X, Y).",
    "g(X) holds for a(X) or r(X, _).",
    "g(X) holds for r(X, Y) and a(Y).",
    "k(X) holds for (a(X) and b(X)) or c(X) = low except n(X).",
    "k(X) holds for u(X) except r(X, Y) where lvl(Y).",
    "cm(X) = V holds for c(X) = V and u(X).",
]
UNARY = ["e0", "e1", "e2", "e3"]
BINARY = ["s0", "s1"]
ITEMS = ["i1", "i2"]
VALUES = ["low", "mid", "high", "i1", "i2"]

#: Examples per test on DuckDB and on Spark. Spark runs the plans DuckDB runs, each statement
#: a Spark job of about a second: its draws check the backend's translation of the plan, the
#: DuckDB draws the plan's semantics (the whole suite's budget: README, Test).
EXAMPLES = {"random": {"duckdb": 500, "spark": 12}, "cycles": {"duckdb": 60, "spark": 5}}


def examples(test: str, backend: Backend) -> settings:
    return settings(
        max_examples=EXAMPLES[test][backend.name],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


@st.composite
def programs(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(TEMPLATES), min_size=1, max_size=8))
    lines = [
        t.format(E=draw(st.sampled_from(UNARY)), B=draw(st.sampled_from(BINARY))) for t in chosen
    ]
    return program_text(lines)


def program_text(rules: list[str]) -> str:
    """The rules with the declarations they mention (fewer fluents: faster examples)."""
    body = "\n".join(rules)
    names = [re.match(r"(?:fluent |fact )?(\w+)", d) for d in DECLS.strip().splitlines()]
    decls = [m.string for m in names if m and re.search(rf"\b{m.group(1)}\b", body)]
    return "\n".join(decls) + "\n" + body + "\n"


@st.composite
def happening(draw: st.DrawFn) -> Happening:
    binary = draw(st.booleans())
    name = draw(st.sampled_from(BINARY if binary else UNARY))
    args = [draw(st.sampled_from(ITEMS))]
    if binary or draw(st.integers(0, 9)) == 0:  # sometimes the wrong arity
        args.append(draw(st.sampled_from(VALUES)))
    early = draw(st.integers(1, 8))
    late = early + draw(st.sampled_from([0, 0, 0, 0, 1, 2, 3]))
    hid = draw(st.sampled_from([None, "h1", "h2", "h3", "h4", "h5"]))
    return Happening(name, tuple(args), early, late, hid)


@st.composite
def narratives(draw: st.DrawFn) -> list[Happening]:
    hs = draw(st.lists(happening(), max_size=20))
    if hs and draw(st.booleans()):  # exact copies, sometimes
        hs += draw(st.lists(st.sampled_from(hs), max_size=4))
    return hs


facts = st.fixed_dictionaries(
    {"rel": st.sets(st.tuples(st.sampled_from(ITEMS), st.sampled_from(ITEMS)))}
)


def assert_same(backend: Backend, text: str, happenings: list[Happening], world: dict) -> None:
    program = parse_rules(text, "t.rules")
    want = evaluate(program, happenings, world)
    got = backend.evaluate(program, happenings, world)
    assert len(got) == len(set(got))
    assert set(got) == set(want), (
        sorted(map(str, set(got) - set(want))),
        sorted(map(str, set(want) - set(got))),
    )


def test_compiled_equals_reference(backend: Backend) -> None:
    @examples("random", backend)
    @given(programs(), narratives(), facts)
    def check(text: str, happenings: list[Happening], world: dict) -> None:
        assert_same(backend, text, happenings, world)

    check()


@pytest.mark.parametrize(
    "rules",
    [
        [
            "initiated p(X) when e0(X), not q(X).",
            "initiated q(X) when e1(X), p(X).",
            "terminated p(X) when e2(X), q(X).",
            "initiated p(X) when e3(X), z(X).",
            "z(X) holds for p(X) or q(X).",
            "terminated q(X) when e0(X), not z(X).",
        ],
        [
            "initiated m(X) = V when s0(X, V).",
            "initiated m(X) = V when e0(X), rel(X, Y), m(Y) = V.",
            "terminated m(X) = _ when e1(X).",
            "mv(X) = V holds for m(X) = V and (a(X) or b(X)).",
            "initiated a(X) when e2(X).",
            "initiated b(X) when e3(X), not a(X).",
        ],
    ],
)
def test_cycles_equal_reference(backend: Backend, rules: list[str]) -> None:
    @examples("cycles", backend)
    @given(happenings=narratives(), world=facts)
    def check(happenings: list[Happening], world: dict) -> None:
        assert_same(backend, program_text(rules), happenings, world)

    check()
