"""The compiled SQL engine against RTEC's output on the conformance fixtures.

The same cases as test_rtec_conformance.py, run through each backend (the ``backend`` fixture:
DuckDB, and Spark on the tiny narratives only, which cost it seconds each): every row of
``rtec/fixtures/expected/<case>.csv`` and no other. For scale: on e_treaties__rand100k
(100,000 events, 142,143 intervals) RTEC took 2.74 s wall and 771 ms for recognition; the
test records the compiled engine's time as the ``seconds`` property.
"""

from __future__ import annotations

import time

import pytest
from rtec_cases import CASES, FIXTURES, HERE, read_expected

from foedus.backends.base import Backend
from foedus.rules import load_rules
from rtec_rows import interval_rows, read_narrative


@pytest.mark.parametrize(
    ("backend", "case"),
    [
        *[
            pytest.param("duckdb", c, marks=pytest.mark.slow) if "100k" in c else ("duckdb", c)
            for c in CASES
        ],
        # the others cost Spark minutes; Spark's are slow (``pytest -m "not slow"``)
        *[pytest.param("spark", c, marks=pytest.mark.slow) for c in CASES if c.endswith("__tiny")],
    ],
    indirect=["backend"],
)
def test_compiled_conformance(case: str, backend: Backend, record_property) -> None:
    program = load_rules([HERE / f"{case.split('__')[0]}.rules"])
    happenings = read_narrative(FIXTURES / "narratives" / f"{case}.csv")
    t0 = time.perf_counter()
    intervals = backend.evaluate(program, happenings)
    record_property("seconds", round(time.perf_counter() - t0, 3))
    got = interval_rows(intervals)
    assert {i.certainty for i in intervals} <= {"certain"}
    assert len(got) == len(intervals)
    expected = read_expected(FIXTURES / "expected" / f"{case}.csv")
    assert sorted(got - expected) == [] and sorted(expected - got) == []


@pytest.mark.parametrize("backend", ["duckdb"], indirect=True)  # Spark: test_differential.py
def test_provenance_matches_the_reference(backend: Backend) -> None:
    from foedus.engine.reference import evaluate

    program = load_rules([HERE / "e_treaties.rules"])
    happenings = read_narrative(FIXTURES / "narratives" / "e_treaties__rand2k.csv")
    assert sorted(backend.evaluate(program, happenings)) == sorted(evaluate(program, happenings))
