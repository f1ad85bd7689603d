"""A question over a range of days renders each instrument once, and reads only the
instruments the actor was ever party to: the same answer as the day-by-day answers merged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from foedus.ask import expand
from foedus.query import KnowledgeBase
from foedus.query.records import Renderer


def _day_by_day(kb: KnowledgeBase, party: str, start: str, end: str) -> dict[str, Any]:
    """The reference: ``treaties`` on each change day, merged as :func:`treaties_over` does."""
    from datetime import date

    ever = [t["id"] for t in kb.treaties(party=party)["treaties"]]
    days = expand.change_days(kb, date.fromisoformat(start), date.fromisoformat(end), ever)
    return expand.merge([kb.treaties(party=party, on=d.isoformat()) for d in days])


def test_range_answer_is_the_days_answers_merged(
    kb_factory: Callable[[str], KnowledgeBase],
) -> None:
    kb = kb_factory("de-facto")
    got = expand.treaties_over(kb, "estonia", None, "1940-01-01", "1940-12-31")
    assert got["treaties"], "Estonia was party to treaties in 1940"
    assert got == {"treaties": _day_by_day(kb, "estonia", "1940-01-01", "1940-12-31")["treaties"]}


def test_each_instrument_is_rendered_once(
    kb_factory: Callable[[str], KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = kb_factory("de-facto")
    ever = kb.treaties(party="estonia")["treaties"]  # read before counting
    rendered: list[str] = []
    real = Renderer.instrument

    def counting(self: Renderer, i: Any) -> Any:
        rendered.append(i.id)
        return real(self, i)

    monkeypatch.setattr(Renderer, "instrument", counting)
    from datetime import date

    from foedus.query.treaties import treaties_each_day

    days = expand.change_days(kb, date(1920, 1, 1), date(1941, 12, 31), [t["id"] for t in ever])
    assert len(days) > 3  # several days, most of them finding the same instruments
    answers = list(treaties_each_day(kb, None, "estonia", days))
    found = {t["id"] for a in answers for t in a["treaties"]}
    per_day = sum(len(a["treaties"]) for a in answers)
    assert per_day > len(found)  # an instrument is found on several days ...
    assert sorted(rendered) == sorted(found)  # ... and rendered once


def test_change_days_read_only_the_candidates(
    kb_factory: Callable[[str], KnowledgeBase], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    kb = kb_factory("de-facto")
    ids = [t["id"] for t in kb.treaties(party="estonia")["treaties"]]
    every = expand.change_days(kb, date(1939, 1, 1), date(1941, 12, 31), None)
    whole = [
        d
        for d in every
        if d == date(1939, 1, 1)
        or any(
            x is not None and d in (x.earliest, x.latest)
            for i in kb.corpus.instruments
            if i.id in ids
            for x in (i.signed, i.in_force, *(p.date for p in i.parties))
        )
    ]
    read: list[str] = []
    real = KnowledgeBase.instrument_record

    def counting(self: KnowledgeBase, i: str) -> Any:
        read.append(i)
        return real(self, i)

    monkeypatch.setattr(KnowledgeBase, "instrument_record", counting)
    assert expand.change_days(kb, date(1939, 1, 1), date(1941, 12, 31), ids) == whole
    assert sorted(read) == sorted(set(ids))
