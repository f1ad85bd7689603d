"""Answers on the Vesper Gulf (tests/corpora/gulf), a corpus written from the docs alone,
checked against its chronicle (tests/corpora/gulf/sources/chronicle.txt).

- "Ardenia ... annexed it on June 24–28, 1938" and "Dunmere restored its independence on 21
  August 1991": the annexation ended Dunmere's sovereignty in the realist view too, and the
  restoration restored it there; in the ardenian view (which `replaces` sovereign_restored)
  the restoration did not. Why the views differ names both events.
- "Estrava acceded to the Gulf Pact no earlier than 1930" and "Estrava withdrew from the Gulf
  Pact on 1 March 1956": Estrava is a party until the withdrawal, as it has joined until then.
- "the Treaty of Osten ..., which replaced the Treaty of Mirel when it entered into force on
  1 July 1950": the Treaty of Mirel ended then, in every view.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from foedus.query import KnowledgeBase

GULF = Path(__file__).parents[1] / "corpora" / "gulf"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase(GULF)


def test_why_views_differ_after_a_restoration_names_the_restoration(kb: KnowledgeBase) -> None:
    got = kb.across("status", actor="dunmere", on=date(1991, 12, 1))
    because = {p["perspective"]: p["because"] for p in got["perspectives"]}
    annexed = "Ardenia annexes Dunmere (June 24–28, 1938)"
    restored = "Dunmere restores its independence (21 August 1991)"
    # the annexation ended sovereignty in the realist view: it did not "fail" there
    assert because["realist"] == (
        f"{annexed} ended sovereignty by rule sovereignty_lost_by_annexation; "
        f"{restored} restored it by rule sovereign_restored"
    )
    assert because["ardenian"] == (
        f"{annexed} ended sovereignty by rule sovereignty_lost_by_annexation; "
        f"{restored} did not restore it: the condition of restored_if_never_annexed failed"
    )
    # in the legalist view the annexation never ended it (the Treaty of Halden bound Ardenia)
    assert because["legalist"] == (
        f"{annexed} did not end sovereignty: the condition of "
        "lawful_annexation_ends_sovereignty failed"
    )
    compared = kb.compare("realist", "ardenian", "dunmere")["differences"]
    assert compared[0]["from"]["text"] == "21 August 1991"
    assert compared[0]["because"]["realist"] == because["realist"]
    assert "sovereign_restored" in compared[0]["rules"]["realist"]


def test_a_party_s_end_is_dated_by_its_withdrawal(kb: KnowledgeBase) -> None:
    fluents = kb.holds("estrava", date(1953, 6, 1))["fluents"]
    got = {
        f["fluent"]: (f["to"]["text"], f["when"])
        for f in fluents
        if f["args"] == ["estrava", "gulf-pact"]
    }
    until = "from some day no earlier than 1930 until 1 March 1956"
    assert got == {"joined": ("1 March 1956", until), "party_to": ("1 March 1956", until)}


def test_a_superseded_instrument_shows_when_it_ended(kb: KnowledgeBase) -> None:
    ended = kb.treaty("Treaty of Mirel")["ended"]
    assert ended == {"earliest": "1950-07-01", "latest": "1950-07-01", "text": "1 July 1950"}

    # the rules agree: it is in force until then, and the Treaty of Osten from then
    def between(day: date) -> set[str]:
        got = kb.treaties(between=("corvast-republic", "estrava"), on=day)["treaties"]
        return {t["id"] for t in got}

    assert {"treaty-of-mirel"} <= between(date(1950, 6, 30)) - {"treaty-of-osten"}
    assert "treaty-of-mirel" not in between(date(1950, 7, 2))
    assert "treaty-of-osten" in between(date(1950, 7, 2))
    # a denunciation still ends a bilateral one ("Belmora denounced the Treaty of Ostrel on
    # 3 January 1936"), and an instrument nothing ends has no end
    assert kb.treaty("Treaty of Ostrel")["ended"]["text"] == "3 January 1936"
    assert kb.treaty("Treaty of Osten")["ended"] is None
