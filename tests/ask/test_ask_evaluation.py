"""How well `foedus ask` understands questions as people ask them (docs/questions.md,
"Evaluation"): each part of tests/questions/ is mapped, its accuracy printed, and a floor held.

The held-out part was written before the parser and is never tuned on; the tuning part is
what the parser was developed against.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.ask.evaluation import accuracy, evaluate, read_cases
from foedus.query import KnowledgeBase

QUESTIONS = Path(__file__).parents[1] / "questions"
FLOORS = {"tuning.tsv": 0.95, "heldout.tsv": 0.90}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase()


def test_parts_are_large_enough() -> None:
    sizes = {name: len(read_cases(QUESTIONS / name)) for name in FLOORS}
    assert sum(sizes.values()) >= 300, sizes
    assert sizes["heldout.tsv"] >= 100, sizes


def test_every_query_kind_is_asked() -> None:
    kinds = {c.expected.split()[0] for name in FLOORS for c in read_cases(QUESTIONS / name)}
    assert kinds >= {
        "events", "treaty", "treaties", "status", "holds", "timeline", "breaches",
        "aggressor", "compare", "error",
    }  # fmt: skip


@pytest.mark.parametrize("name", list(FLOORS))
def test_accuracy_above_floor(
    kb: KnowledgeBase, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes = evaluate(QUESTIONS / name, kb)
    score = accuracy(outcomes)
    right = sum(o.ok for o in outcomes)
    with capsys.disabled():
        print(f"\nask accuracy, {name}: {right}/{len(outcomes)} ({score:.1%})")
    misses = [f"{o.case.question!r}: expected {o.case.expected}, got {o.got}" for o in outcomes]
    misses = [m for m, o in zip(misses, outcomes, strict=True) if not o.ok]
    assert score >= FLOORS[name], "\n".join(misses)


def test_a_miss_is_reported(kb: KnowledgeBase, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("# a comment\nWhat happened in 1940?\ttimeline actor=estonia (de-facto)\n")
    [outcome] = evaluate(wrong, kb)
    assert not outcome.ok
    assert outcome.got == "events from=1940-01-01 to=1940-12-31 (de-facto)"
    assert outcome.case.line == 2
