"""The reference interpreter against RTEC's output on the conformance fixtures.

Each case pairs ``rtec/<description>.rules`` (the RTEC description translated into the foedus
rule language) with ``rtec/fixtures/narratives/<case>.csv`` and must reproduce
``rtec/fixtures/expected/<case>.csv`` exactly, as a set of rows. The fixtures are our own data
(see the conformance README); they are copied here so that the tests run on a fresh clone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rtec_cases import CASES, FIXTURES, HERE, read_expected

from foedus.engine.narrative import Happening
from foedus.engine.reference import evaluate
from foedus.rules import load_rules
from rtec_rows import interval_rows


def _slow_if_large(case: str) -> object:
    """The 100,000-event case is slow (``pytest -m "not slow"`` leaves it out)."""
    return pytest.param(case, marks=pytest.mark.slow) if "100k" in case else case


def read_narrative(path: Path) -> list[Happening]:
    """RTEC's input: ``event|arrival|time|arg...``; a repeated line means the same as once."""
    out = []
    for line in path.read_text().splitlines():
        if line.strip():
            name, _arrival, time, *args = line.split("|")
            out.append(Happening(name, tuple(args), int(time), int(time)))
    return list(dict.fromkeys(out))


def test_every_case_is_collected() -> None:
    assert len(CASES) == 15


# e_treaties__rand100k (100,000 events) takes ~4 s
@pytest.mark.parametrize("case", [_slow_if_large(c) for c in CASES])
def test_conformance(case: str) -> None:
    description = case.split("__")[0]
    program = load_rules([HERE / f"{description}.rules"])
    intervals = evaluate(program, read_narrative(FIXTURES / "narratives" / f"{case}.csv"))
    got = interval_rows(intervals)
    assert {i.certainty for i in intervals} <= {"certain"}
    expected = read_expected(FIXTURES / "expected" / f"{case}.csv")
    assert sorted(got - expected) == [] and sorted(expected - got) == []
