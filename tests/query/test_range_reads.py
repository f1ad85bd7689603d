"""Reads over a range and under several perspectives at once (issue 18: every ``ask`` answer in
at most 100 ms): ``treaties_each_day`` reads the rows of a whole range in one query and makes
each day's answer from them; ``shared_reads`` reads a row query of one perspective for all of
them in one query. Both must give what the reads they replace give, call for call, and make
the number of queries independent of the number of days and perspectives.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from foedus.engine.timepoints import query_point
from foedus.query.common import (
    STATUS_FLUENTS,
    breach_rows,
    read_ahead,
    rows_about,
    rows_of,
    shared_reads,
)
from foedus.query.treaties import treaties_each_day
from query_count import counted

VIEWS = ("de-facto", "non-recognition", "soviet")
# days on which the pact, its protocols, the Baltic treaties and the 1941 invasion change things
DAYS = [
    date(1920, 8, 11),
    date(1926, 1, 1),
    date(1932, 2, 5),
    date(1939, 8, 23),
    date(1939, 9, 28),
    date(1940, 6, 15),
    date(1941, 6, 22),
    date(1941, 6, 23),
    date(1960, 1, 1),
    date(1985, 1, 1),
]


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(
    ("between", "party"),
    [
        (("ussr", "germany"), None),
        (("latvia", "ussr"), None),
        (("ussr", "estonia"), "estonia"),
        (None, "ussr"),
        (None, None),
    ],
)
def test_each_day_is_that_day_s_answer(
    kb_factory: Any, view: str, between: tuple[str, str] | None, party: str | None
) -> None:
    kb = kb_factory(view)
    want = [kb.treaties(between=between, party=party, on=d) for d in DAYS]
    assert list(treaties_each_day(kb, between, party, DAYS)) == want
    span = (date(1919, 1, 1), date(1990, 12, 31))
    assert list(treaties_each_day(kb, between, party, DAYS, span=span)) == want


def test_each_day_keeps_the_notes_of_an_end_another_view_gives(kb_factory: Any) -> None:
    """Under non-recognition the pact's end is the other views' (docs/decisions/0008): the
    note is that day's, on every day of the range."""
    kb = kb_factory("non-recognition")
    got = list(treaties_each_day(kb, ("ussr", "germany"), None, DAYS))
    late = {t["id"]: t for t in got[DAYS.index(date(1985, 1, 1))]["treaties"]}
    assert late["molotov-ribbentrop-pact"]["certainty"] == "possible"
    assert "Operation Barbarossa" in late["molotov-ribbentrop-pact"]["certainty_note"]
    early = {t["id"]: t for t in got[DAYS.index(date(1939, 9, 28))]["treaties"]}
    assert early["molotov-ribbentrop-pact"]["certainty_note"] is None


def test_a_range_is_read_in_two_queries_whatever_its_days(
    kb_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = kb_factory("non-recognition")
    # the connection opened, and what a knowledge base looks up once (which fluents each
    # perspective computes on demand: shared by its views)
    list(treaties_each_day(kb, ("ussr", "estonia"), None, DAYS))
    with counted(monkeypatch) as seen:
        answers = list(treaties_each_day(kb, ("ussr", "germany"), None, DAYS))
    assert len(answers) == len(DAYS)
    assert len(seen) == 2  # the binds rows of the range, the in_force rows of every view


def test_rows_of_a_range_are_those_that_hold_on_some_day_of_it(kb_factory: Any) -> None:
    kb = kb_factory("de-facto")
    lo, hi = query_point(date(1939, 1, 1)), query_point(date(1941, 12, 31))
    got = rows_of(kb, "binds", naming_actor="ussr", args={1: "ussr"}, during=(lo, hi))
    every = rows_of(kb, "binds", naming_actor="ussr", args={1: "ussr"})
    assert got == [r for r in every if r.start <= hi and (r.end is None or lo < r.end)]
    assert got and len(got) < len(every)
    one = rows_of(kb, "binds", naming_actor="ussr", args={1: "ussr"}, during=(lo, lo))
    assert one == rows_of(kb, "binds", naming_actor="ussr", args={1: "ussr"}, at=lo)


def test_shared_reads_read_every_perspective_at_once(
    kb_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = kb_factory("de-facto")

    def reads(view: str) -> list[Any]:
        return [
            rows_about(kb, "estonia", view, own=True, fluents=STATUS_FLUENTS),
            rows_about(kb, "latvia", view, at=query_point(date(1940, 8, 1))),
            rows_of(kb, "joined", view, naming_actor="latvia", args={0: "latvia"}),
            rows_of(kb, "binds", view, args={1: "ussr", 2: "latvia"}, during=(700000, 710000)),
            breach_rows(kb, "estonia", view, event_types=("annexation", "incorporation")),
            breach_rows(kb, perspective=view, by="ussr"),
        ]

    want = {view: reads(view) for view in VIEWS}
    assert want["de-facto"] != want["non-recognition"]
    with counted(monkeypatch) as seen, shared_reads(VIEWS):
        got = {view: reads(view) for view in VIEWS}
        again = reads("soviet")
    assert got == want and again == want["soviet"]
    assert len(seen) == 6  # each read once, for the three perspectives
    with counted(monkeypatch) as seen, shared_reads(["de-facto"]):
        assert reads("soviet") == want["soviet"]  # a perspective not shared: read alone
        assert reads("de-facto") == reads("de-facto") == want["de-facto"]
    assert len(seen) == 12


def test_perspective_all_reads_the_actor_s_rows_once(
    kb_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = kb_factory("de-facto")
    kb.across("status", actor="Estonia", on="1940-08-10")
    with counted(monkeypatch) as seen:
        got = kb.across("status", actor="Estonia", on="1940-08-10")
    # the status rows, the breaches against it, its own rows: each once (three times before)
    assert len(seen) == 3
    for one in got["perspectives"]:
        alone = kb_factory(one["perspective"]).status("Estonia", on="1940-08-10")
        assert one["answer"] == alone
    assert not got["agree"]


def test_the_rows_of_several_actors_are_read_ahead_at_once(
    kb_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = kb_factory("de-facto")
    actors = ["ussr", "estonia", "latvia", "lithuania"]
    during = (query_point(date(1939, 1, 1)), query_point(date(1940, 12, 31)))

    def reads(view: str) -> list[Any]:
        joined = [rows_of(kb, "joined", view, naming_actor=x, args={0: x}) for x in actors]
        binds = [
            rows_of(kb, "binds", view, naming_actor=x, args={1: x, 2: "ussr"}, during=during)
            for x in actors[1:]
        ]
        return joined + binds

    want = {view: reads(view) for view in VIEWS}
    assert all(want["de-facto"][4:])
    with counted(monkeypatch) as seen, shared_reads(VIEWS):
        read_ahead(kb, "joined", [(x, {0: x}) for x in actors])
        read_ahead(kb, "binds", [(x, {1: x, 2: "ussr"}) for x in actors[1:]], during)
        assert len(seen) == 4  # each: the first ask alone, then the others together
        got = {view: reads(view) for view in VIEWS}
    assert len(seen) == 4
    assert got == want
