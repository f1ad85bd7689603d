"""Successor states: a treaty whose one side is continued by a successor is still bilateral,
and what a state held (control, occupation, part of it) passes to its successor.

The fictional Sound of tests/ask/sound-corpus: the Kingdom of Valdmark is succeeded by the
Valdmark Republic in 1948, which takes over all its treaties (each lists the Republic as a
party by succession, ``via: valdmark``); Skarvia is annexed by the Kingdom in 1938 and
restored in 1991.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from foedus import build as foedus_build
from foedus.backends.duckdb import DuckDBBackend
from foedus.build.schema import STORED_EVENTS
from foedus.corpus import bundled_path, load_corpus
from foedus.engine import from_corpus, from_tables
from foedus.engine.narrative import Happening, Interval
from foedus.engine.reference import evaluate
from foedus.errors import CorpusError
from foedus.query import KnowledgeBase
from foedus.rules import load_rules
from foedus.rules.library import library_file, library_names

SOUND = Path(__file__).parent / "ask" / "sound-corpus"

REPUBLIC_DENOUNCES_KALVO = """\
events:
  - id: republic-denounces-kalvo-1993
    type: denunciation
    date: 1 March 1993
    actors: [valdmark-republic]
    targets: [skarvia]
    instrument: treaty-of-kalvo
    summary: The Valdmark Republic denounces the Treaty of Kalvo.
"""


@pytest.fixture(scope="module")
def sound(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sound") / "sound"
    shutil.copytree(SOUND, root)
    return root


# --- a successor continues its predecessor's side of a treaty ---------------------------------


def test_a_treaty_continued_by_a_successor_is_bilateral(sound: Path) -> None:
    """The Treaty of Kalvo (the Kingdom, Skarvia, and the Republic by succession via the
    Kingdom) and the Baltic peace treaties (a Baltic state, the RSFSR, and the USSR by
    succession via the RSFSR) have two sides: they were counted as three parties, so not
    bilateral, and a denunciation by one side did not end them."""
    assert ("treaty-of-kalvo",) in from_corpus.facts(load_corpus(sound))["bilateral"]
    baltic = from_corpus.facts(load_corpus(bundled_path()))["bilateral"]
    for treaty in ("treaty-of-tartu", "treaty-of-riga", "soviet-lithuanian-peace-treaty"):
        assert (treaty,) in baltic
    # a convention of five states (and the Republic by succession) is not
    assert ("neutral-shipping-convention",) not in from_corpus.facts(load_corpus(sound))[
        "bilateral"
    ]


def test_a_denunciation_by_the_successor_ends_the_treaty(sound: Path, tmp_path: Path) -> None:
    """`foedus treaties --on 1995-01-01 --assume overlay.yaml`, the Republic denouncing the
    Treaty of Kalvo in 1993: Kalvo was still listed as in force, with Skarvia its only
    party."""
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(REPUBLIC_DENOUNCES_KALVO, encoding="utf-8")
    kb = KnowledgeBase(sound, assume=overlay)
    before = [t["id"] for t in kb.treaties(on=date(1993, 1, 1))["treaties"]]
    after = [t["id"] for t in kb.treaties(on=date(1995, 1, 1))["treaties"]]
    assert "treaty-of-kalvo" in before
    assert "treaty-of-kalvo" not in after
    assert "vardholm-convention" in after  # a multilateral one goes on
    # and `foedus treaty` says it ended then, as the rules do (it showed no end)
    ended = kb.treaty("treaty-of-kalvo")["ended"]
    assert ended is not None and ended["earliest"].startswith("1993")


def _party(actor: str, how: str = "signature", via: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(actor=actor, how=how, via=via)


#: (parties, each actor's predecessor, whether bilateral)
SHAPES = {
    "successor via a party": ([_party("a"), _party("b"), _party("c", "succession", "b")], {}, True),
    "a chain of successors": (
        [
            _party("a"),
            _party("r"),
            _party("u", "succession", "r"),
            _party("x", "succession", "u"),
        ],
        {},
        True,
    ),
    "no via: the actor's predecessor": (
        [_party("a"), _party("b"), _party("c", "succession")],
        {"c": "b"},
        True,
    ),
    "via an actor that is no party": (
        [_party("a"), _party("b"), _party("c", "succession", "d")],
        {"c": "d"},
        False,
    ),
    "only the successor listed": ([_party("a"), _party("c", "succession", "d")], {}, True),
    "three by accession": ([_party("a"), _party("b"), _party("c", "accession")], {}, False),
    "a successor that also signed": (
        [_party("a"), _party("b"), _party("c", "succession", "b"), _party("c")],
        {},
        False,
    ),
    "one party": ([_party("a"), _party("a", "ratification")], {}, False),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_sides_are_counted_alike_in_python_and_in_sql(shape: str) -> None:
    parties, predecessors, bilateral = SHAPES[shape]
    ins = SimpleNamespace(id="t", parties=parties)
    assert (len(from_corpus.sides(ins, predecessors)) == 2) is bilateral
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE parties (instrument_id VARCHAR, actor_id VARCHAR, how VARCHAR, via VARCHAR)"
    )
    con.execute("CREATE TABLE actors (id VARCHAR, predecessor VARCHAR)")
    con.executemany(
        "INSERT INTO parties VALUES ('t', ?, ?, ?)", [(p.actor, p.how, p.via) for p in parties]
    )
    actors = sorted({p.actor for p in parties} | {p.via for p in parties if p.via})
    con.executemany("INSERT INTO actors VALUES (?, ?)", [(a, predecessors.get(a)) for a in actors])
    got = con.execute(from_tables.FACTS_SQL["bilateral"]).fetchall()
    assert got == ([("t",)] if bilateral else [])


@pytest.mark.parametrize("which", ["sound", "bundled"])
def test_the_facts_from_the_tables_are_the_records(which: str, sound: Path) -> None:
    corpus = load_corpus(sound if which == "sound" else bundled_path())
    con = duckdb.connect()
    foedus_build.write_tables(con, corpus)
    from_tables.store_engine_inputs(con, corpus, STORED_EVENTS)
    for rel, want in from_corpus.facts(corpus).items():
        got = set(con.execute(f"SELECT * FROM facts_{rel}").fetchall())
        assert got == want, rel


# --- what a state held passes to its successor: foedus:successor-states -------------------


def _opted_in(root: Path) -> Path:
    """The Sound with foedus:successor-states named by every perspective."""
    persp = root / "perspectives.yaml"
    text = persp.read_text(encoding="utf-8")
    for rules in (
        '["foedus:base", "foedus:de-facto"]',
        '["foedus:base", "foedus:non-recognition"]',
        '["foedus:base", rules/valdmark.rules]',
    ):
        assert rules in text
        text = text.replace(rules, rules[:-1] + ', "foedus:successor-states"]')
    persp.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def succeeded(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("succeeded") / "sound"
    shutil.copytree(SOUND, root)
    return KnowledgeBase(_opted_in(root))


def _status(kb: KnowledgeBase, perspective: str, day: date) -> dict[str, object]:
    st = kb.with_perspective(perspective).status("Skarvia", day)["status"]
    out: dict[str, object] = {}
    for key in ("controlled_by", "occupied_by", "part_of"):
        values = st[key]
        out[key] = [(v["value"]["id"], v["certainty"]) for v in values]
    out["label"] = st["label"]
    return out


def test_the_library_names_the_succession_rules() -> None:
    assert "foedus:successor-states" in library_names()
    assert library_file("foedus:successor-states") is not None


@pytest.mark.parametrize(
    "perspective, controlled_by, occupied_by, part_of, label",
    [
        ("de-facto", "valdmark-republic", None, "valdmark-republic", "part of Valdmark Republic"),
        (
            "non-recognition",
            "valdmark-republic",
            "valdmark-republic",
            None,
            "sovereign state, under occupation by Valdmark Republic",
        ),
        (
            "valdmark-official",
            "valdmark-republic",
            None,
            "valdmark-republic",
            "part of Valdmark Republic",
        ),
    ],
)
def test_what_the_kingdom_held_passes_to_the_republic(
    succeeded: KnowledgeBase,
    perspective: str,
    controlled_by: str,
    occupied_by: str | None,
    part_of: str | None,
    label: str,
) -> None:
    """`foedus status Skarvia --on 1960-01-01 --perspective all`: "under occupation by Kingdom
    of Valdmark", a state that ceased in 1948 (de facto: "occupied" by the ceased Kingdom,
    its "part of" ended by part_until_entity_ends, not part of the Republic)."""
    st = _status(succeeded, perspective, date(1960, 1, 1))
    assert st == {
        "controlled_by": [(controlled_by, "certain")],
        "occupied_by": [(occupied_by, "certain")] if occupied_by else [],
        "part_of": [(part_of, "certain")] if part_of else [],
        "label": label,
    }
    before = _status(succeeded, perspective, date(1947, 1, 1))
    assert before["controlled_by"] == [("valdmark", "certain")]
    after = _status(succeeded, perspective, date(1992, 1, 1))
    assert after["controlled_by"] == [("skarvia", "certain")]
    assert after["occupied_by"] == after["part_of"] == []


def test_succession_rules_need_a_part_of(sound: Path, tmp_path: Path) -> None:
    """foedus:successor-states passes part_of on, so a perspective that names it defines part_of
    (foedus:de-facto, foedus:non-recognition or its own): validation says so otherwise."""
    root = tmp_path / "sound"
    shutil.copytree(sound, root)
    persp = root / "perspectives.yaml"
    text = persp.read_text(encoding="utf-8")
    persp.write_text(
        text.replace(
            '["foedus:base", rules/valdmark.rules]', '["foedus:base", "foedus:successor-states"]'
        ),
        encoding="utf-8",
    )
    with pytest.raises(CorpusError, match="undefined fluent 'part_of'"):
        KnowledgeBase(root).status("Skarvia", date(1960, 1, 1))


# --- the rules on a narrative written out, in both engines ----------------------------------


def _program():  # type: ignore[no-untyped-def]
    names = ("foedus:base", "foedus:de-facto", "foedus:successor-states")
    files = [library_file(n) for n in names]
    assert all(f is not None for f in files)
    return load_rules([f for f in files if f is not None])


def _at(name: str, t: int, *args: str) -> Happening:
    return Happening(name, args, t, t, f"{name}:{t}")


def _held(got: list[Interval], fluent: str) -> list[tuple[str, int, int | None, str | None]]:
    return sorted(
        (i.value, i.start, i.end, i.rule) for i in got if i.fluent == fluent and i.args == ("x",)
    )


def _both(narrative: list[Happening]) -> list[list[Interval]]:
    program = _program()
    facts: dict[str, set[tuple[str, ...]]] = {"state": {("x",), ("o",), ("s",)}}
    return [
        evaluate(program, narrative, facts),
        DuckDBBackend().evaluate(program, narrative, facts),
    ]


ANNEXED = [
    _at("comes_into_existence", 0, "x"),
    _at("comes_into_existence", 0, "o"),
    _at("occupation", 10, "o", "x"),
    _at("annexation", 12, "o", "x"),
]


def test_control_and_parts_pass_to_the_successor() -> None:
    narrative = [
        *ANNEXED,
        _at("ceases_to_exist", 20, "o"),
        _at("comes_into_existence", 20, "s"),
        _at("succession", 20, "o", "s"),
    ]
    for got in _both(narrative):
        assert _held(got, "controlled_by") == [
            ("o", 11, 21, "control_by_occupation"),
            ("s", 21, None, "control_passes_to_successor"),
            ("x", 1, 11, "self_control"),
        ]
        assert _held(got, "part_of") == [
            ("o", 13, 21, "annexed_into"),
            ("s", 21, None, "part_passes_to_successor"),
        ]
        assert _held(got, "occupied_by") == [("o", 11, 13, "occupation_in_fact")]


def test_what_a_holder_without_successor_held_ends_with_it() -> None:
    for got in _both([*ANNEXED, _at("ceases_to_exist", 20, "o")]):
        assert _held(got, "controlled_by") == [
            ("o", 11, 21, "control_by_occupation"),
            ("x", 1, 11, "self_control"),
        ]
        assert _held(got, "part_of") == [("o", 13, 21, "annexed_into")]
        assert _held(got, "occupied_by") == [("o", 11, 13, "occupation_in_fact")]


def test_a_restoration_on_the_successions_time_point_leaves_no_controller() -> None:
    """Why foedus:successor-states is a file a perspective names, not part of foedus:base: a
    restoration of independence on the time point of its holder's succession initiates the
    restored state's control while the succession initiates its successor's; two values of
    controlled_by initiated at one time point break each other and neither holds (the rule
    language cannot give the restoration priority). The Baltic corpus dates the Baltic
    restorations and the USSR's end alike ("1991"), so it does not name the file."""
    narrative = [
        *ANNEXED,
        _at("ceases_to_exist", 20, "o"),
        _at("comes_into_existence", 20, "s"),
        _at("succession", 20, "o", "s"),
        _at("restoration_of_independence", 20, "x"),
    ]
    for got in _both(narrative):
        assert _held(got, "controlled_by") == [
            ("o", 11, 21, "control_by_occupation"),
            ("x", 1, 11, "self_control"),
        ]
        assert _held(got, "part_of") == [("o", 13, 21, "annexed_into")]
