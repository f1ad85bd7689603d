"""The checks of a Parquet corpus made in one scan of a table (``parquet_check._flagged``)
and the actors and targets of the events checked in one query report what the checks made
one by one reported: the same lines, in the same order, each kind's first 50 rows; the
columns of the tables are checked once per load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from foedus.corpus import load_corpus, parquet_check, read_corpus
from foedus.corpus.folder import display
from foedus.errors import CorpusError
from foedus.generate import generate_world

NUL = "\x00"


def _rewrite(path: Path, change: Callable[[list[dict[str, Any]]], None]) -> None:
    """The Parquet table at ``path`` with its rows changed in place by ``change``; every
    column nullable, so that a row may lack what the layout requires."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    rows = table.to_pylist()
    change(rows)
    schema = pa.schema([f.with_nullable(True) for f in table.schema])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


def _problems(world: Path) -> list[str]:
    corpus, problems, _ = read_corpus(world)
    assert problems == []
    return [str(p) for p in parquet_check.validate_tables(corpus)]


def _world(tmp_path: Path, events: int) -> Path:
    world = generate_world(
        tmp_path / "w", states=6, instruments=3, events=events, seed=1, format="parquet"
    )
    return Path(world.path)


def test_several_problems_in_one_row_are_each_reported_in_their_place(tmp_path: Path) -> None:
    world = _world(tmp_path, 20)
    ev, pa_, cl, ins = (
        world / f"{t}.parquet" for t in ("events", "parties", "clauses", "instruments")
    )

    def events(rows: list[dict[str, Any]]) -> None:
        assert rows[5]["date_earliest"].year < 2001 and rows[6]["date_latest"].year < 2001
        rows[1].update(type="invasio", summary="war" + NUL)  # unknown type AND a NUL
        rows[2].update(date_earliest=None, quote=None)  # no date AND no source
        rows[3].update(targets=["nowhere"])  # an unknown actor in the targets
        rows[5].update(actors=["s00000-b"])  # an actor before its existence (2001)
        rows[6].update(actors=["s00001"], targets=["s00000-b"])  # a target, the same
        rows[7].update(type="invasio", actors=[])  # unknown type AND no actors
        rows[8].update(justification="why" + NUL)
        rows[9].update(quote=None)

    def parties(rows: list[dict[str, Any]]) -> None:
        rows[0].update(how="signature" + NUL, date_earliest=None)
        rows[1].update(actor="ghost")

    def clauses(rows: list[dict[str, Any]]) -> None:
        rows[0].update(norm_kind="maybe", article="Article" + NUL)

    def instruments(rows: list[dict[str, Any]]) -> None:
        rows[0].update(name="Pact" + NUL)
        rows[0]["in_force_latest"] = rows[0]["signed_earliest"].replace(year=1800)

    for path, change in ((ev, events), (pa_, parties), (cl, clauses), (ins, instruments)):
        _rewrite(path, change)
    import pyarrow.parquet as pq

    ids = pq.read_table(ev).column("id").to_pylist()
    party = pq.read_table(pa_).column("instrument_id").to_pylist()
    clause = pq.read_table(cl).column("instrument_id")[0].as_py()
    inst = pq.read_table(ins).column("id")[0].as_py()
    e, p, c, i = (display(x) for x in (ev, pa_, cl, ins))
    nul = "text with a NUL character (\\x00)"
    assert _problems(world) == [
        f"{e}:2:1: event {ids[1]!r}: unknown event type 'invasio'",
        f"{e}:8:1: event {ids[7]!r}: unknown event type 'invasio'",
        f"{e}:3:1: event {ids[2]!r}: missing or inverted date, or no actors",
        f"{e}:8:1: event {ids[7]!r}: missing or inverted date, or no actors",
        f"{e}:6:1: event {ids[5]!r} involves 's00000-b' outside its existence (2001-01-01 to None)",
        # the targets after the actors, though the row is before
        f"{e}:4:1: event {ids[3]!r}: unknown actor 'nowhere'",
        f"{e}:7:1: event {ids[6]!r} involves 's00000-b' outside its existence (2001-01-01 to None)",
        f"{p}:2:1: instrument {party[1]!r}: unknown actor 'ghost'",
        f"{p}:1:1: instrument {party[0]!r}: a party's date is missing or inverted",
        f"{c}:1:1: instrument {clause!r}: unknown norm kind 'maybe'",
        f"{i}:1:1: instrument {inst!r}: dates out of order",
        f"{e}:3:1: event {ids[2]!r} cites no source",
        f"{e}:10:1: event {ids[9]!r} cites no source",
        f"{i}:1:1: instruments: {inst!r}: {nul}",
        f"{p}:1:1: parties: {party[0]!r}: {nul}",
        f"{c}:1:1: clauses: {clause!r}: {nul}",
        f"{e}:2:1: events: {ids[1]!r}: {nul}",
        f"{e}:9:1: events: {ids[8]!r}: {nul}",
    ]


def test_each_kind_of_problem_reports_its_first_50_rows(tmp_path: Path) -> None:
    world = _world(tmp_path, 130)
    ev = world / "events.parquet"

    def events(rows: list[dict[str, Any]]) -> None:
        for n, row in enumerate(rows):
            row["summary"] = f"{row['summary']}{NUL}"  # every row
            if n < 60:
                row["type"] = "bogus"
            if 20 <= n < 80:
                row["quote"] = None
            if 10 <= n < 70:
                row["targets"] = ["ghost"]
            if n < 5:
                row["actors"] = ["ghost-a"]
            if 100 <= n < 110:
                row["date_latest"] = row["date_earliest"].replace(year=1800)

    _rewrite(ev, events)
    import pyarrow.parquet as pq

    ids = pq.read_table(ev).column("id").to_pylist()
    e = display(ev)
    assert _problems(world) == [
        *(f"{e}:{n + 1}:1: event {ids[n]!r}: unknown event type 'bogus'" for n in range(50)),
        *(
            f"{e}:{n + 1}:1: event {ids[n]!r}: missing or inverted date, or no actors"
            for n in range(100, 110)
        ),
        *(f"{e}:{n + 1}:1: event {ids[n]!r}: unknown actor 'ghost-a'" for n in range(5)),
        *(f"{e}:{n + 1}:1: event {ids[n]!r}: unknown actor 'ghost'" for n in range(10, 60)),
        *(f"{e}:{n + 1}:1: event {ids[n]!r} cites no source" for n in range(20, 70)),
        *(
            f"{e}:{n + 1}:1: events: {ids[n]!r}: text with a NUL character (\\x00)"
            for n in range(50)
        ),
    ]


def test_the_columns_are_checked_once_per_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once for a good corpus; a missing column is reported once, and nothing else."""
    world = _world(tmp_path, 20)
    calls: list[object] = []
    check = parquet_check.check_columns

    def counted(tables: Any) -> Any:
        calls.append(tables)
        return check(tables)

    monkeypatch.setattr(parquet_check, "check_columns", counted)
    load_corpus(world)
    assert len(calls) == 1
    ev = world / "events.parquet"
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(ev).drop_columns(["mode"]), ev)
    with pytest.raises(CorpusError) as info:
        load_corpus(world)
    assert [str(p) for p in info.value.errors] == [
        f"{display(ev)}:1:1: events: missing column(s) 'mode'"
    ]
