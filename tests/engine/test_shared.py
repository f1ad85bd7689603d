"""Fluents the perspectives share: found by their dependency cones, computed once in a build."""

from __future__ import annotations

from pathlib import Path

from foedus import build as foedus_build
from foedus.backends.duckdb import DuckDBBackend
from foedus.build import fluents
from foedus.corpus import bundled_path, load_corpus
from foedus.corpus.perspectives import perspective_ids
from foedus.engine import from_corpus
from foedus.engine.compile import compile_program
from foedus.engine.dependencies import cone, shared_fluents
from foedus.rules.parse import parse_rules
from foedus.rules.programs import program_for

COMMON = """
fact state(Actor).
fluent exists(Actor).
exists_from: initiated exists(X) when born(X).
fluent ruled(Actor).
"""


def test_a_fluent_is_shared_only_when_its_whole_cone_is_the_same() -> None:
    a = parse_rules(
        COMMON
        + """
ruled_from: initiated ruled(X) when crowned(X), exists(X).
fluent free(Actor).
free_while: free(X) holds for exists(X).
"""
    )
    b = parse_rules(
        COMMON
        + """
ruled_from: initiated ruled(X) when crowned(X), exists(X), state(X).
fluent free(Actor).
free_while: free(X) holds for exists(X).
"""
    )
    assert cone(a, "ruled") == ["exists", "ruled"]
    # exists and free (which reads only exists) are the same; ruled reads a fact in b only
    assert shared_fluents({"a": a, "b": b}) == {"a": {}, "b": {"exists": "a", "free": "a"}}


def test_a_fluent_that_reads_a_changed_fluent_is_not_shared() -> None:
    a = parse_rules(COMMON + "ruled_from: initiated ruled(X) when crowned(X), exists(X).\n")
    b = parse_rules(
        COMMON
        + "exists_until: terminated exists(X) when dies(X).\n"
        + "ruled_from: initiated ruled(X) when crowned(X), exists(X).\n"
    )
    assert shared_fluents({"a": a, "b": b}) == {"a": {}, "b": {}}


def test_the_bundled_perspectives_share_what_foedus_base_computes_alike() -> None:
    corpus = load_corpus(bundled_path())
    programs = {pid: program_for(corpus, pid) for pid in perspective_ids(corpus)}
    shared = shared_fluents(programs)
    assert shared["de-facto"] == {}
    assert shared["non-recognition"] == {
        f: "de-facto"
        for f in (
            "exists",
            "joined",
            "consented",
            "controlled_by",
            "displaced_by",
            "sphere_of_influence",
        )
    }
    assert shared["soviet"] == {
        "exists": "de-facto",
        "joined": "de-facto",
        "controlled_by": "de-facto",
        "displaced_by": "de-facto",
        "sphere_of_influence": "de-facto",
        "in_force": "non-recognition",
    }
    # a given fluent is copied, not computed, and left out of the plan's output
    plan = compile_program(programs["soviet"], given={"joined": "t_joined"})
    made = [getattr(s, "table", None) for s in plan.steps]
    assert "_foedus_fl_joined" in made and "_foedus_next_joined" not in made
    assert "_foedus_odd_joined" not in made


def test_a_build_with_shared_fluents_has_each_perspectives_own_intervals(tmp_path: Path) -> None:
    """Every perspective's rows of ``fluents`` are those its own plan computes alone."""
    corpus = load_corpus(bundled_path())
    db = foedus_build.build_database(corpus, tmp_path / "b.duckdb", [fluents.store_fluents])
    con = foedus_build.connect(db)
    try:
        stored = con.execute(
            'SELECT perspective, fluent, args, value, start, "end", certainty, rule, '
            "initiated_by, terminated_by FROM fluents"
        ).fetchall()
    finally:
        con.close()
    narrative = from_corpus.happenings(corpus)
    facts = from_corpus.facts(corpus)
    for pid in perspective_ids(corpus):
        alone = DuckDBBackend().evaluate(program_for(corpus, pid), narrative, facts)
        mine = sorted(r[1:] for r in stored if r[0] == pid)
        assert mine == sorted(
            (
                iv.fluent,
                list(iv.args),
                iv.value,
                iv.start,
                iv.end,
                iv.certainty,
                iv.rule,
                iv.initiated_by,
                iv.terminated_by,
            )
            for iv in alone
        ), pid
