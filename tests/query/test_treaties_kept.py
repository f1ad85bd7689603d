"""``treaties --between A B --on D`` where ``binds`` is computed on demand (a large corpus:
foedus.build.binding): the rows of a pair of actors are read once and kept with the knowledge
base, and the answers are those of a database that stores ``binds``."""

from __future__ import annotations

from pathlib import Path

import pytest

from foedus.build import binding
from foedus.query import KnowledgeBase
from foedus.query import treaties as treaties_module
from small_corpora import n_party_corpus

DAYS = ["1920-01-01", "1921-03-03", "1921-04-20", "1935-01-01"]
PAIRS = [("s0000", "s0001"), ("s0001", "s0002"), ("s0002", "s0000")]


def _kb(corpus: Path, cache: Path, demand: str, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    monkeypatch.setenv("FOEDUS_DEMAND", demand)
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(cache))
    kb = KnowledgeBase(corpus)
    kb.db_path  # built now, under this mode and cache  # noqa: B018
    return kb


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of on-demand queries run (one element per query)."""
    runs: list[int] = []
    real = binding._run

    def run(*a, **k):  # type: ignore[no-untyped-def]
        runs.append(1)
        return real(*a, **k)

    monkeypatch.setattr(binding, "_run", run)
    return runs


def test_on_demand_answers_match_stored_and_read_each_pair_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    corpus = n_party_corpus(tmp_path / "c", 4)
    stored = _kb(corpus, tmp_path / "off", "off", monkeypatch)
    lazy = _kb(corpus, tmp_path / "on", "on", monkeypatch)
    assert "binds" not in binding.on_demand(stored.cursor(), "de-facto")
    assert "binds" in binding.on_demand(lazy.cursor(), "de-facto")
    counted.clear()
    for a, b in PAIRS:
        for day in DAYS:
            assert lazy.treaties(between=(a, b), on=day) == stored.treaties(between=(a, b), on=day)
    # the convention binds every pair from its entry into force, not before its signature
    assert lazy.treaties(between=PAIRS[0], on=DAYS[0]) == {"treaties": []}
    assert [t["id"] for t in lazy.treaties(between=PAIRS[0], on=DAYS[-1])["treaties"]] == [
        "big-convention"
    ]
    # one on-demand query per pair, whatever the day, and none when asked again
    assert len(counted) == len(PAIRS)
    lazy.treaties(between=PAIRS[1], on="1950-01-01")
    assert len(counted) == len(PAIRS)


def test_the_kept_pairs_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: list[int]
) -> None:
    corpus = n_party_corpus(tmp_path / "c", 3)
    kb = _kb(corpus, tmp_path / "on", "on", monkeypatch)
    monkeypatch.setattr(treaties_module, "KEPT_PAIRS", 1)
    counted.clear()
    first = kb.treaties(between=PAIRS[0], on="1935-01-01")
    kb.treaties(between=PAIRS[1], on="1935-01-01")
    assert kb.treaties(between=PAIRS[0], on="1935-01-01") == first
    assert len(counted) == 3  # the first pair was let go when the second was read
    assert len(kb.__dict__["_binds_kept"]) == 1


def test_a_knowledge_base_reads_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its reads are look-ups of a few thousand rows: one DuckDB thread spends less CPU on
    them (a new GGO pair: ~37 -> ~23 ms) and waits for no second core."""
    from foedus.build.schema import setting

    kb = _kb(n_party_corpus(tmp_path / "c", 4), tmp_path / "cache", "on", monkeypatch)
    assert kb.cursor().execute(setting("threads")).fetchone() == (1,)
    both = kb.treaties(between=("s0000", "s0001"), on="1935-01-01")
    assert [t["id"] for t in both["treaties"]] == ["big-convention"]
