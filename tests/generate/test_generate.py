"""Random worlds (foedus generate-world), Parquet corpora and the SQL fast path of the build.

The fast path makes the engine's inputs in SQL from the corpus tables; these tests hold it to
the per-record Python path row for row (happenings, norm rows, event acts, fluents and
breaches), on the bundled corpus and on generated worlds written both as YAML and as Parquet.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from foedus import build as foedus_build
from foedus.build.fluents import evaluate
from foedus.build.schema import STORED_EVENTS, create
from foedus.cli import app
from foedus.corpus import bundled_path, load_corpus, load_overlay
from foedus.corpus.parquet import LazyRecords
from foedus.engine import from_corpus, from_tables
from foedus.engine.timepoints import event_point
from foedus.errors import CorpusError
from foedus.generate import generate_world
from foedus.norms import aggression

SMALL = {"states": 9, "instruments": 8, "events": 120, "seed": 5}
TABLES = (
    "fluents",
    "scenario_fluents",
    "breaches",
    "events",
    "event_actors",
    "event_targets",
    "instruments",
    "parties",
    "clauses",
    "norms",
    "norm_categories",
    "quotes",
    "event_acts",
    "norm_rows",
    "actors",
)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("worlds")
    out = {}
    for fmt in ("yaml", "parquet"):
        out[fmt] = generate_world(root / fmt, format=fmt, **SMALL).path  # type: ignore[arg-type]
    return out


def build(path: Path, out: Path) -> duckdb.DuckDBPyConnection:
    key, steps = foedus_build.default_steps()
    foedus_build.build_database(load_corpus(path), out, steps)
    return duckdb.connect(str(out), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return sorted(map(str, con.execute(f"SELECT * FROM {table}").fetchall()))


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    a = generate_world(tmp_path / "a", format="parquet", **SMALL)  # type: ignore[arg-type]
    b = generate_world(tmp_path / "b", format="parquet", **SMALL)  # type: ignore[arg-type]
    c = generate_world(tmp_path / "c", format="parquet", **{**SMALL, "seed": 6})  # type: ignore[arg-type]
    con = duckdb.connect()
    read = lambda w: con.execute(  # noqa: E731
        f"SELECT * FROM read_parquet('{w.path / 'events.parquet'}')"
    ).fetchall()
    assert read(a) == read(b)
    assert read(a) != read(c)
    assert (a.path / "actors.yaml").read_text() == (b.path / "actors.yaml").read_text()


def test_a_world_has_what_the_pipeline_needs(worlds: dict[str, Path]) -> None:
    corpus = load_corpus(worlds["yaml"])
    assert len(corpus.events) == SMALL["events"]
    types = Counter(e.type for e in corpus.events)
    assert {"invasion", "occupation", "withdrawal"} <= set(types)
    assert any(not e.date.exact for e in corpus.events)  # some fuzzy dates
    assert any(len(i.parties) > 2 for i in corpus.instruments)  # multilateral
    assert any(p.how == "succession" for i in corpus.instruments for p in i.parties)
    kinds = {c.norm.kind for i in corpus.instruments for c in i.clauses if c.norm}
    assert {"prohibition", "obligation", "definition"} <= kinds
    assert [p.id for p in corpus.perspectives] == ["de-facto"]


@pytest.mark.slow
def test_yaml_and_parquet_worlds_build_the_same_database(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    y = build(worlds["yaml"], tmp_path / "y.duckdb")
    p = build(worlds["parquet"], tmp_path / "p.duckdb")
    for t in TABLES:
        assert rows(y, t) == rows(p, t), t
    assert rows(y, "breaches")  # the world has breaches


def test_parquet_records_are_made_on_first_use(worlds: dict[str, Path]) -> None:
    p, y = load_corpus(worlds["parquet"]), load_corpus(worlds["yaml"])
    assert isinstance(p.events, LazyRecords) and p.tables
    assert [e.model_dump() for e in p.events] == [e.model_dump() for e in y.events]
    assert [i.model_dump() for i in p.instruments] == [i.model_dump() for i in y.instruments]


def happenings_both_ways(con: duckdb.DuckDBPyConnection, corpus: Any) -> tuple[Counter, Counter]:
    """The rows of the table ``happenings`` in ``con`` and those the per-record path makes
    from ``corpus``, each as a multiset."""
    got = Counter(
        con.execute("SELECT name, arity, a0, a1, t_early, t_late, id FROM happenings").fetchall()
    )
    want = Counter(
        (h.name, len(h.args), *(h.args + (None, None))[:2], h.early, h.late, h.id)
        for h in from_corpus.happenings(corpus)
    )
    return got, want


@pytest.mark.parametrize("which", ["bundled", "world"])
def test_fast_path_inputs_equal_the_python_ones(which: str, worlds: dict[str, Path]) -> None:
    corpus = load_corpus(bundled_path() if which == "bundled" else worlds["parquet"])
    con = duckdb.connect()
    foedus_build.write_tables(con, corpus)
    from_tables.store_engine_inputs(con, corpus, STORED_EVENTS)
    got, want = happenings_both_ways(con, corpus)
    assert got == want
    assert sorted(con.execute("SELECT * FROM norm_rows").fetchall()) == from_corpus.norm_rows(
        corpus
    )
    con.execute(create("event_acts"))  # as the breaches step makes it: a view of the store
    acts = sorted(con.execute("SELECT * FROM event_acts").fetchall())
    assert acts == sorted(
        (e.id, e.type, a, b, event_point(e.date.earliest), event_point(e.date.latest))
        for e in corpus.events
        for a in e.actors
        for b in e.targets
    )


@pytest.mark.slow
def test_the_happenings_are_read_from_the_stored_events(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    """A corpus's event happenings are unnested from the stored events (one row per event,
    its actors and targets as lists), whatever the corpus's format: a Parquet corpus's events
    file is not read again once the tables are written (moved away, the happenings are still
    the records'), nor are the events joined with the views of their actors and targets (with
    those views dropped, the same)."""
    world = tmp_path / "world"
    shutil.copytree(worlds["parquet"], world)
    corpus = load_corpus(world)
    con = duckdb.connect()
    foedus_build.write_tables(con, corpus)
    want = Counter(  # the records', read from the file
        (h.name, len(h.args), *(h.args + (None, None))[:2], h.early, h.late, h.id)
        for h in from_corpus.happenings(corpus)
    )
    (world / "events.parquet").rename(tmp_path / "moved.parquet")
    for view in ("event_actors", "event_targets"):
        con.execute(f"DROP VIEW {view}")
    from_tables.store_engine_inputs(con, corpus, STORED_EVENTS)
    got = Counter(
        con.execute("SELECT name, arity, a0, a1, t_early, t_late, id FROM happenings").fetchall()
    )
    assert got == want and sum(n for (name, *_), n in got.items() if name == "invasion") > 0


def test_fluents_equal_the_per_record_path(worlds: dict[str, Path], tmp_path: Path) -> None:
    corpus = load_corpus(worlds["parquet"])
    con = build(worlds["parquet"], tmp_path / "f.duckdb")
    got = sorted(
        map(
            str,
            con.execute(
                'SELECT fluent, args, value, start, "end", certainty, rule, initiated_by, '
                "terminated_by FROM fluents"
            ).fetchall(),
        )
    )
    want = sorted(
        str(
            (
                i.fluent,
                list(i.args),
                i.value,
                i.start,
                i.end,
                i.certainty,
                i.rule,
                i.initiated_by,
                i.terminated_by,
            )
        )
        for i in evaluate(corpus, "de-facto")
    )
    assert got == want


@pytest.mark.slow
def test_every_dyad_aggressor_agrees_with_decide(worlds: dict[str, Path], tmp_path: Path) -> None:
    corpus = load_corpus(worlds["parquet"])
    con = build(worlds["parquet"], tmp_path / "a.duckdb")
    verdicts = aggression.decide_all(con, corpus)
    assert verdicts
    for a, b, who, event, _type, certainty in verdicts:
        v = aggression.decide(con, corpus, a, b)
        assert (v.aggressor, v.act and v.act.event_id, v.certainty) == (who, event, certainty)


def test_definition_clauses_read_from_the_tables_as_from_the_records(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    """The acts a definition names, read from a Parquet corpus's clauses table without making
    its instruments, are those (and in that order) its records give: several definition
    clauses, categories whose event types overlap, the table's rows in reverse order and a
    clause of no instrument."""
    import shutil

    root = tmp_path / "defs"
    shutil.copytree(worlds["parquet"], root)
    src = worlds["parquet"] / "clauses.parquet"
    defs = "norm_kind = 'prohibition' AND instrument_id IN ('t000003', 't000001')"
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * FROM (
          SELECT * REPLACE (
            CASE WHEN {defs} THEN 'definition' ELSE norm_kind END AS norm_kind,
            CASE WHEN {defs} THEN ['attack', 'aggression', 'invasion'] ELSE norm_categories END
              AS norm_categories)
          FROM read_parquet('{src}')
          UNION ALL SELECT * REPLACE ('t-none' AS instrument_id) FROM read_parquet('{src}')
            WHERE norm_kind = 'definition')
        ORDER BY instrument_id DESC, seq DESC) TO '{root / "clauses.parquet"}' (FORMAT parquet)""")
    lazy = load_corpus(root)
    acts, clauses = aggression.defined_acts(lazy)
    assert isinstance(lazy.instruments, LazyRecords) and not lazy.instruments.loaded
    made = load_corpus(root)
    assert len(list(made.instruments)) > 3
    want_acts, want_clauses = aggression.defined_acts(made)
    assert len(want_clauses) >= 3 and "t-none" not in {i for i, _ in want_clauses}
    assert (list(acts.items()), clauses) == (list(want_acts.items()), want_clauses)


def test_instruments_of_parties_read_from_the_tables_as_from_the_records(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    """The instruments that list every one of some actors among their parties, read from a
    Parquet corpus's parties table without making its instruments, are those its records
    give: for every pair of the world's states, one state, and with an overlay that adds an
    instrument."""
    made = load_corpus(worlds["parquet"])
    first = list(made.instruments)[0]
    states = sorted({p.actor for i in made.instruments for p in i.parties})
    added = first.model_dump(mode="json", exclude_none=True, exclude={"hypothetical"})
    added["parties"] = [dict(added["parties"][0], actor=a) for a in states[-2:]]
    added.update(id="t-what-if", name="A hypothetical pact", clauses=[])
    overlay = tmp_path / "overlay.yaml"
    YAML().dump({"instruments": [added]}, overlay)
    for lazy, records in (
        (load_corpus(worlds["parquet"]), made),
        (
            load_overlay(overlay, load_corpus(worlds["parquet"])),
            load_overlay(overlay, load_corpus(worlds["yaml"])),
        ),
    ):
        records_list = list(records.instruments)
        asked = [(a, b) for a in states for b in states if a < b] + [(states[0],)]
        found = {x: lazy.instruments_with_parties(x) for x in asked}
        assert isinstance(lazy.instruments, LazyRecords) and not lazy.instruments.loaded
        for x in asked:
            want = [i.id for i in records_list if {p.actor for p in i.parties} >= set(x)]
            assert sorted(found[x]) == sorted(want), x
        assert any(len(v) >= 1 for k, v in found.items() if len(k) == 2)
    assert "t-what-if" in found[tuple(states[-2:])]


def test_parquet_problems_name_the_table_and_row(worlds: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(worlds["parquet"], bad)
    con = duckdb.connect()
    src = worlds["parquet"] / "events.parquet"
    con.execute(f"""COPY (SELECT * REPLACE (
        CASE WHEN id = 'ev-00000003' THEN ['nowhere'] ELSE actors END AS actors,
        CASE WHEN id = 'ev-00000005' THEN 'words not in the source' ELSE quote END AS quote)
        FROM read_parquet('{src}')) TO '{bad / "events.parquet"}' (FORMAT parquet)""")
    with pytest.raises(CorpusError) as e:
        load_corpus(bad)
    text = e.value.report()
    assert "events.parquet:4:1: event 'ev-00000003': unknown actor 'nowhere'" in text
    assert "events.parquet:6:1: events: quotes text not in source 'world'" in text


def test_generate_world_command(tmp_path: Path) -> None:
    out = tmp_path / "w"
    res = CliRunner().invoke(
        app,
        [
            "generate-world",
            "--states",
            "5",
            "--instruments",
            "3",
            "--events",
            "30",
            "--seed",
            "2",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output and (out / "events.yaml").is_file()
    res = CliRunner().invoke(app, ["generate-world", "--states", "1", "-o", str(out)])
    assert res.exit_code == 2


def test_a_world_is_generated_under_the_builds_memory_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generator's database holds the whole world before writing it: it runs under the
    build's memory limit (``FOEDUS_MEMORY_LIMIT``), spilling beside the output, and writes the
    same files under any limit (without one, the 10^7 world was held in 5.3 GB)."""
    from foedus.generate import world as generator

    configs: list[dict[str, object]] = []
    real = generator.duckdb.connect

    def connect(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        configs.append(dict(kwargs.get("config") or {}))  # type: ignore[call-overload]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(generator.duckdb, "connect", connect)
    monkeypatch.setenv("FOEDUS_MEMORY_LIMIT", "64MB")
    world = tmp_path / "w"
    generate_world(world, states=60, instruments=50, events=30_000, seed=3, format="parquet")
    monkeypatch.undo()
    assert configs[0]["memory_limit"] == "64MB"
    assert configs[0]["temp_directory"] == str(world / ".spill")
    assert not (world / ".spill").exists()  # the spilled blocks removed with the database
    free = tmp_path / "free"
    generate_world(free, states=60, instruments=50, events=30_000, seed=3, format="parquet")
    for name in ("events", "instruments", "parties", "clauses"):
        assert (world / f"{name}.parquet").read_bytes() == (free / f"{name}.parquet").read_bytes()
    res = CliRunner().invoke(
        app, ["generate-world", "-o", str(free)], env={"FOEDUS_MEMORY_LIMIT": "lots"}
    )
    assert res.exit_code == 2
    assert "generate-world: FOEDUS_MEMORY_LIMIT: 'lots' is not a memory size" in res.output
    assert (free / "events.parquet").is_file()  # refused before the folder was replaced


def overlay_for(world: Path, tmp_path: Path) -> Path:
    """An overlay: a new invasion and annexation, and a restatement of the world's first
    event (with a claimed justification)."""
    first = load_corpus(world).events[0]
    restated = {
        **first.model_dump(mode="json", exclude_none=True, exclude={"hypothetical"}),
        "justification": "a claimed provocation",
    }
    restated.pop("sources", None)
    path = tmp_path / "overlay.yaml"
    YAML().dump(
        {
            "events": [
                {
                    "id": "what-if-invasion",
                    "type": "invasion",
                    "date": "1950-03-01",
                    "actors": ["s00003"],
                    "targets": ["s00004"],
                    "summary": "A hypothetical invasion.",
                },
                {
                    "id": "what-if-annexation",
                    "type": "annexation",
                    "date": "1950-06-01",
                    "actors": ["s00003"],
                    "targets": ["s00004"],
                    "summary": "A hypothetical annexation.",
                },
                restated,
            ]
        },
        path,
    )
    return path


@pytest.mark.slow
def test_an_overlay_on_a_parquet_corpus_builds_as_on_yaml(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    overlay = overlay_for(worlds["yaml"], tmp_path)
    dbs = {}
    for fmt in ("yaml", "parquet"):
        corpus = load_overlay(overlay, load_corpus(worlds[fmt]))
        if fmt == "parquet":
            assert not corpus.events.loaded  # type: ignore[attr-defined]  # not read
            assert [e.id for e in corpus.added["events"]] == [
                "what-if-invasion",
                "what-if-annexation",
                "ev-00000000",
            ]
        foedus_build.build_database(
            corpus, tmp_path / f"{fmt}.duckdb", foedus_build.default_steps()[1]
        )
        dbs[fmt] = duckdb.connect(str(tmp_path / f"{fmt}.duckdb"), read_only=True)
    for t in TABLES:
        assert rows(dbs["yaml"], t) == rows(dbs["parquet"], t), t
    con = dbs["parquet"]
    assert con.execute(
        "SELECT id, justification, hypothetical FROM events WHERE hypothetical ORDER BY id"
    ).fetchall() == [
        ("ev-00000000", "a claimed provocation", True),
        ("what-if-annexation", None, True),
        ("what-if-invasion", None, True),
    ]
    assert con.execute("SELECT count(*) FROM events").fetchone() == (SMALL["events"] + 2,)
    assert con.execute(
        "SELECT count(*) FROM fluents WHERE fluent = 'part_of' AND "
        "args = ['s00004'] AND value = 's00003'"
    ).fetchone() == (1,)
    lazy = load_overlay(overlay, load_corpus(worlds["parquet"]))
    assert [e.id for e in lazy.events][-3:] == [
        "what-if-invasion",
        "what-if-annexation",
        "ev-00000000",
    ]
    assert len(lazy.events) == SMALL["events"] + 2


def test_an_overlay_on_a_parquet_corpus_is_checked_against_its_tables(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    base = load_corpus(worlds["parquet"])
    good = tmp_path / "good.yaml"
    YAML().dump(
        {
            "events": [
                {
                    "id": "what-if-reaffirmation",
                    "type": "reaffirmation",
                    "date": "1950-03-01",
                    "actors": ["s00003"],
                    "instrument": "t000001",
                    "summary": "A hypothetical act.",
                }
            ]
        },
        good,
    )
    assert [e.instrument for e in load_overlay(good, base).added["events"]] == ["t000001"]
    bad = tmp_path / "bad.yaml"
    YAML().dump(
        {
            "instruments": [{"id": "t000002", "name": "Again", "kind": "treaty"}],
            "events": [
                {
                    "id": "what-if",
                    "type": "reaffirmation",
                    "date": "1950-03-01",
                    "actors": ["s00003"],
                    "instrument": "t999999",
                    "summary": "No.",
                }
            ],
        },
        bad,
    )
    with pytest.raises(CorpusError) as err:
        load_overlay(bad, base)
    assert [str(p) for p in err.value.errors] == [
        f"{bad}:2:7: duplicate instrument id 't000002' (first defined at "
        f"{worlds['parquet'] / 'instruments.parquet'}:3:1)",
        f"{bad}:11:15: event 'what-if': unknown instrument 't999999'",
    ]


@pytest.mark.slow
def test_a_parquet_corpus_is_counted_without_making_its_records(
    worlds: dict[str, Path], tmp_path: Path
) -> None:
    overlay = overlay_for(worlds["yaml"], tmp_path)
    for over in (False, True):
        y, p = load_corpus(worlds["yaml"]), load_corpus(worlds["parquet"])
        if over:
            y, p = load_overlay(overlay, y), load_overlay(overlay, p)
        n = p.counts()
        assert not p.events.loaded and not p.instruments.loaded  # type: ignore[attr-defined]
        assert n == y.counts()
        assert n["events"] == SMALL["events"] + 2 * over
        db = tmp_path / f"p{over}.duckdb"
        foedus_build.build_database(p, db, foedus_build.default_steps()[1])
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute(
            "SELECT (SELECT count(*) FROM quotes), (SELECT count(*) FROM events), "
            "(SELECT count(*) FROM instruments)"
        ).fetchone() == (n["quotes"], n["events"], n["instruments"])
        con.close()


@pytest.mark.slow
def test_questions_on_a_parquet_corpus_read_only_the_events_they_name(
    worlds: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foedus.ask import answer_question
    from foedus.query import KnowledgeBase

    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    y, p = KnowledgeBase(worlds["yaml"]), KnowledgeBase(worlds["parquet"])
    row = (
        y.cursor()
        .execute(
            "SELECT b.event_id, b.actor, b.target, e.date_text FROM breaches AS b JOIN events AS e "
            "ON e.id = b.event_id WHERE e.type = 'invasion' AND b.target IS NOT NULL "
            "ORDER BY b.event_id LIMIT 1"
        )
        .fetchone()
    )
    assert row is not None
    event, by, target, day = row
    questions = [
        f"which treaties did the invasion of {target} by {by} in {day[:4]} breach?",
        f"did {event} breach a treaty?",
        f"when was {event}?",
        f"did {by} invade {target}?",
    ]
    for q in questions:
        got = answer_question(q, p)
        assert got == answer_question(q, y), q
        assert got["answer"].get("breaches", got["answer"].get("events"))  # not empty
    assert p.explain("breach", [event]) == y.explain("breach", [event])
    assert not p.corpus.events.loaded  # type: ignore[attr-defined]
    assert not p._events._complete  # type: ignore[attr-defined]
    assert len(p._events._known) < 20  # type: ignore[attr-defined]
