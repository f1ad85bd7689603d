"""A corpus kept between runs of the command line makes only the records a command shows
(:mod:`foedus.corpus.kept`, :mod:`foedus.corpus.cache`; issue #15, the warm command line)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from foedus.corpus import cache as corpus_cache

GOOD = Path(__file__).parents[1] / "corpora" / "good"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))


def test_a_kept_corpus_makes_only_the_records_a_command_shows(tmp_path: Path) -> None:
    from foedus.corpus.kept import KeptRecords
    from foedus.query import KnowledgeBase

    folder = tmp_path / "good"
    subprocess.run(["cp", "-r", str(GOOD), str(folder)], check=True)
    fresh = corpus_cache.load_cached(folder)  # read from the YAML, then kept
    kept = corpus_cache.load_cached(folder)
    assert isinstance(kept.instruments, KeptRecords) and isinstance(kept.events, KeptRecords)
    assert not any(kept.instruments._made) and not any(kept.events._made)
    kb = KnowledgeBase(kept)
    # looked up by an alias and named without being made
    assert kb.render.instrument_ref("treaty-of-harbour")["name"] == "Treaty of Harbour"
    assert not any(kept.instruments._made)
    assert kb.resolver.instrument("Harbour Treaty").id == "treaty-of-harbour"
    assert sum(r is not None for r in kept.instruments._made) == 1
    first = fresh.events[0].id
    assert kb.event(first) == fresh.events[0]
    assert sum(r is not None for r in kept.events._made) == 1
    # the whole corpus, when asked for, is the one read from the YAML
    assert list(kept.instruments) == list(fresh.instruments)
    assert list(kept.events) == list(fresh.events)
    assert KnowledgeBase(kept).events() == KnowledgeBase(fresh).events()


def test_kept_records_read_as_the_list_they_keep() -> None:
    import pickle

    from foedus.corpus import load_corpus
    from foedus.corpus.kept import KeptRecords, by_id, names

    corpus = load_corpus(GOOD)
    events = corpus.events
    kept = pickle.loads(pickle.dumps(KeptRecords(events)))
    assert len(kept) == len(events) and not any(kept._made)
    assert kept[-1] == events[-1] and kept[1:3] == events[1:3]
    assert sum(r is not None for r in kept._made) == 3
    with pytest.raises(IndexError):
        kept[len(events)]
    found = by_id(kept)
    assert list(found) == [e.id for e in events] and events[0].id in found
    assert "no-such-event" not in found and 7 not in found
    with pytest.raises(KeyError):
        found["no-such-event"]
    inst = corpus.instruments
    assert list(names(KeptRecords(inst))) == list(names(inst))
    assert list(names(inst)) == [(i.id, i.name, list(i.aliases)) for i in inst]


def test_a_parquet_corpus_is_kept_unvalidated_and_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet corpus is kept as one of YAML: a warm load neither checks its tables again
    nor makes its records; one instrument looked up is made alone, the same as when all are
    made; a changed table is a new key, checked afresh."""
    import duckdb

    from foedus.ask.lexicon import Lexicon
    from foedus.corpus import parquet_check
    from foedus.corpus.parquet import LazyRecords
    from foedus.errors import CorpusError
    from foedus.generate import generate_world
    from foedus.query import KnowledgeBase

    world = generate_world(
        tmp_path / "w", states=6, instruments=4, events=40, seed=3, format="parquet"
    ).path
    fresh = corpus_cache.load_cached(world)  # read and checked, then kept
    checked: list[object] = []
    monkeypatch.setattr(parquet_check, "validate_tables", lambda c: checked.append(c) or [])
    kept = corpus_cache.load_cached(world)
    assert checked == [] and kept.tables == fresh.tables
    for records in (kept.instruments, kept.events):
        assert isinstance(records, LazyRecords) and not records.loaded
    kb = KnowledgeBase(kept)
    first = fresh.instruments[0]
    assert kb.instrument(first.id) == first
    assert kb.instrument_record("no-such-instrument") is None
    # named, resolved and put in a question's lexicon from the table, none made
    assert kb.resolver.instrument(first.name).id == first.id
    Lexicon.of(kb)
    assert kept.instruments.names() == [(i.id, i.name, list(i.aliases)) for i in fresh.instruments]
    assert not kept.instruments.loaded  # type: ignore[attr-defined]  # made alone
    assert list(kept.instruments) == list(fresh.instruments)
    assert list(kept.events) == list(fresh.events)
    # a table changed in place: a new key, so the corpus is read and checked again
    events = world / "events.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE (['nowhere'] AS actors) FROM read_parquet('{events}')) "
        f"TO '{tmp_path / 'e.parquet'}' (FORMAT parquet)"
    )
    (tmp_path / "e.parquet").replace(events)
    monkeypatch.undo()
    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(CorpusError, match="unknown actor 'nowhere'"):
        corpus_cache.load_cached(world)


def test_a_parquet_corpus_looks_up_a_few_records_alone_and_many_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An id of no instrument reads no table; the first instruments looked up are made alone,
    and past :data:`LazyRecords.ONE_BY_ONE` of them all are made once (a server going through
    many read the tables three times per instrument: ``holds`` p50 0.27 s at 10^6 events);
    ``holds`` names an instrument argument from the names, making no record for it."""
    from foedus.corpus import parquet
    from foedus.corpus.parquet import LazyRecords
    from foedus.generate import generate_world
    from foedus.query import KnowledgeBase

    world = generate_world(
        tmp_path / "w", states=6, instruments=30, events=60, seed=5, format="parquet"
    ).path
    fresh = corpus_cache.load_cached(world)
    every = {i.id: i for i in fresh.instruments}
    kept = corpus_cache.load_cached(world)
    lazy = kept.instruments
    assert isinstance(lazy, LazyRecords) and not lazy.loaded
    reads: list[object] = []
    real = parquet._rows
    monkeypatch.setattr(parquet, "_rows", lambda *a, **k: reads.append(a) or real(*a, **k))
    assert lazy.by_id("no-such-instrument") is None
    listed = len(reads)  # the ids, read once
    assert lazy.by_id("still-none") is None and len(reads) == listed
    ids = sorted(every)
    for n, ident in enumerate(ids[: LazyRecords.ONE_BY_ONE], 1):
        assert lazy.by_id(ident) == every[ident] and not lazy.loaded
        assert len(reads) == listed + 3 * n  # instruments, parties, clauses
    made = len(reads)
    assert lazy.by_id(ids[-1]) == every[ids[-1]] and lazy.loaded
    assert [lazy.by_id(i) for i in ids] == [every[i] for i in ids] and len(reads) == made + 3

    # holds names an instrument argument from the names: no record made for the name
    from foedus.query.common import Row
    from foedus.query.status import fluent_text

    kb = KnowledgeBase(corpus_cache.load_cached(world))
    ins = fresh.instruments[0]
    looked: list[str] = []
    monkeypatch.setattr(LazyRecords, "by_id", lambda self, i: looked.append(i))
    row = Row(
        "party_to", (ins.parties[0].actor, ins.id), "true", 0, None, "certain", None, None, None
    )
    assert fluent_text(kb, row).endswith(f", {ins.name})") and looked == []
