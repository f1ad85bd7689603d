"""The compiled engine (SQL on DuckDB) and the reference interpreter agree on the Baltic corpus
under every perspective — the cyclic non-recognition rules included — and on a small cycle
through time written out by hand."""

from __future__ import annotations

import pytest

from foedus.backends.duckdb import DuckDBBackend
from foedus.build import fluents
from foedus.corpus import bundled_path, load_corpus
from foedus.engine.narrative import Happening
from foedus.engine.reference import evaluate
from foedus.rules import parse_rules

pytestmark = pytest.mark.slow

CYCLE = """
fluent sov(A).
fluent joined(A, T).
fluent party(A, T).
fluent binds(T, A, B).
fluent prot(A, B).
initiated sov(X) when indep(X).
ends_unless_protected: terminated sov(X) when annex(Y, X), not prot(X, Y).
initiated joined(X, T) when join(X, T).
terminated joined(X, T) when leave(X, T).
party(X, T) holds for joined(X, T) and sov(X).
binds(T, X, Y) holds for party(X, T) and party(Y, T) where X != Y.
prot(X, Y) holds for binds(T, Y, X).
"""


def _h(name, args, t, ident):
    return Happening(name, args, t, t, ident)


def test_cycle_through_time_by_hand():
    program = parse_rules(CYCLE, "cycle.rules")
    narrative = [
        _h("indep", ("e",), 1, "i1"),
        _h("indep", ("r",), 1, "i2"),
        _h("join", ("e", "t"), 2, "j1"),
        _h("join", ("r", "t"), 2, "j2"),
        # protected by the treaty: the first annexation does not end sovereignty
        _h("annex", ("r", "e"), 10, "a1"),
        # r leaves the treaty at 12 (effective 13); the annexation at 15 succeeds
        _h("leave", ("r", "t"), 12, "l1"),
        _h("annex", ("r", "e"), 15, "a2"),
    ]
    for got in (evaluate(program, narrative), DuckDBBackend().evaluate(program, narrative)):
        sov_e = [
            (i.start, i.end, i.terminated_by) for i in got if i.fluent == "sov" and i.args == ("e",)
        ]
        assert sov_e == [(2, 16, "a2")]
        prot = [(i.args, i.start, i.end) for i in got if i.fluent == "prot"]
        assert sorted(prot) == [(("e", "r"), 3, 13), (("r", "e"), 3, 13)]


@pytest.mark.parametrize("perspective", ["de-facto", "non-recognition", "soviet"])
def test_baltic_compiled_equals_reference(perspective):
    corpus = load_corpus(bundled_path())
    compiled = fluents.evaluate(corpus, perspective, "duckdb")
    reference = fluents.evaluate(corpus, perspective, "reference")
    assert len(compiled) > 1000
    assert sorted(compiled) == sorted(reference)
