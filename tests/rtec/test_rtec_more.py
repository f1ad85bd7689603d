"""RTEC conformance on six more event descriptions (``fixtures_more/``): ``foedus run``'s two
paths (plain Python and DuckDB) must write RTEC's interval CSV, and the compiled DuckDB engine
must give the same rows.

Each case pairs ``rtec/<description>.rules`` (the RTEC description
``fixtures_more/descriptions/<description>.prolog`` in the foedus rule language) with
``fixtures_more/narratives/<case>.csv`` and its domain facts (``<case>.domain.prolog``, passed
as ``--facts``), and must give ``fixtures_more/expected/<case>.csv``, which RTEC computed
(``fixtures_more/README.md``).
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from foedus.backends import run as run_mod
from foedus.backends.base import Backend
from foedus.backends.run import load_program, read_facts, run
from rtec_rows import interval_rows, read_expected, read_narrative

HERE = Path(__file__).parent
MORE = HERE / "fixtures_more"
CASES = sorted(p.stem for p in (MORE / "expected").glob("*.csv"))
DESCRIPTIONS = ["i_chain", "j_roles", "k_lists", "l_phases", "m_groups", "n_values"]


def _paths(case: str) -> tuple[Path, Path, Path]:
    """The rules, the narrative and the domain facts of ``case``."""
    narratives = MORE / "narratives"
    return (
        HERE / f"{case.split('__')[0]}.rules",
        narratives / f"{case}.csv",
        narratives / f"{case}.domain.prolog",
    )


def test_every_case_is_collected() -> None:
    assert CASES == sorted(f"{d}__{n}" for d in DESCRIPTIONS for n in ("tiny", "rand2k"))


def _records(path: Path) -> list[list[str]]:
    with path.open(newline="") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("engine", ["python", "duckdb"])
@pytest.mark.parametrize("case", CASES)
def test_run_writes_rtecs_intervals_exactly(
    case: str, engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every CSV record as RTEC's file has it, in its order, and the same bytes (the fluent of
    no argument, m_groups' ``session``, has an empty ``args`` field, unquoted, as RTEC's)."""
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(run_mod.ENGINE_ENV, engine)
    rules, narrative, domain = _paths(case)
    out = tmp_path / "out.csv"
    n = run([rules], narrative, facts=[domain], out=out)
    expected = MORE / "expected" / f"{case}.csv"
    assert _records(out) == _records(expected)
    assert n == len(_records(expected)) - 1
    assert out.read_bytes() == expected.read_bytes()


@pytest.mark.parametrize("backend", ["duckdb"], indirect=True)
@pytest.mark.parametrize("case", CASES)
def test_compiled_engine_gives_rtecs_rows(case: str, backend: Backend) -> None:
    rules, narrative, domain = _paths(case)
    program, arities = load_program([rules])
    facts = read_facts([domain], arities)
    intervals = backend.evaluate(program, read_narrative(narrative), facts)
    got = interval_rows(intervals)
    assert len(got) == len(intervals)
    expected = read_expected(MORE / "expected" / f"{case}.csv")
    assert sorted(got - expected) == [] and sorted(expected - got) == []


def test_the_generator_writes_the_random_narratives() -> None:
    spec = importlib.util.spec_from_file_location("gen_more", MORE / "gen_more.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for d, (events, horizon, seed) in gen.RAND.items():
        lines = gen.narrative(d, events, horizon, seed)
        assert (MORE / "narratives" / f"{d}__rand2k.csv").read_text() == "\n".join(lines) + "\n"
        for case in (f"{d}__tiny", f"{d}__rand2k"):
            narrative = (MORE / "narratives" / f"{case}.csv").read_text().splitlines()
            domain = MORE / "narratives" / f"{case}.domain.prolog"
            assert domain.read_text() == gen.domain(d, narrative)
