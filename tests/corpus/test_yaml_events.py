"""The reading from libyaml's events (:mod:`foedus.corpus.yamlevents`) gives the values and the
positions the round-trip reading gives, on every corpus file of the project; what it cannot
promise is a Doubt, and the round-trip reading words the problem."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foedus.corpus import bundled_path, load_corpus, load_overlay, yamlevents, yamlread
from foedus.corpus import load as load_module
from foedus.corpus.corpus import SINGULAR
from foedus.corpus.yamlread import Doubt, plain, read_fast, read_marked, read_yaml
from foedus.errors import CorpusError
from foedus.generate import generate_world

CORPORA = Path(__file__).parents[1] / "corpora"
FILES = sorted({*CORPORA.rglob("*.yaml"), *CORPORA.rglob("*.yml"), *bundled_path().rglob("*.yaml")})

pytestmark = pytest.mark.skipif(yamlevents.CParser is None, reason="no ruamel.yaml.clib")


def rt_fields(data: Any) -> dict[tuple[str, int], dict[str, tuple[int, int]]]:
    """Where every value of every record of a round-trip tree is written, by (list, index)."""
    out = {}
    for key, items in data.items():
        for index, item in enumerate(items if isinstance(items, list) else []):
            fields: dict[str, tuple[int, int]] = {}
            if isinstance(item, dict | list):
                yamlread.walk(item, "", fields)
            fields["."] = yamlread.pos_key(items, index) or (0, 0)
            out[(str(key), index)] = fields
    return out


def marked_fields(data: Any, marks: yamlevents.Marks) -> dict[Any, dict[str, tuple[int, int]]]:
    out = {}
    for key, items in data.items():
        for index, item in enumerate(items if isinstance(items, list) else []):
            fields: dict[str, tuple[int, int]] = {}
            if isinstance(item, dict | list):
                yamlread.walk(item, "", fields, marks)
            fields["."] = yamlread.pos_key(items, index, marks) or (0, 0)
            out[(key, index)] = fields
    return out


def test_every_corpus_file_is_read_as_the_round_trip_reading_reads_it() -> None:
    fast = marked = 0
    for f in FILES:
        problems: list[Any] = []
        tree = read_yaml(f, problems)
        try:
            values = read_fast(f)
        except Doubt:
            values = None
        else:
            fast += 1
            assert not problems, f
            assert values == plain(tree), f
        try:
            data, marks = read_marked(f)
        except Doubt:
            continue
        marked += 1
        assert data == values == plain(tree), f
        assert marked_fields(data, marks) == rt_fields(tree), f
        assert {k: yamlread.key_pos(data, k, marks) for k in data} == {
            str(k): yamlread.key_pos(tree, k) for k in tree
        }, f
    assert fast > 80 and marked > 80, (fast, marked, len(FILES))  # not all left to the slow way


def test_record_positions_are_those_of_the_round_trip_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = generate_world(
        tmp_path / "w", states=6, instruments=6, events=60, seed=5, format="yaml"
    )
    files = [*world.path.glob("*.yaml"), *(CORPORA / "good").glob("*.yaml")]
    for f in files:
        new = yamlread.record_positions(f, "f", None, SINGULAR)
        with monkeypatch.context() as m:
            m.setattr(yamlread, "_CParser", None)
            old = yamlread.record_positions(f, "f", None, SINGULAR)
        assert new == old and (new or f.name == "corpus.yaml"), f


@pytest.mark.parametrize(
    "text",
    [
        # non-ASCII before a value: columns count characters
        'events:\n  - id: "é-ü"\n    summary: "Ålænd — ‘x’"\n    n: {a: "ø", b: 2}\n',
        "events:\r\n  - id: a\r\n    date: 1940-06-15\r\n    actors: [x, y]\r\n",  # CRLF
        "\ufeffevents:\n  - id: a\n    date: 1940-06-15\n",  # a byte order mark
        "events:\n- id: a\n  notes: |\n    two\n    lines\n  x: >-\n    folded\n- id: b\n",
        "events:\n  - id: a  # a comment\n    date: null\n    d2:\n      ~\n    t: 'q'\n",
        "events:\n  - {id: a, date: 1940-06-15, actors: [x]}\n  - [1, 2]\n  - 3\n",
        "events:\n  - id: a\n    notes: a plain scalar\n      that continues\n    x: 1\n",
        "1: one\nevents: []\n",
    ],
)
def test_positions_of_awkward_files(tmp_path: Path, text: str) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(text.encode())
    data, marks = read_marked(f)
    tree = read_yaml(f, [])
    assert data == plain(tree)
    assert marked_fields(data, marks) == rt_fields(tree)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a:\nb: 1\n", "an empty value"),  # the two parsers place it differently
        ("a: &x [1]\nb: *x\n", "an anchor"),
        ("a: !foo x\n", "tag"),
        ("a: 1\na: 2\n", "a duplicate key"),
        ("1: a\n1.0: b\n", "a duplicate key"),  # equal numbers
        ("true: a\n1: b\n", "a duplicate key"),
        ('1: a\n"1": b\n', "a duplicate key"),  # the same text as plain's keys
        ("[a]: 1\n", "a key that is a list or a mapping"),
        ("? {a: 1}\n: 1\n", "a key that is a list or a mapping"),
        ("a: 1\n---\nb: 2\n", "more than one document"),
        ("a: " + "[" * 70 + "]" * 70 + "\n", "nested deeply"),
        ("a: <<\n", "tag"),  # the merge key's tag: read the round-trip way
    ],
)
def test_what_the_events_leave_to_the_round_trip_reading(text: str, why: str) -> None:
    with pytest.raises(Doubt, match=why):
        yamlevents.compose(text, {})


def test_values_without_marks() -> None:
    text = "a:\nb: [yes, 012, 0o12, 1_000, ~, 1.5, 1940-02-30, 1940-02-01]\n1: x\nc: &k v\nd: *k\n"
    data, shared = yamlevents.compose(text)
    assert shared
    assert data == {
        "a": None,
        "b": ["yes", 12, 10, 1000, None, 1.5, "1940-02-30", date(1940, 2, 1)],
        "1": "x",
        "c": "v",
        "d": "v",
    }
    assert yamlevents.compose("") == (None, False)
    assert yamlevents.compose("# only a comment\n") == (None, False)
    with pytest.raises(Doubt, match="contains itself"):
        yamlevents.compose("x: &a [*a]\n")


def test_an_aliased_list_is_copied_for_each_place(tmp_path: Path) -> None:
    f = tmp_path / "x.yaml"
    f.write_text("a: &l [1, 2]\nb: *l\n")
    data = read_fast(f)
    assert data == {"a": [1, 2], "b": [1, 2]} and data["a"] is not data["b"]


@given(st.text(alphabet="!<%\\0xuUdD8f [{,a\n\t\x00é", max_size=16))
def test_the_quick_search_finds_what_the_expression_finds(text: str) -> None:
    assert yamlread._unsure(text) == bool(yamlread._UNSURE.search(text))


def report(path: Path) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    return info.value.report()


@pytest.mark.parametrize("name", sorted(p.name for p in (CORPORA / "bad").iterdir()))
def test_a_bad_corpus_is_reported_the_same_without_the_events(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every problem of tests/corpora/bad at the same file:line:col as the round-trip
    reading alone (the positions of the events, or that reading where they doubt) puts it."""
    path = CORPORA / "bad" / name
    if not (path / "corpus.yaml").exists() and not any(path.glob("*.yaml")):
        pytest.skip("not a corpus folder")
    new = report(path)
    with monkeypatch.context() as m:
        m.setattr(yamlread, "_CParser", None)
        old = report(path)
    assert new == old


def test_a_problem_in_a_large_file_is_placed_from_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = generate_world(
        tmp_path / "w", states=8, instruments=10, events=200, seed=7, format="yaml"
    )
    events = world.path / "events.yaml"
    text = events.read_text()
    assert "\n  date: '" in text
    events.write_text(text.replace("\n  date: '", "\n  date: '1940-13-45' #'", 1))
    used: list[Path] = []
    real = load_module.read_marked

    def spy(path: Path, root: Path | None = None) -> Any:
        used.append(path)
        return real(path, root)

    monkeypatch.setattr(load_module, "read_marked", spy)
    new = report(world.path)
    assert events in used  # read again with positions, from the events
    monkeypatch.setattr(yamlread, "_CParser", None)
    assert new == report(world.path)
    assert "1940-13-45" in new and f"{events.name}:" in new


def test_an_overlay_is_reported_the_same_without_the_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "good"
    shutil.copytree(CORPORA / "good", copy)
    overlay = tmp_path / "what-if.yaml"
    overlay.write_text((copy / "instruments.yaml").read_text())  # restates the instrument

    def overlay_report() -> str:
        with pytest.raises(CorpusError) as info:
            load_overlay(overlay, load_corpus(copy))
        return info.value.report()

    new = overlay_report()
    monkeypatch.setattr(yamlread, "_CParser", None)
    assert new == overlay_report()
