"""The corpus tables of a YAML corpus are written in bulk (one Arrow table each), with the
values the records hold."""

from __future__ import annotations

from typing import Any

import duckdb

from foedus.build.schema import STORED_EVENTS, STORED_QUOTES, TABLES, VIEWS
from foedus.build.tables import _rows, write_tables
from foedus.corpus import bundled_path, load_corpus
from foedus.engine.timepoints import event_point


class Recording:
    """A DuckDB connection that keeps the SQL text it is given."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, *args: Any) -> Any:
        self.statements.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def test_corpus_tables_are_written_in_bulk_with_the_records_values() -> None:
    corpus = load_corpus(bundled_path())
    con = Recording(duckdb.connect())
    write_tables(con, corpus)  # type: ignore[arg-type]
    # no statement carries the rows as SQL text (the old way: one INSERT ... VALUES of them all)
    assert max(len(s) for s in con.statements) < 2_000
    rows = _rows(corpus)
    assert set(rows) == {*TABLES, STORED_EVENTS, STORED_QUOTES} - set(VIEWS)
    for name in rows:
        stored = con.con.execute(f"SELECT * FROM {name}").fetchall()
        assert sorted(map(repr, stored)) == sorted(map(repr, rows[name])), name


def test_the_event_views_hold_each_events_actors_targets_and_quotes() -> None:
    """``events``, ``event_actors``, ``event_targets`` and ``quotes`` are views of the stored
    events (one row per event, its actors, targets and quotes as lists) and of the other
    records' quotes: they hold the rows the tables held, as docs/corpus-format.md lists them."""
    corpus = load_corpus(bundled_path())
    con = duckdb.connect()
    write_tables(con, corpus)

    def view(name: str) -> list[tuple[Any, ...]]:
        return sorted(con.execute(f"SELECT * FROM {name}").fetchall(), key=repr)

    events = corpus.events
    assert view("event_actors") == sorted(
        ((e.id, k, a) for e in events for k, a in enumerate(e.actors)), key=repr
    )
    assert view("event_targets") == sorted(
        ((e.id, k, a) for e in events for k, a in enumerate(e.targets)), key=repr
    )
    quoted = [
        ("event", e.id, None, k, corpus.source_of(q.source), q.quote)
        for e in events
        for k, q in enumerate(e.sources)
    ]
    assert quoted and [r for r in view("quotes") if r[0] == "event"] == sorted(quoted, key=repr)
    assert len(view("quotes")) == len(quoted) + len(_rows(corpus)[STORED_QUOTES])
    columns = [d[0] for d in con.execute("SELECT * FROM events LIMIT 0").description]
    assert columns == [c.split()[0] for c in TABLES["events"].split(", ")]


def test_a_build_keeps_event_acts_as_a_view_of_the_stored_events(kb_factory: Any) -> None:
    """A built database's ``event_acts`` (what the breaches and ``aggressor`` read) is a view
    of the stored events, not a stored copy of their acts, and holds each event's actors times
    its targets at the event's earliest and latest time point, as the records say."""
    kb = kb_factory()
    con = duckdb.connect(str(kb.db_path), read_only=True)
    try:
        kind = con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'event_acts'"
        ).fetchall()
        assert kind == [("VIEW",)]
        got = sorted(con.execute("SELECT * FROM event_acts").fetchall())
    finally:
        con.close()
    want = sorted(
        (e.id, e.type, a, b, event_point(e.date.earliest), event_point(e.date.latest))
        for e in kb.corpus.events
        for a in e.actors
        for b in e.targets
    )
    assert got == want and any(r[4] != r[5] for r in want)  # some act has a fuzzy date
