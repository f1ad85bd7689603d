"""The records that may have ended a row where its provenance does not date the end
(``foedus.query.nodes.ending_records``): the events of every type a ``terminated`` rule of the
row's fluent reads, in one query, type by type, and read once for the answer's other parts
(one query per type, each read again, took a ``holds`` of the 10^6 world 0.35 s)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from foedus.engine.timepoints import start_day
from foedus.query import KnowledgeBase
from foedus.query.common import rows_of
from foedus.query.events import event_ids
from foedus.query.nodes import ending_records
from query_count import counted


def test_the_records_that_may_have_ended_a_row_are_read_in_one_query_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kb = KnowledgeBase()  # its own: nothing read yet
    # Estonia's sovereignty, de facto, ends with the day of the annexation and incorporation
    # of 1940 (docs/decisions/0002: the early scenario's end)
    row = next(
        r
        for r in rows_of(kb, "sovereign")
        if r.args == ("estonia",) and r.end is not None and start_day(r.end) == date(1940, 6, 11)
    )
    day = start_day(row.end)  # type: ignore[arg-type]
    kinds = ("annexation", "ceases_to_exist", "incorporation", "succession")
    each = [  # what a query per type, in the order of their names, reads
        i
        for kind in kinds
        for i in event_ids(
            kb, type=kind, start=day - timedelta(days=1), end=day, involving="estonia"
        )
    ]
    with counted(monkeypatch) as seen:
        first = ending_records(kb, [row], row.end)  # type: ignore[arg-type]
        again = ending_records(kb, [row], row.end)  # type: ignore[arg-type]
    assert first == again == each == ["ussr-annexes-estonia-1940", "ussr-incorporates-estonia-1940"]
    assert len([s for s in seen if "foedus_store.events" in s]) == 1
