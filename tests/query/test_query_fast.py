"""The query API's fast path: one connection per knowledge base, reads filtered in SQL through
the query index (build step ``query_index``), and the events of a Parquet corpus made one by
one from the database when an answer names them, never all at once.

The oracle is the same world written as YAML (every record made at load, read the way the
answers always were) and the same database read without its index; both must give the same
JSON, call for call.
"""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from foedus import build
from foedus.build import index
from foedus.build.schema import STORED_EVENTS
from foedus.corpus import load_corpus
from foedus.corpus.parquet import LazyRecords, events_by_id, load_events
from foedus.engine.timepoints import last_day, query_point, start_day
from foedus.generate import generate_world
from foedus.query import EventIndex, KnowledgeBase
from foedus.query.common import day_json
from foedus.query.records import Renderer

WORLD = {"states": 10, "instruments": 12, "events": 800, "seed": 11}
DAYS = ["1905-03-15", "1921-07-01", "1938-11-30", "1950-01-15", "1969-06-15", "1990-12-31"]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("fast-worlds")
    return {
        fmt: generate_world(root / fmt, format=fmt, **WORLD).path  # type: ignore[arg-type]
        for fmt in ("yaml", "parquet")
    }


@pytest.fixture(scope="module")
def eager(worlds: dict[str, Path]) -> KnowledgeBase:
    return KnowledgeBase(worlds["yaml"])


@pytest.fixture()
def lazy(worlds: dict[str, Path]) -> KnowledgeBase:
    """A fresh knowledge base on the Parquet world: its events not made yet."""
    kb = KnowledgeBase(worlds["parquet"])
    assert isinstance(kb.corpus.events, LazyRecords) and not kb.corpus.events.loaded
    return kb


def states(kb: KnowledgeBase) -> list[str]:
    return sorted(a.id for a in kb.corpus.actors if a.kind == "state")


def pairs(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Pairs of states that some instrument binds to each other at some time."""
    got = (
        kb.cursor()
        .execute(
            "SELECT DISTINCT args[2], args[3] FROM fluents WHERE fluent = 'binds' "
            "ORDER BY ALL LIMIT 12"
        )
        .fetchall()
    )
    assert got, "the world binds no pair of states"
    return [(a, b) for a, b in got]


def without_index(kb: KnowledgeBase, tmp: Path, how: str) -> KnowledgeBase:
    """The same knowledge base on a copy of its database whose index is gone or stale."""
    copy = tmp / f"{how}.duckdb"
    shutil.copyfile(kb.db_path, copy)
    con = duckdb.connect(str(copy))
    try:
        if how == "dropped":
            con.execute(f"DROP SCHEMA {index.INDEX_SCHEMA} CASCADE")
        else:  # changed in place after the build: the index says another content
            con.execute("UPDATE meta SET value = 'changed' WHERE key = 'content_hash'")
    finally:
        con.close()
    other = KnowledgeBase(kb.corpus)
    other._db = copy
    return other


def point_answers(kb: KnowledgeBase) -> list[Any]:
    """status, holds and treaties of every state on several days."""
    out: list[Any] = []
    for actor in states(kb):
        for day in DAYS:
            out.append(kb.status(actor, day))
            out.append(kb.holds(actor, day))
            out.append(kb.treaties(party=actor, on=day))
    for a, b in pairs(kb):
        for day in DAYS:
            out.append(kb.treaties(between=[a, b], on=day))
        out.append(kb.treaties(between=[a, b]))
    out.append(kb.treaties(on=DAYS[2]))
    return out


def some_answers(kb: KnowledgeBase) -> list[Any]:
    return point_answers(kb) + [kb.timeline(actor) for actor in states(kb)[:4]]


def test_the_build_registers_the_query_index() -> None:
    key, steps = build.default_steps()
    assert "query_index@" in key and index.store_index in steps


def test_a_parquet_world_answers_without_making_every_event(
    lazy: KnowledgeBase, eager: KnowledgeBase
) -> None:
    assert lazy.indexed and isinstance(lazy._events, EventIndex)
    got = point_answers(lazy)
    made = len(lazy._events._known)  # type: ignore[attr-defined]
    assert 0 < made < len(lazy._events) // 5  # those the explanations name
    assert got == point_answers(eager)
    assert some_answers(lazy) == some_answers(eager)  # timelines list their events
    assert not lazy.corpus.events.loaded  # type: ignore[attr-defined]


def test_the_answers_are_those_read_without_the_index(lazy: KnowledgeBase, tmp_path: Path) -> None:
    want = some_answers(lazy)
    for how in ("dropped", "stale"):
        plain = without_index(lazy, tmp_path, how)
        assert not plain.indexed
        assert some_answers(plain) == want


def test_breaches_aggressor_events_and_explain_are_unchanged(
    lazy: KnowledgeBase, eager: KnowledgeBase
) -> None:
    st = states(eager)
    assert lazy.breaches() == eager.breaches()
    assert lazy.breaches()["breaches"], "the world has no breach to compare"
    for actor in st[:3]:
        assert lazy.breaches(by=actor) == eager.breaches(by=actor)
        assert lazy.breaches(against=actor, from_="1920-01-01", to="1960-12-31") == eager.breaches(
            against=actor, from_="1920-01-01", to="1960-12-31"
        )
        assert lazy.events(actor=actor) == eager.events(actor=actor)
    for a, b in pairs(eager)[:4]:
        assert lazy.aggressor(a, b) == eager.aggressor(a, b)
    assert lazy.compare("de-facto", "de-facto") == eager.compare("de-facto", "de-facto")
    first = eager.breaches()["breaches"][0]
    args = [first["event"]["id"], first["treaty"]["id"]]
    assert lazy.explain("breach", args) == eager.explain("breach", args)
    assert lazy.explain("status", [st[0]], on=DAYS[2]) == eager.explain(
        "status", [st[0]], on=DAYS[2]
    )


ROW_KEYS = ("fluent", "args", "value", "from", "to", "certainty", "rule")


def _days(d: dict[str, Any] | None) -> dict[str, Any] | None:
    """A Date's days (its ``text`` is the source's date of the record that bounds the row:
    tests/cli/test_said_once.py)."""
    return None if d is None else {k: d[k] for k in ("earliest", "latest")}


def rows_of(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The fluents of a ``holds`` answer, only the keys that a row of ``fluents`` has (its
    dates by their days)."""
    return [
        {k: _days(f[k]) if k in ("from", "to") else f[k] for k in ROW_KEYS}
        for f in answer["fluents"]
    ]


def test_holds_is_every_row_naming_the_actor_that_holds(lazy: KnowledgeBase) -> None:
    rows = (
        lazy.cursor()
        .execute(
            'SELECT fluent, args, value, start, "end", certainty, rule FROM fluents '
            "WHERE perspective = 'de-facto' ORDER BY fluent, args, value, start"
        )
        .fetchall()
    )
    for actor in states(lazy)[:5]:
        for day in DAYS:
            t = query_point(date.fromisoformat(day))
            want = [
                {
                    "fluent": f,
                    "args": list(a),
                    "value": v,
                    "from": _days(day_json(start_day(s))),
                    "to": _days(day_json(last_day(e))),
                    "certainty": c,
                    "rule": r,
                }
                for f, a, v, s, e, c, r in rows
                if (actor in a or v == actor) and s <= t and (e is None or t < e)
            ]
            # the rows as they are (beside them: ``text``, with names, and ``when``, as the
            # sources date them: tests/query/test_plain_words.py, tests/cli/test_tidy.py)
            assert rows_of(lazy.holds(actor, day, every=True)) == want
            assert rows_of(lazy.holds(actor, day)) == [
                w for w in want if w["fluent"] not in ("binds", "protected", "displaced_by")
            ]


def test_the_index_holds_each_row_once_per_actor_it_names(lazy: KnowledgeBase) -> None:
    con = lazy.cursor()
    actors = {r[0] for r in con.execute("SELECT id FROM actors").fetchall()}
    want = 0
    for args, value in con.execute("SELECT args, value FROM fluents").fetchall():
        want += len({x for x in [*args, value] if x in actors})
    got = con.execute(f"SELECT count(*) FROM {index.MENTIONS}").fetchone()
    assert got == (want,)
    stored = [
        r for r in con.execute(f"SELECT perspective, who FROM {index.MENTIONS}").fetchall()
    ]  # in the order the rows are stored: what the block statistics use
    assert stored == sorted(stored) and len(set(stored)) > 1


def test_the_stored_events_are_indexed_by_id(lazy: KnowledgeBase) -> None:
    """The stored events' id is indexed (made by the query index step, after the rows;
    DuckDB scans a table this small instead, and uses the index at 10^6 events:
    docs/performance.md); an event's actors, targets and quotes are in its row, so that one
    index reads an event whole."""
    con = lazy.cursor()
    indexed = con.execute(
        "SELECT schema_name, table_name, expressions FROM duckdb_indexes()"
    ).fetchall()
    assert {(s, t, e.strip("[]'\"")) for s, t, e in indexed} == {("foedus_store", "events", "id")}


def test_events_read_by_id_are_the_parquet_records(
    worlds: dict[str, Path], lazy: KnowledgeBase
) -> None:
    corpus = load_corpus(worlds["parquet"])
    render = Renderer(corpus)
    records = {e.id: e for e in load_events(corpus.tables["events"])}
    ids = sorted(records)
    got = events_by_id(lazy.cursor(), [*ids[::7], "no-such-event", "actor:x"], STORED_EVENTS)
    assert sorted(got) == ids[::7]
    for i, e in got.items():
        assert render.event(e) == render.event(records[i])
        assert (e.actors, e.targets, e.date, e.type) == (
            records[i].actors,
            records[i].targets,
            records[i].date,
            records[i].type,
        )
        # a quote's source is the one it resolves to (the world's default here)
        assert [(q.source or "world", q.quote) for q in records[i].sources] == [
            (q.source, q.quote) for q in e.sources
        ]


def test_names_resolve_and_unknown_events_are_named(lazy: KnowledgeBase) -> None:
    from foedus.errors import UnknownName

    some = lazy.cursor().execute("SELECT min(id) FROM events").fetchone()
    assert some is not None
    assert lazy.resolver.event(some[0].upper()).id == some[0]
    with pytest.raises(UnknownName):
        lazy.resolver.event("no-such-event")
    assert not lazy.corpus.events.loaded  # type: ignore[attr-defined]


def test_threads_share_one_knowledge_base(lazy: KnowledgeBase) -> None:
    calls = [(actor, day) for actor in states(lazy) for day in DAYS]
    want = [lazy.status(a, d) for a, d in calls]
    fresh = KnowledgeBase(lazy.corpus)
    results: dict[int, list[Any]] = {}
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            results[k] = [fresh.status(a, d) for a, d in calls]
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert all(results[k] == want for k in range(4))


def test_one_connection_and_a_cursor_per_thread(lazy: KnowledgeBase) -> None:
    assert lazy.cursor() is lazy.cursor()
    seen: list[Any] = []
    th = threading.Thread(target=lambda: seen.append(lazy.cursor()))
    th.start()
    th.join()
    assert seen[0] is not lazy.cursor()
    other = lazy.with_perspective("de-facto")
    assert other.cursor() is lazy.cursor()
    con = lazy.connect()  # the caller's to close: the knowledge base's stays open
    con.close()
    assert lazy.status(states(lazy)[0], DAYS[0])
    lazy.close()
    assert lazy.status(states(lazy)[0], DAYS[0])  # opened again


def test_the_non_recognition_argument_is_read_with_and_without_the_index(
    kb_factory: Any, tmp_path: Path
) -> None:
    kb = kb_factory("non-recognition")
    assert kb.indexed
    plain = without_index(kb, tmp_path, "dropped").with_perspective("non-recognition")
    assert not plain.indexed
    for actor in ("Estonia", "Latvia", "Lithuania"):
        for day in ("1939-01-01", "1941-01-01", "1960-01-01", "1992-01-01"):
            got = kb.status(actor, day)
            assert got == plain.status(actor, day)
            assert kb.holds(actor, day) == plain.holds(actor, day)
        assert kb.breaches(against=actor) == plain.breaches(against=actor)
    unless = kb.status("Estonia", "1960-01-01")["explanation"]["premises"]
    assert any("did not end sovereignty" in p["conclusion"] for p in unless)


def test_going_through_every_event_one_by_one_makes_them_all_once(lazy: KnowledgeBase) -> None:
    index = lazy._events
    assert isinstance(index, EventIndex)
    index.ONE_BY_ONE = 5
    ids = [r[0] for r in lazy.cursor().execute("SELECT id FROM events ORDER BY id").fetchall()]
    for i in ids[:5]:
        assert index[i].id == i
    assert not lazy.corpus.events.loaded  # type: ignore[attr-defined]
    assert ids[5] in index and "no-such-event" not in index
    assert lazy.corpus.events.loaded  # type: ignore[attr-defined]
    assert [index[i].id for i in ids] == ids and len(index) == len(ids)


def test_compare_reads_the_same_rows_with_and_without_the_index(tmp_path: Path) -> None:
    # compare reads every state's own rows in one query (query.common.own_rows): the index
    # holds a row once per actor it names, which must not repeat a row
    kb = KnowledgeBase()
    plain = without_index(kb, tmp_path, "dropped")
    assert kb.indexed and not plain.indexed
    for p, q in (("de-facto", "non-recognition"), ("soviet", "non-recognition")):
        got = kb.compare(p, q)
        assert got["differences"], "the bundled views differ"
        assert got == plain.compare(p, q)
        one = kb.compare(p, q, actor="Estonia")["differences"]
        assert one == [d for d in got["differences"] if d["actor"]["id"] == "estonia"]


def test_events_by_actor_target_and_involvement_are_the_records(
    worlds: dict[str, Path], lazy: KnowledgeBase
) -> None:
    """The events of an actor, of a target, and those an actor took part in either way (the
    page's timeline), read from the stored events' lists of actors and targets, are the
    records' own, in the order of their dates."""
    from foedus.query.events import event_ids

    records = load_events(load_corpus(worlds["parquet"]).tables["events"])

    def ordered(keep: Any) -> list[str]:
        kept = [e for e in records if keep(e)]
        return [e.id for e in sorted(kept, key=lambda e: (e.date.earliest, e.date.latest, e.id))]

    named = {x for e in records for x in (*e.actors, *e.targets)}
    assert set(states(lazy)) - named  # a state without events: none listed for it
    for x in states(lazy)[:5]:
        want = ordered(lambda e, x=x: x in e.actors or x in e.targets)
        assert bool(want) == (x in named) and event_ids(lazy, involving=x) == want
        assert event_ids(lazy, actor=x) == ordered(lambda e, x=x: x in e.actors)
        assert event_ids(lazy, target=x) == ordered(lambda e, x=x: x in e.targets)


def test_an_answer_makes_the_instruments_it_names_together(
    lazy: KnowledgeBase, eager: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet corpus's instruments are made when an answer names them: those of one
    answer in one read of the tables (``holds`` dates each membership by its instrument's
    record; one read each made the 10^7 world's 20,000 instruments all at once after 24, in
    2.8 s), and the answer is the one the YAML world gives."""
    asked = next(
        (actor, day)
        for actor in states(eager)
        for day in DAYS
        if len(
            {f["args"][1] for f in eager.holds(actor, day)["fluents"] if f["fluent"] == "party_to"}
        )
        >= 2
    )
    records = lazy.corpus.instruments
    assert isinstance(records, LazyRecords) and not records.loaded
    reads: list[list[str]] = []
    real = records._some
    assert real is not None
    monkeypatch.setattr(records, "_some", lambda ids: reads.append(list(ids)) or real(ids))
    answer = lazy.holds(*asked)
    named = {f["args"][1] for f in answer["fluents"] if f["fluent"] == "party_to"}
    assert len(reads) == 1 and named <= set(reads[0])
    assert answer == eager.holds(*asked) and not records.loaded
