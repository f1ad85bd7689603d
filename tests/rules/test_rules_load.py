"""The bundled corpus's rule programs shipped parsed (foedus.rules.load,
docs/decisions/0011-plans-compiled-ahead.md): each equals a fresh parse, is made with the
paths its caller gives, and is used only for the same files' names and texts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from foedus.corpus import bundled_path, load_corpus
from foedus.rules import load
from foedus.rules.library import rule_paths
from foedus.rules.parse import build_program
from fresh_process import fresh_output

STALE = (
    "the shipped programs (src/foedus/rules/parsed.pickle) are not what the parser makes now: "
    "run `python -m foedus.build.precompile` and commit the files"
)


def sources(corpus: Any, perspective: str) -> load.Sources:
    persp = next(p for p in corpus.perspectives if p.id == perspective)
    return tuple(
        (Path(f).read_text(encoding="utf-8"), str(f)) for f in rule_paths(corpus, persp.rules)
    )


@pytest.fixture(scope="module")
def corpus() -> Any:
    return load_corpus(bundled_path())


def test_each_shipped_program_is_a_fresh_parse(corpus: Any) -> None:
    for p in corpus.perspectives:
        src = sources(corpus, p.id)
        shipped = load.shipped(src)
        assert shipped is not None, STALE
        assert shipped == build_program(list(src)), STALE


def test_a_shipped_program_names_the_files_it_was_given(corpus: Any, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(bundled_path(), copy)
    moved = load_corpus(copy)
    src = sources(moved, "soviet")
    assert any(str(copy) in f for _, f in src)
    program = load.shipped(src)
    assert program is not None
    assert program == build_program(list(src))
    files = {r.pos.file for r in program.rules}
    assert files <= {f for _, f in src} and any(str(copy) in f for f in files)


def test_other_texts_or_names_are_parsed(corpus: Any) -> None:
    src = sources(corpus, "soviet")
    (text, file), *rest = src
    assert load.shipped(((text + "\n# more\n", file), *rest)) is None
    assert load.shipped(((text, file.replace(".rules", "2.rules")), *rest)) is None


def test_a_missing_or_broken_file_ships_nothing(
    corpus: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = sources(corpus, "soviet")
    monkeypatch.setattr(load, "PARSED", tmp_path / "missing.pickle")
    monkeypatch.setattr(load, "_shipped", None)
    assert load.shipped(src) is None
    broken = tmp_path / "broken.pickle"
    broken.write_bytes(b"not a pickle")
    monkeypatch.setattr(load, "PARSED", broken)
    monkeypatch.setattr(load, "_shipped", None)
    assert load.shipped(src) is None


def test_a_first_answer_after_install_does_not_import_the_parser(tmp_path: Path) -> None:
    code = (
        "import sys; from foedus.corpus import bundled_path, load_corpus; "
        "from foedus.rules.programs import program_for; "
        "c = load_corpus(bundled_path()); [program_for(c, p.id) for p in c.perspectives]; "
        "print(sorted(m for m in sys.modules if m == 'lark' or m == 'foedus.rules.parse'))"
    )
    assert fresh_output(code) == "[]"
