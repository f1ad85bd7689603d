"""The fast YAML reading (libyaml's C parser, no positions) gives the corpus the round-trip
reading gives, positions included once asked; what it cannot promise goes the slow way."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from foedus.corpus import Corpus, bundled_path, load_corpus, load_overlay, yamlread
from foedus.corpus.yamlread import Doubt, read_fast
from foedus.errors import CorpusError
from foedus.generate import generate_world

GOOD = Path(__file__).parents[1] / "corpora" / "good"

pytestmark = pytest.mark.skipif(yamlread._CParser is None, reason="no ruamel.yaml.clib")


def slow(path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    """The corpus as the round-trip reading alone makes it (no C parser)."""
    with monkeypatch.context() as m:
        m.setattr(yamlread, "_CParser", None)
        corpus = load_corpus(path)
    assert corpus.unplaced == []
    return corpus


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_corpus(path)
    assert fast.unplaced, "the fast reading was not used"
    before = dict(fast.positions)
    rt = slow(path, monkeypatch)
    for key in ("actors", "instruments", "events", "categories", "perspectives"):
        assert getattr(fast, key) == getattr(rt, key), key
        for a, b in zip(getattr(fast, key), getattr(rt, key), strict=True):
            assert a.model_dump() == b.model_dump()
            for name in type(a).model_fields:  # the same types, not only equal values
                assert type(getattr(a, name)) is type(getattr(b, name)), (key, name)
    assert before != rt.positions  # not known yet: each record at its file's 1:1
    fast.place()
    assert fast == rt  # every field, the positions included


def test_bundled_corpus_is_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    both_ways(bundled_path(), monkeypatch)


def test_generated_world_is_read_the_same_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = generate_world(
        tmp_path / "w", states=9, instruments=8, events=150, seed=3, format="yaml"
    )
    both_ways(world.path, monkeypatch)


def test_where_finds_the_positions_of_a_fast_read_corpus(tmp_path: Path) -> None:
    copy = tmp_path / "good"
    shutil.copytree(GOOD, copy)
    corpus = load_corpus(copy)
    assert corpus.unplaced
    assert corpus.where("event", "southland-invades-northland", "date")[1:] == (11, 11)
    assert corpus.unplaced == []


def test_a_problem_is_reported_where_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus the fast reading finds a problem in is read again with positions: the same
    report as the round-trip reading alone gives."""
    copy = tmp_path / "good"
    shutil.copytree(GOOD, copy)
    events = copy / "events.yaml"
    text = events.read_text()
    assert "actors: [southland]" in text
    events.write_text(text.replace("actors: [southland]", "actors: [southlund]", 1))
    with pytest.raises(CorpusError) as info:
        load_corpus(copy)
    with pytest.raises(CorpusError) as slow_info:
        slow(copy, monkeypatch)
    assert info.value.report() == slow_info.value.report()
    wrong = [e for e in info.value.errors if "unknown actor 'southlund'" in e.message]
    assert wrong and (wrong[0].line, wrong[0].col) != (1, 1)


def test_an_overlay_on_a_fast_read_corpus_cites_the_base_positions(tmp_path: Path) -> None:
    copy = tmp_path / "good"
    shutil.copytree(GOOD, copy)
    corpus = load_corpus(copy)
    overlay = tmp_path / "what-if.yaml"
    overlay.write_text((copy / "instruments.yaml").read_text())  # restates the instrument
    with pytest.raises(CorpusError) as info:
        load_overlay(overlay, corpus)
    where = corpus.where("instrument", "treaty-of-harbour", "id")
    assert f"first defined at {where[0]}:{where[1]}:{where[2]}" in info.value.report()
    assert where[1:] != (1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key: the round-trip reading words it
        "a: !foo x\n",  # a tag
        "a: !!binary aGVsbG8=\n",
        "x: &a {b: 1}\ny:\n  <<: *a\n  c: 2\n",  # a merge key
        "%YAML 1.1\n---\na: yes\n",  # YAML 1.1: yes would be true
        "a: 1940-02-01T10:00:00\n",  # a time of day: written otherwise
        'a: "x\\0y"\n',  # an escaped NUL
        'a: "\\ud800"\n',  # an escaped lone surrogate
        "[" * 100_000 + "]" * 100_000,  # libyaml's parser would overflow the C stack
        "".join(" " * i + "a:\n" for i in range(3_000)),  # 4.5 MB
        "x: &a [*a]\n",  # a value containing itself
        "a: [1\n",  # a syntax error
    ],
    ids=lambda text: repr(text[:16]),
)
def test_what_the_fast_reading_leaves_to_the_slow_one(tmp_path: Path, text: str) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(Doubt):
        read_fast(f)


def test_the_fast_reading_keeps_impossible_dates_as_text(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text(
        "a: 1940-02-30\nb: 1940-02-01\nc: [yes, 012, 0o12, 1_000, ~]\n1: one\n"
        'd: "D:\\\\00000026"\n'  # an escaped backslash before a 0 is no NUL
    )
    assert read_fast(f) == {
        "a": "1940-02-30",
        "b": date(1940, 2, 1),
        "c": ["yes", 12, 10, 1000, None],
        "1": "one",
        "d": "D:\\00000026",
    }
