"""Random worlds (foedus generate-world), Parquet corpora and the SQL fast path of the build.

The fast path makes the engine's inputs in SQL from the corpus tables; these tests hold it to
the per-record Python path row for row (happenings, norm rows, event acts, fluents and
breaches), on the bundled corpus and on generated worlds written both as YAML and as Parquet.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from foedus import pipeline as _registers  # noqa: F401
from foedus import reasoning, storage
from foedus.corpus import bundled_path, load_corpus
from foedus.corpus.parquet import LazyRecords
from foedus.engine import from_corpus, from_tables
from foedus.engine.timepoints import event_point
from foedus.errors import CorpusError
from foedus.generate import generate_world, register
from foedus.norms import aggression

SMALL = {"states": 9, "instruments": 8, "events": 120, "seed": 5}
TABLES = ("fluents", "scenario_fluents", "breaches", "events", "event_actors", "event_targets",
          "instruments", "parties", "clauses", "norms", "norm_categories", "quotes",
          "event_acts", "norm_rows", "actors")


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("worlds")
    out = {}
    for fmt in ("yaml", "parquet"):
        out[fmt] = generate_world(root / fmt, format=fmt, **SMALL).path  # type: ignore[arg-type]
    return out


def build(path: Path, out: Path) -> duckdb.DuckDBPyConnection:
    key, steps = storage.registered_steps()
    storage.build_database(load_corpus(path), out, steps)
    return duckdb.connect(str(out), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return sorted(map(str, con.execute(f"SELECT * FROM {table}").fetchall()))


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    a = generate_world(tmp_path / "a", format="parquet", **SMALL)  # type: ignore[arg-type]
    b = generate_world(tmp_path / "b", format="parquet", **SMALL)  # type: ignore[arg-type]
    c = generate_world(tmp_path / "c", format="parquet", **{**SMALL, "seed": 6})  # type: ignore[arg-type]
    con = duckdb.connect()
    read = lambda w: con.execute(  # noqa: E731
        f"SELECT * FROM read_parquet('{w.path / 'events.parquet'}')").fetchall()
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


def test_yaml_and_parquet_worlds_build_the_same_database(worlds: dict[str, Path],
                                                         tmp_path: Path) -> None:
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


@pytest.mark.parametrize("which", ["bundled", "world"])
def test_fast_path_inputs_equal_the_python_ones(which: str, worlds: dict[str, Path]) -> None:
    corpus = load_corpus(bundled_path() if which == "bundled" else worlds["parquet"])
    con = duckdb.connect()
    storage.write_tables(con, corpus)
    from_tables.store_engine_inputs(con, corpus)
    got = Counter(con.execute("SELECT name, arity, a0, a1, t_early, t_late, id "
                              "FROM happenings").fetchall())
    want = Counter((h.name, len(h.args), *(h.args + (None, None))[:2], h.early, h.late, h.id)
                   for h in from_corpus.happenings(corpus))
    assert got == want
    assert con.execute("SELECT * FROM norm_rows").fetchall() == from_corpus.norm_rows(corpus)
    acts = sorted(con.execute(from_tables.EVENT_ACTS_SQL).fetchall())
    assert acts == sorted((e.id, e.type, a, b, event_point(e.date.earliest),
                           event_point(e.date.latest))
                          for e in corpus.events for a in e.actors for b in e.targets)


def test_fluents_equal_the_per_record_path(worlds: dict[str, Path], tmp_path: Path) -> None:
    corpus = load_corpus(worlds["parquet"])
    con = build(worlds["parquet"], tmp_path / "f.duckdb")
    got = sorted(map(str, con.execute(
        'SELECT fluent, args, value, start, "end", certainty, rule, initiated_by, '
        "terminated_by FROM fluents").fetchall()))
    want = sorted(str((i.fluent, list(i.args), i.value, i.start, i.end, i.certainty, i.rule,
                       i.initiated_by, i.terminated_by))
                  for i in reasoning.evaluate(corpus, "de-facto"))
    assert got == want


def test_every_dyad_aggressor_agrees_with_decide(worlds: dict[str, Path], tmp_path: Path) -> None:
    corpus = load_corpus(worlds["parquet"])
    con = build(worlds["parquet"], tmp_path / "a.duckdb")
    verdicts = aggression.decide_all(con, corpus)
    assert verdicts
    for a, b, who, event, _type, certainty in verdicts:
        v = aggression.decide(con, corpus, a, b)
        assert (v.aggressor, v.act and v.act.event_id, v.certainty) == (who, event, certainty)


def test_parquet_problems_name_the_table_and_row(worlds: dict[str, Path],
                                                  tmp_path: Path) -> None:
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(worlds["parquet"], bad)
    con = duckdb.connect()
    src = worlds["parquet"] / "events.parquet"
    con.execute(f"""COPY (SELECT * REPLACE (
        CASE WHEN id = 'ev-00000003' THEN ['nowhere'] ELSE actors END AS actors,
        CASE WHEN id = 'ev-00000005' THEN 'words not in the source' ELSE quote END AS quote)
        FROM read_parquet('{src}')) TO '{bad / 'events.parquet'}' (FORMAT parquet)""")
    with pytest.raises(CorpusError) as e:
        load_corpus(bad)
    text = e.value.report()
    assert "events.parquet:4:1: event 'ev-00000003': unknown actor 'nowhere'" in text
    assert "events.parquet:6:1: events: quotes text not in source 'world'" in text


def test_generate_world_command(tmp_path: Path) -> None:
    app = typer.Typer()
    register(app)

    @app.command()
    def noop() -> None:  # a second command, so that typer keeps the command names
        """Nothing."""

    out = tmp_path / "w"
    res = CliRunner().invoke(app, ["generate-world", "--states", "5", "--instruments", "3",
                                   "--events", "30", "--seed", "2", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output and (out / "events.yaml").is_file()
    res = CliRunner().invoke(app, ["generate-world", "--states", "1", "-o", str(out)])
    assert res.exit_code == 2
