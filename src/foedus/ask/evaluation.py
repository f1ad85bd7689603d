"""Measure how well questions are understood: a file of questions with the query each must map to.

A question file is tab-separated text, one question per line: the question, a tab, and the
expected query as :meth:`Query.describe` prints it, or ``error`` when the question must be
refused (exit code 2). Lines starting with ``#`` are comments. ``tests/questions/`` holds two:
``tuning.tsv``, which the parser was developed against, and ``heldout.tsv``, written before the
parser and never tuned on (docs/questions.md, "Evaluation").

``python -m foedus.ask.evaluation FILE...`` prints each file's accuracy and its misses.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from foedus.ask.reply import parse_question
from foedus.errors import UserError
from foedus.query import KnowledgeBase


@dataclass(frozen=True)
class Case:
    """One question of a file, where it stands, and the query it must map to."""

    question: str
    expected: str
    line: int


@dataclass(frozen=True)
class Outcome:
    """A case and what the parser made of it."""

    case: Case
    got: str

    @property
    def ok(self) -> bool:
        return self.got == self.case.expected


def read_cases(path: Path) -> list[Case]:
    """The cases of a question file (``question<TAB>expected`` lines)."""
    cases: list[Case] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        question, sep, expected = line.partition("\t")
        if not sep:
            raise UserError(f"{path}:{n}:1: expected 'question<TAB>query', got {line!r}")
        cases.append(Case(question, expected.strip(), n))
    return cases


def run_case(case: Case, kb: KnowledgeBase) -> Outcome:
    """Map one question; a refused question reads ``error``."""
    try:
        got = parse_question(case.question, kb).describe()
    except UserError:
        got = "error"
    return Outcome(case, got)


def evaluate(path: Path, kb: KnowledgeBase) -> list[Outcome]:
    """Every case of a question file, mapped."""
    return [run_case(c, kb) for c in read_cases(path)]


def accuracy(outcomes: list[Outcome]) -> float:
    """The share of cases mapped to the expected query."""
    return sum(o.ok for o in outcomes) / len(outcomes) if outcomes else 0.0


def main(argv: list[str] | None = None) -> int:
    kb = KnowledgeBase()
    for name in argv if argv is not None else sys.argv[1:]:
        outcomes = evaluate(Path(name), kb)
        right = sum(o.ok for o in outcomes)
        print(f"{name}: {right}/{len(outcomes)} ({accuracy(outcomes):.1%})")
        for o in outcomes:
            if not o.ok:
                print(f"  {name}:{o.case.line}: {o.case.question}")
                print(f"    expected {o.case.expected}")
                print(f"    got      {o.got}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
