"""Demand-driven evaluation (foedus.engine.demand, foedus.build.binding): fan-out fluents such
as ``binds`` are computed only for the keys that rules, events and questions ask for, with the
same rows as a full evaluation.

- the analysis of the bundled rules: ``binds`` and ``protected`` on demand, from the events
  that a condition on ``protected`` can read;
- random worlds with instruments of up to 200 parties: the demand-driven plan gives the
  reference interpreter's rows of every other fluent, and the rows of ``binds`` that
  :func:`~foedus.engine.demand_answer.answer_query` computes for any pair are the reference's;
- the bundled corpus built both ways: the same fluents, breaches and answers;
- an N-party instrument with no events makes O(N) stored rows, not O(N²), though its norm
  forbids every party aggression against every other.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from foedus.backends.duckdb import DuckDBBackend
from foedus.corpus import bundled_path, load_corpus
from foedus.engine import demand as dm
from foedus.engine import demand_answer as da
from foedus.engine.compile import compile_program, fluent_table
from foedus.engine.narrative import Happening
from foedus.engine.reference import evaluate
from foedus.rules import load_rules, parse_rules
from foedus.rules.library import LIBRARY
from small_corpora import n_party_corpus


def _rule_file(name: str) -> Path:
    """A rule file of the bundled corpus: its own (soviet.rules) or the rule library's."""
    own = bundled_path() / "rules" / name
    return own if own.exists() else LIBRARY / name


def program(*files: str):  # type: ignore[no-untyped-def]
    return load_rules([_rule_file(f) for f in ("base.rules", *files)])


def test_the_bundled_rules_compute_binds_and_protected_on_demand() -> None:
    for persp in ("de-facto.rules", "non-recognition.rules", "soviet.rules"):
        d = dm.analyse(program(persp))
        # protected(X, Y, E) is asked with every argument bound; binds(T, Y, X) with Y and X
        assert d.fluents == {"protected": (0, 1, 2), "binds": (1, 2)}
        assert d.order == ["protected", "binds"]
        assert d.inputs(program(persp)) == ["in_force", "party_to"]
    plan = compile_program(program("non-recognition.rules"), demand=True)
    assert plan.on_demand == {"protected": (0, 1, 2), "binds": (1, 2)}
    sql = "\n".join(plan.render("duckdb"))
    # the demand of protected comes from the annexations and incorporations
    assert "'annexation' AS \"x2\"" in sql and "'incorporation' AS \"x2\"" in sql
    assert compile_program(program("non-recognition.rules")).on_demand == {}


def test_a_pair_asked_reads_only_its_parties_memberships() -> None:
    """binds(T, A, B) for one pair: party_to is read only for A and B (the demand pushed into
    the input: GGO's 153,400 memberships are not scanned whole), in_force whole (no rule
    reading it binds T)."""
    prog = program("de-facto.rules")
    names = ["in_force", "party_to"]
    inputs = {f: exp.select("*").from_(f"input_{f}") for f in names}
    q = da.answer_query(prog, "binds", {1: ["a"], 2: ["b"]}, inputs, {}, 2)
    ctes = {c.alias: c.this for c in q.args["with"].expressions}
    narrowed = ctes["_foedus_in_party_to"].sql("duckdb")
    # the values asked written in: DuckDB filters the memberships as it scans them
    assert narrowed == "SELECT * FROM _foedus_fl_party_to WHERE k0 IN ('a', 'b')"
    assert "_foedus_in_in_force" not in ctes
    # keys given by a query (the build's pairs of acts): the demand table is read
    keys = ((1, 2), exp.select("x0", "x1").from_("acts"))
    q = da.answer_query(prog, "binds", None, inputs, {}, 2, per_scenario=True, keys=keys)
    ctes = {c.alias: c.this for c in q.args["with"].expressions}
    assert ctes["_foedus_in_party_to"].sql("duckdb") == (
        "SELECT * FROM _foedus_fl_party_to WHERE k0 IN (SELECT k0 FROM _foedus_dm_binds) "
        "OR k0 IN (SELECT k1 FROM _foedus_dm_binds)"
    )
    # each narrowed input made before the rule's joins read it (DuckDB otherwise kept a
    # subquery's filter for after the joins), the rules' own tables inlined as before
    made = {c.alias: bool(c.args.get("materialized")) for c in q.args["with"].expressions}
    assert made["_foedus_in_party_to"]
    assert all(m for name, m in made.items() if name.startswith("_foedus_in_"))
    assert not made["_foedus_fl_binds"] and not made["_foedus_dm_binds"]
    # no combination asked: no membership read
    q = da.answer_query(prog, "binds", {1: ["a"], 2: []}, inputs, {}, 2)
    ctes = {c.alias: c.this for c in q.args["with"].expressions}
    assert ctes["_foedus_in_party_to"].sql("duckdb").endswith("WHERE FALSE")


def test_a_fluent_read_in_full_is_computed_in_full() -> None:
    text = (_rule_file("base.rules")).read_text(encoding="utf-8") + (
        "\nfluent isolated(Actor).\n"
        "isolated(X) holds for sovereign(X) except binds(_, X, _).\n"
        "fluent bound_to(Actor, Actor).\n"
        "initiated bound_to(X, Y) when meet(X, Y), binds(_, X, Y).\n"
    )
    d = dm.analyse(parse_rules(text, "t.rules"))
    # isolated reads binds for any Y: binds is needed in full, and so protected is not
    # restricted by a demand on binds (it has no reader: an empty demand)
    assert "binds" not in d.fluents
    assert d.fluents == {"protected": (0, 1, 2)}
    text2 = (_rule_file("base.rules")).read_text(encoding="utf-8") + (
        "\nfluent bound_to(Actor, Actor).\ninitiated bound_to(X, Y) when meet(X), binds(_, X, Y).\n"
    )
    d2 = dm.analyse(parse_rules(text2, "t.rules"))
    # an event binds X only: binds is computed for every pair that starts with a met actor
    assert d2.fluents["binds"] == (1,)


# --------------------------------------------------------------------------- random worlds

EVENTS = ["annexation", "incorporation", "occupation", "restoration_of_independence"]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Happening], dict, list[tuple[str, str]]]:
    n = draw(st.integers(2, 200))
    states = [f"s{i:03d}" for i in range(n)]
    hs: list[Happening] = []
    for s in states:
        hs.append(Happening("comes_into_existence", (s,), 1, 1, f"actor:{s}"))
    forbids: set[tuple[str, ...]] = set()
    for k in range(draw(st.integers(1, 3))):
        t = f"t{k}"
        size = draw(st.integers(2, n))
        first = draw(st.integers(0, n - 1))
        parties = [states[(first + j) % n] for j in range(size)]
        start = draw(st.integers(1, 20))
        late = start + draw(st.sampled_from([0, 0, 3]))
        hs.append(Happening("enter_into_force", (t,), start, late, f"instrument:{t}"))
        if draw(st.booleans()):
            hs.append(Happening("end", (t,), start + 30, start + 30, f"instrument:{t}"))
        for j, p in enumerate(parties):
            d = start + draw(st.integers(0, 10)) if j < 20 else start
            hs.append(Happening("join", (p, t), d, d, f"party:{t}:{p}"))
        for j in range(min(len(parties), draw(st.integers(0, 3)))):
            p = parties[j]
            d = draw(st.integers(5, 40))
            hs.append(Happening("leave", (p, t), d, d + draw(st.sampled_from([0, 2])), None))
        # a clause forbids annexation among the first few parties (facts are inputs)
        few = parties[:5]
        for x in few:
            for y in few:
                if x != y:
                    forbids.add((t, "art-1", x, y, "annexation"))
                    forbids.add((t, "art-1", x, y, "incorporation"))
    pairs: list[tuple[str, str]] = []
    for i in range(draw(st.integers(0, 8))):
        a = draw(st.sampled_from(states[:6]))
        b = draw(st.sampled_from(states[:6]))
        if a == b:
            continue
        name = draw(st.sampled_from(EVENTS))
        d = draw(st.integers(2, 45))
        late = d + draw(st.sampled_from([0, 0, 2]))
        if name == "restoration_of_independence":
            hs.append(Happening(name, (b,), d, late, f"ev{i}"))
        else:
            hs.append(Happening(name, (a, b), d, late, f"ev{i}"))
            hs.append(Happening(name, (a,), d, late, f"ev{i}"))
        pairs.append((a, b))
    pairs += [(draw(st.sampled_from(states)), draw(st.sampled_from(states))) for _ in range(3)]
    facts = {"state": {(s,) for s in states}, "forbids": forbids}
    return hs, facts, pairs


def key(iv):  # type: ignore[no-untyped-def]
    return (
        iv.fluent,
        tuple(iv.args),
        iv.value,
        iv.start,
        iv.end,
        iv.certainty,
        iv.rule,
        iv.initiated_by,
        iv.terminated_by,
    )


def per_scenario(table: str) -> exp.Query:
    """The plan's masked rows of a fluent table as the per-scenario rows the demand reads
    (``scenario_fluents``' shape): a row once per scenario it holds in."""
    return sqlglot.parse_one(
        f'SELECT sb.scn, t.* EXCLUDE (m) FROM "{table}" AS t '
        "JOIN (VALUES (0, 1), (1, 2)) AS sb(scn, bit) ON (t.m & sb.bit) <> 0",
        dialect="duckdb",
    )


def planned(prog, hs, facts):  # type: ignore[no-untyped-def]
    """The world's plan run with its fan-out fluents on demand, ``party_to`` and ``in_force``
    kept; the queries of those two and of the fact tables, as the demand reads them."""
    b = DuckDBBackend()
    b.load_happenings(hs, 2)
    for rel, decl in prog.facts.items():
        b.load_facts(rel, len(decl.arg_types), sorted(facts.get(rel, ())))
    keep = [fluent_table(f) for f in ("party_to", "in_force")]
    plan = b.run_tables(prog, keep=keep, demand=True)
    inputs = {f: per_scenario(fluent_table(f)) for f in ("party_to", "in_force")}
    facts_q = {r: exp.select("*").from_(f"facts_{r}") for r in ("forbids", "state")}
    return b, plan, inputs, facts_q


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), persp=st.sampled_from(["de-facto.rules", "non-recognition.rules"]))
def test_demand_equals_reference_on_instruments_of_up_to_200_parties(world, persp) -> None:  # type: ignore[no-untyped-def]
    hs, facts, pairs = world
    prog = program(persp)
    want = evaluate(prog, hs, facts)
    b, plan, inputs, facts_q = planned(prog, hs, facts)
    assert set(plan.on_demand) == {"binds", "protected"}
    got = [key(iv) for iv in b.read_intervals()]
    assert len(got) == len(set(got))
    assert set(got) == {key(iv) for iv in want if iv.fluent not in plan.on_demand}
    # no pairwise table: the plan's binds holds only the demanded pairs
    (n,) = b.con.execute(f'SELECT count(*) FROM "{fluent_table("party_to")}"').fetchone()
    for x, y in pairs:
        q = da.answer_query(prog, "binds", {1: [x], 2: [y]}, inputs, facts_q, plan.scenarios)
        rows = b.con.execute(q.sql(dialect="duckdb", identify=True)).fetchall()
        assert {(r[0], tuple(r[1]), *r[2:]) for r in rows} == {
            key(iv) for iv in want if iv.fluent == "binds" and iv.args[1:] == (x, y)
        }
        q = da.answer_query(prog, "protected", {0: [y], 1: [x]}, inputs, facts_q, plan.scenarios)
        rows = b.con.execute(q.sql(dialect="duckdb", identify=True)).fetchall()
        assert {(r[0], tuple(r[1]), *r[2:]) for r in rows} == {
            key(iv) for iv in want if iv.fluent == "protected" and iv.args[:2] == (y, x)
        }
    assert n >= 0


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=worlds(), times=st.lists(st.integers(-2, 50), min_size=1, max_size=6))
def test_keys_asked_at_time_points_get_their_rows_cut_to_those_points(world, times) -> None:  # type: ignore[no-untyped-def]
    """A key asked at time points only (``points``: the build's breach detection asks each
    forbidden act's binds at the act's point) holds at a point exactly where the key asked at
    every time holds; its rows lie inside the points asked. ``protected`` reads ``binds``, on
    demand too: the demand of the one at points makes the other's demand."""
    hs, facts, pairs = world
    prog = program("de-facto.rules")
    b, plan, inputs, facts_q = planned(prog, hs, facts)
    instruments = sorted({h.args[0] for h in hs if h.name == "enter_into_force"})
    asks = {
        "binds": ((0, 1, 2), [(t, x, y) for t in instruments for x, y in pairs]),
        "protected": (
            (0, 1, 2),
            [(y, x, e) for x, y in pairs for e in ("annexation", "incorporation")],
        ),
    }
    for fluent, (positions, ks) in asks.items():
        if not ks:
            continue
        scns = range(plan.scenarios)
        whole = exp.values([k for k in ks], alias="k", columns=["x0", "x1", "x2"])
        at = [(s, *k, t) for s in scns for k in ks for t in times]
        pts = exp.values(at, alias="k", columns=["scn", "x0", "x1", "x2", "t"])

        def rows(
            keys: exp.Query, points: bool, f: str = fluent, at_: tuple = positions
        ) -> list[tuple]:
            q = da.answer_query(
                prog,
                f,
                None,
                inputs,
                facts_q,
                plan.scenarios,
                per_scenario=True,
                keys=(at_, exp.select("*").from_(keys)),
                points=points,
            )
            inner = q.sql(dialect="duckdb", identify=True)
            sql = f'SELECT scn, k0, k1, k2, start, "end" FROM ({inner})'
            return b.con.execute(sql).fetchall()

        full, cut = rows(whole, False), rows(pts, True)
        held = {}
        for s, *k, start, end in full:
            held.setdefault((s, *k), []).append((start, 2**62 if end is None else end))
        have = {}
        for s, *k, start, end in cut:
            have.setdefault((s, *k), []).append((start, end))
        asked = {(s, *k): set() for s, *k, _ in at}
        for s, *k, t in at:
            asked[(s, *k)].add(t)
        for key_, ts in asked.items():
            for t in ts:
                want = any(a <= t < e for a, e in held.get(key_, []))
                assert any(a <= t < e for a, e in have.get(key_, [])) == want
        for key_, ivs in have.items():
            assert all(t in asked[key_] for a, e in ivs for t in range(a, e))


# --------------------------------------------------------------------------- built databases


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from foedus import build

    tmp = tmp_path_factory.mktemp("demand")
    corpus = load_corpus(bundled_path())
    _key, steps = build.default_steps()
    out = {}
    mp = pytest.MonkeyPatch()
    try:
        for mode in ("off", "on"):
            mp.setenv("FOEDUS_DEMAND", mode)
            out[mode] = build.build_database(corpus, tmp / f"{mode}.duckdb", steps)
    finally:
        mp.undo()
    return out


def fetch(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def event_binds(path: Path) -> tuple[list[tuple], list[tuple]]:
    """The rows of ``binds`` the breach step of the database at ``path`` (built on demand)
    computes for its forbidden acts (in a copy of it), sorted, and what those acts ask of
    it: ``(perspective, scenario, instrument, actor, beneficiary, t)``."""
    from foedus.build import binding, breaches

    copy = path.with_name(f"{path.stem}-binds.duckdb")
    copy.write_bytes(path.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        with breaches._forbidden(con, {}):
            assert binding.store_event_binds(
                con, load_corpus(bundled_path()), breaches.FORBIDDEN_TABLE
            )
            asked = con.execute(  # a forbidden act's scenarios are a mask (1, 2 or 3)
                "SELECT DISTINCT perspective, s.scenario, instrument, actor, beneficiary, t "
                f"FROM {breaches.FORBIDDEN_TABLE} JOIN (VALUES (1, 'early'), (2, 'late')) "
                "AS s(bit, scenario) ON (scenarios & s.bit) <> 0 ORDER BY ALL"
            ).fetchall()
            rows = con.execute(f"SELECT * FROM {binding.EVENT_BINDS} ORDER BY ALL").fetchall()
            return rows, asked
    finally:
        con.close()


def holding(rows: list[tuple]) -> dict[tuple, list[tuple[int, int]]]:
    """Rows ``(perspective, scenario, instrument, x, y, start, end)`` as the intervals of
    each key (an open end as 2^62)."""
    out: dict[tuple, list[tuple[int, int]]] = {}
    for *key, start, end in rows:
        out.setdefault(tuple(key), []).append((start, 2**62 if end is None else end))
    return out


# two builds of the bundled corpus (about 30 s): in the whole suite, not the quick one
@pytest.mark.slow
def test_the_bundled_corpus_built_on_demand_has_the_same_fluents_and_breaches(
    built: dict[str, Path],
) -> None:
    on, off = built["on"], built["off"]
    assert fetch(on, "SELECT DISTINCT fluent FROM on_demand ORDER BY 1") == [
        ("binds",),
        ("protected",),
    ]
    q = "SELECT * FROM fluents WHERE fluent NOT IN ('binds', 'protected') ORDER BY ALL"
    assert fetch(on, q) == fetch(off, q)
    assert fetch(on, "SELECT count(*) FROM fluents WHERE fluent IN ('binds', 'protected')") == [
        (0,)
    ]
    q = "SELECT * FROM breaches ORDER BY ALL"
    assert fetch(on, q) == fetch(off, q) and len(fetch(on, q)) > 100
    # the binds rows breaches read are the full build's rows for the keys events touch:
    # an (instrument, actor, beneficiary) that a norm of the instrument forbids an act of;
    # computed for the breaches into a temporary table, not stored
    q = "SELECT * FROM scenario_fluents WHERE fluent = 'binds' ORDER BY ALL"
    assert fetch(on, q) == []
    # (perspective, scenario, instrument, x, y, start, end): each key asked at the time
    # points of its acts only, so its rows are the full build's cut to those points
    lazy, asked = event_binds(on)
    full = [(p, s, *args, start, end) for p, s, _, args, _, start, end in fetch(off, q)]
    have, want = holding(lazy), holding(full)
    found = 0
    for *key, t in asked:
        holds = any(a <= t < b for a, b in want.get(tuple(key), []))
        assert any(a <= t < b for a, b in have.get(tuple(key), [])) == holds
        found += holds
    assert found > 10
    points = {(*key, t) for *key, t in asked}
    assert all((*key, t) in points for *key, a, b in lazy for t in range(a, b))
    assert len(lazy) < len(full) / 5
    keys = {(r[0], *r[2:5]) for r in lazy}
    forbidden = set(
        fetch(
            on,
            "SELECT DISTINCT n.instrument, a.actor, n.beneficiary FROM event_acts AS a "
            "JOIN norm_rows AS n ON n.bearer = a.actor AND n.event_type = a.type",
        )
    )
    assert {k[1:] for k in keys} <= forbidden and len(keys) > 10


# two builds of the bundled corpus (about 30 s): in the whole suite, not the quick one
@pytest.mark.slow
def test_treaties_between_two_parties_are_answered_from_memberships(
    built: dict[str, Path],
) -> None:
    from foedus.query import KnowledgeBase

    corpus = load_corpus(bundled_path())
    kbs = {}
    for mode, path in built.items():
        for persp in ("de-facto", "non-recognition"):
            kb = KnowledgeBase(corpus=corpus, perspective=persp)
            kb._db = path  # the database built in this mode
            kbs[mode, persp] = kb
    states = ["estonia", "latvia", "lithuania", "ussr", "germany", "united-states", "rsfsr"]
    days = ["1921-06-01", "1935-01-01", "1940-07-01", "1941-01-01", "1960-01-01", "1992-01-01"]
    asked = 0
    for persp in ("de-facto", "non-recognition"):
        for a in states:
            for b in states:
                if a == b:
                    continue
                for d in days:
                    want = kbs["off", persp].treaties(between=(a, b), on=d)
                    assert kbs["on", persp].treaties(between=(a, b), on=d) == want
                    asked += bool(want["treaties"])
    assert asked > 50


# --------------------------------------------------------------------------- O(N) rows


def stored_rows(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return sum(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    finally:
        con.close()


@pytest.mark.slow
def test_an_n_party_instrument_without_events_makes_o_n_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foedus import build
    from foedus.build import binding

    _key, steps = build.default_steps()
    rows = {}
    for n in (10, 100, 1000):
        corpus = load_corpus(n_party_corpus(tmp_path / f"n{n}", n, norm=True))
        if n == 1000:  # the default decides by the number of pairs of co-parties
            monkeypatch.delenv("FOEDUS_DEMAND", raising=False)
            assert n * (n - 1) > binding.PAIRS_THRESHOLD
        else:
            monkeypatch.setenv("FOEDUS_DEMAND", "on")
        db = build.build_database(corpus, tmp_path / f"n{n}.duckdb", steps)
        assert fetch(db, "SELECT count(*) FROM on_demand") == [(2,)]
        # the norm binds every party towards every other, for each of its three event
        # types: N (N - 1) 3 rows of norm_rows, which is a view of O(N) stored rows
        assert fetch(db, "SELECT count(*) FROM norm_rows") == [(n * (n - 1) * 3,)]
        rows[n] = stored_rows(db)
    # linear: ten times the parties, about ten times the rows (a full build: a hundred)
    assert rows[100] < 12 * rows[10]
    assert rows[1000] < 12 * rows[100]
    assert rows[1000] < 40 * 1000
    monkeypatch.setenv("FOEDUS_DEMAND", "off")
    corpus = load_corpus(n_party_corpus(tmp_path / "full", 100, norm=True))
    full = stored_rows(build.build_database(corpus, tmp_path / "full.duckdb", steps))
    assert full > 100 * 99  # every ordered pair of parties, at least once


# --------------------------------------------------------------------------- the default


@pytest.mark.slow
def test_by_default_a_world_of_the_benchmarks_shape_is_built_on_demand_and_the_bundled_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``FOEDUS_DEMAND=auto`` (the default): the generated benchmark worlds' instruments (E/500
    of them among E/2000 states: 200 among 50 at 10^5) are over the threshold and computed on
    demand, with the breaches and the other fluents of a full build; the bundled corpus (272
    ordered pairs of co-parties) keeps every pair stored, as incremental updates need."""
    from foedus import build
    from foedus.build import binding
    from foedus.generate import generate_world

    _key, steps = build.default_steps()
    world = generate_world(tmp_path / "w", states=50, instruments=200, events=300, seed=1).path
    corpus = load_corpus(world)
    monkeypatch.delenv("FOEDUS_DEMAND", raising=False)
    auto = build.build_database(corpus, tmp_path / "auto.duckdb", steps)
    monkeypatch.setenv("FOEDUS_DEMAND", "off")
    full = build.build_database(corpus, tmp_path / "full.duckdb", steps)
    (pairs,) = fetch(full, binding._co_party_pairs())[0]
    assert pairs > binding.PAIRS_THRESHOLD
    assert fetch(auto, "SELECT DISTINCT fluent FROM on_demand ORDER BY 1") == [
        ("binds",),
        ("protected",),
    ]
    q = "SELECT * FROM breaches ORDER BY ALL"
    assert fetch(auto, q) == fetch(full, q) and len(fetch(full, q)) > 10
    q = "SELECT * FROM fluents WHERE fluent NOT IN ('binds', 'protected') ORDER BY ALL"
    assert fetch(auto, q) == fetch(full, q)
    # the intervals stored: a tenth of the full build's
    count = "SELECT count(*) FROM fluents"
    assert 10 * fetch(auto, count)[0][0] < fetch(full, count)[0][0]

    monkeypatch.delenv("FOEDUS_DEMAND", raising=False)
    bundled = build.build_database(load_corpus(bundled_path()), tmp_path / "b.duckdb", steps)
    (pairs,) = fetch(bundled, binding._co_party_pairs())[0]
    assert pairs <= binding.PAIRS_THRESHOLD
    assert fetch(bundled, "SELECT count(*) FROM fluents WHERE fluent = 'binds'")[0][0] > 0


@pytest.mark.slow
def test_fuzzy_acts_that_no_rule_reads_breach_in_both_scenarios_on_demand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A world whose rules read only exact dates (one scenario for the fluents) but whose acts
    of other types are fuzzy: an act's breaches are found at its earliest and at its latest
    day all the same, and ``binds`` on demand is asked at both, so the breaches are those of
    a full build. (Asked at the earliest days only, the on-demand build of such a world at
    10^5 events found 25,808 breaches against the full build's 25,912.)"""
    from foedus import build
    from foedus.engine.compile_event import event_forms
    from foedus.generate import generate_world
    from foedus.rules.programs import program_for

    world = generate_world(
        tmp_path / "w", states=30, instruments=60, events=4000, seed=3, format="parquet"
    ).path
    corpus = load_corpus(world)
    read = sorted(
        {
            n
            for p in corpus.perspectives
            for ns in event_forms(program_for(corpus, p.id).rules).values()
            for n in ns
        }
    )
    events = world / "events.parquet"
    moved = tmp_path / "events.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN list_contains(?, type) THEN date_earliest "
        f"ELSE date_latest END AS date_latest) FROM '{events}') TO '{moved}' (FORMAT parquet)",
        [read],
    )
    (fuzzy,) = con.execute(
        f"SELECT count(*) FROM '{moved}' WHERE date_earliest < date_latest"
    ).fetchone()
    con.close()
    assert fuzzy > 100  # acts of the types no rule reads
    events.write_bytes(moved.read_bytes())
    corpus = load_corpus(world)
    _key, steps = build.default_steps()
    built = {}
    for mode in ("on", "off"):
        monkeypatch.setenv("FOEDUS_DEMAND", mode)
        built[mode] = build.build_database(corpus, tmp_path / f"{mode}.duckdb", steps)
    assert fetch(built["on"], "SELECT DISTINCT fluent, scenarios FROM on_demand ORDER BY 1") == [
        ("binds", 1),
        ("protected", 1),
    ]
    q = "SELECT * FROM breaches ORDER BY ALL"
    assert fetch(built["on"], q) == fetch(built["off"], q)
    certainty = "SELECT certainty, count(*) FROM breaches GROUP BY 1 ORDER BY 1"
    assert [c for c, n in fetch(built["on"], certainty) if n] == ["certain", "possible"]
