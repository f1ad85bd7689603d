"""The forbidden acts' query (:data:`foedus.build.breaches.FORBIDDEN`) against its definition,
computed here row by row: it joins an act to its target's ``part_of`` intervals by the act's
year, and that must find every interval that holds at the act's time point, whatever the
intervals' lengths (open-ended, many years, a day), their overlaps (a multi-valued
``part_of``), or the time points' signs."""

from __future__ import annotations

from collections import Counter
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from foedus.build.breaches import FORBIDDEN
from foedus.build.schema import ALL
from foedus.duck import duckdb

OPEN = 4611686018427387904  # what the query reads for an interval with no end
STATES = ["a", "b", "c"]
TYPES = ["invasion", "blockade"]
PERSPECTIVES = ["p1", "p2"]

#: time points anywhere, and near the edges of the query's years (``t // 365``)
times = st.one_of(
    st.integers(min_value=-1_500, max_value=3_000),
    st.builds(lambda k, d: k * 365 + d, st.integers(-4, 8), st.integers(-2, 2)),
)


@st.composite
def worlds(draw: Any) -> dict[str, list[tuple[Any, ...]]]:
    acts = []
    for i in range(draw(st.integers(0, 12))):
        early = draw(times)
        late = early + draw(st.sampled_from([0, 0, 1, 300, 800]))
        actor, target = draw(st.sampled_from(STATES)), draw(st.sampled_from(STATES))
        acts.append((f"e{i}", draw(st.sampled_from(TYPES)), actor, target, early, late))
    points = [t for a in acts for t in a[4:]] or [0]
    part_of = []
    for _ in range(draw(st.integers(0, 10))):
        if draw(st.booleans()):  # an interval that begins or ends right at an act
            t = draw(st.sampled_from(points))
            start = t - draw(st.integers(0, 2))
            end: int | None = t + draw(st.integers(0, 2))
        else:
            start = draw(times)
            end = draw(st.one_of(st.none(), st.integers(start + 1, start + 2_000), times))
        end = None if end is None else max(end, start + 1)
        part_of.append(
            (
                draw(st.sampled_from(PERSPECTIVES)),
                draw(st.sampled_from(["early", "late"])),
                "part_of",
                [draw(st.sampled_from(STATES))],
                draw(st.sampled_from(STATES)),
                start,
                end,
            )
        )
    # the rows of scenario_fluents are distinct (a key's intervals of a value, per scenario)
    part_of = list({repr(r): r for r in part_of}.values())
    every = [(x, y, ty) for x in STATES for y in STATES for ty in TYPES]
    norms = [
        (f"t{k}", "c", x, y, ty)
        for k, (x, y, ty) in enumerate(draw(st.lists(st.sampled_from(every), max_size=24)))
    ]
    persp = draw(st.lists(st.sampled_from(PERSPECTIVES), min_size=1, max_size=2, unique=True))
    return {"acts": acts, "part_of": part_of, "norms": norms, "persp": persp}


def expected(w: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    """The query's rows by its definition: each act, in each scenario, towards its target (in
    each perspective with fluents) and towards what its target is part of at the act's time
    point (in the perspective of that interval), where a norm forbids it."""
    out: Counter[tuple[Any, ...]] = Counter()
    for event_id, ty, actor, target, early, late in w["acts"]:
        for scenario, t in (("early", early), ("late", late)):
            links = [(p, target, None) for p in w["persp"]]
            links += [
                (p, value, target)
                for p, scn, _, args, value, start, end in w["part_of"]
                if scn == scenario
                and args[0] == target
                and start <= t < (OPEN if end is None else end)
            ]
            for p, beneficiary, via in links:
                for instrument, clause, bearer, ben, event_type in w["norms"]:
                    if (bearer, ben, event_type) == (actor, beneficiary, ty):
                        row = (p, event_id, ty, actor, target, beneficiary, via, scenario, t)
                        out[(*row, instrument, clause)] += 1
    return out


def forbidden(w: dict[str, Any]) -> Counter[tuple[Any, ...]]:
    """The rows of :data:`FORBIDDEN` on the world ``w``, in a database of its own."""
    con = duckdb.connect()
    for name in ("fluents", "scenario_fluents", "event_acts", "norm_rows"):
        con.execute(f"CREATE TABLE {name} ({ALL[name]})")  # tables here, views in a build
    for p in w["persp"]:
        con.execute(
            "INSERT INTO fluents (perspective, fluent, args, value, start) "
            "VALUES (?, 'x', ['a'], 'true', 0)",
            [p],
        )
    if w["part_of"]:
        con.executemany("INSERT INTO scenario_fluents VALUES (?, ?, ?, ?, ?, ?, ?)", w["part_of"])
    if w["acts"]:
        con.executemany("INSERT INTO event_acts VALUES (?, ?, ?, ?, ?, ?)", w["acts"])
    # the factors of the norms (what a build makes norm_rows of): the acts whose actor bears
    # some norm for their type are the only ones the query joins
    con.execute("CREATE TABLE norm_bearers (instrument VARCHAR, clause VARCHAR, bearer VARCHAR)")
    con.execute("CREATE TABLE norm_types (instrument VARCHAR, clause VARCHAR, event_type VARCHAR)")
    if w["norms"]:
        con.executemany("INSERT INTO norm_rows VALUES (?, ?, ?, ?, ?)", w["norms"])
        con.executemany("INSERT INTO norm_bearers VALUES (?, ?, ?)", [n[:3] for n in w["norms"]])
        con.executemany(
            "INSERT INTO norm_types VALUES (?, ?, ?)", [(*n[:2], n[4]) for n in w["norms"]]
        )
    # a row's scenarios are a mask (1 early, 2 late, 3 both): one row per scenario here
    rows = con.execute(
        "SELECT perspective, event_id, type, actor, target, beneficiary, via, s.scenario, t, "
        f"instrument, clause FROM ({FORBIDDEN.sql('duckdb')}) AS f "
        "JOIN (VALUES (1, 'early'), (2, 'late')) AS s(bit, scenario) ON (f.scenarios & s.bit) <> 0"
    ).fetchall()
    return Counter(tuple(r) for r in rows)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_forbidden_acts_are_what_their_definition_says(w: dict[str, Any]) -> None:
    assert forbidden(w) == expected(w)


EDGES = [-366, -365, -364, -1, 0, 1, 364, 365, 366, 729, 730]


@pytest.mark.parametrize("first", [-366, 0, 364, 365])
def test_intervals_at_the_edges_of_years(first: int) -> None:
    """Acts on the days around the query's year boundaries, the earliest of them ``first``, and
    ``part_of`` intervals that begin, end or lie on those days: every interval holding at an
    act's day is found (and none other)."""
    days = [t for t in EDGES if t >= first]
    acts = [(f"e{t}", "invasion", "a", "b", t, t) for t in days]
    part_of = [
        ("p1", scenario, "part_of", ["b"], f"{kind}{t}", start, end)
        for scenario in ("early", "late")
        for t in EDGES
        for kind, start, end in (
            ("day", t, t + 1),
            ("before", t - 1, t),
            ("after", t + 1, t + 2),
            ("since", t, None),
            ("until", t - 800, t),
            ("through", t - 800, t + 1),
        )
    ]
    norms = [("t", "c", "a", y, "invasion") for y in {"b", *(row[4] for row in part_of)}]
    w: dict[str, Any] = {"acts": acts, "part_of": part_of, "norms": norms, "persp": ["p1"]}
    got = forbidden(w)
    assert got == expected(w)
    assert sum(1 for row in got if row[6] == "b" and row[5] == f"day{row[8]}") == 2 * len(days)
