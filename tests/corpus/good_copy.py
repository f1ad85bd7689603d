"""A copy of tests/corpora/good in a test's folder, to break one thing in: the fixtures and
helpers the tests of refusals share (``from good_copy import ...``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.errors import CorpusError

GOOD = Path(__file__).parents[1] / "corpora" / "good"


@pytest.fixture(autouse=True)
def _env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("FOEDUS_DEBUG", raising=False)


@pytest.fixture
def copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "good"
    shutil.copytree(GOOD, target)
    monkeypatch.chdir(target)  # the problems name the files as good/x.yaml would: x.yaml
    return target


def edit(root: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``root/name`` by ``new`` (``old`` must be there)."""
    f = root / name
    text = f.read_text(encoding="utf-8")
    assert old in text, (name, old)
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def report(root: Path) -> list[str]:
    """The lines of the refusal of the corpus at ``root``."""
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    return info.value.report().splitlines()
