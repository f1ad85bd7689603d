"""The README's sample output is the real output of its example commands (issue 17, point 5):
``python scripts/gen_readme.py`` writes it; this test fails when it differs."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_readme", ROOT / "scripts" / "gen_readme.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_sample_output_is_the_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == _gen().render(), "README.md is stale: run python scripts/gen_readme.py"


def test_the_sample_answers_the_issue_question() -> None:
    """Was Lithuania occupied in 1950? In fact part of the Soviet Union; under
    non-recognition a sovereign state under occupation; in the Soviet view part of it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "$ foedus status Lithuania --on 1950-01-01 --perspective all" in readme
    assert "non-recognition  sovereign state, under occupation by Soviet Union" in readme


def test_a_changed_output_is_caught() -> None:
    gen = _gen()
    block = "```console\n$ foedus explain status Estonia --on 1960-01-01 | head -1\nwrong\n```\n"
    fresh = gen.render(block)
    assert fresh != block
    assert fresh.splitlines()[2].startswith("In the de-facto view, Estonia on 1960-01-01 was")
