"""An event's date open at its start begins the day after what it presupposes (decision 0014).

From the Vesper Gulf chronicle (tests/corpora/gulf/sources/chronicle.txt):

- "Belmora proclaimed its independence on 14 March 1905." ... "Belmora was occupied by
  mid-1941.": the occupation may be any day from 15 March 1905, not on the 14th, where it would
  meet Belmora's coming into existence at one time point and (RTEC's rule for two values of a
  multi-valued fluent started together) leave Belmora controlled by no one in the early
  scenario, so that it was only "possibly" occupied once mid-1941 had passed;
- "Troops of the Corvast Republic occupied Estrava at the end of 1952 and withdrew not after
  1955.": the withdrawal comes after the occupation it ends, not from the Corvast Republic's
  first day (1 May 1948), where it would end nothing and leave Estrava possibly occupied for
  ever;
- "Belmora recognised the annexation de facto in the first half of September 1938." ...
  "Belmora withdrew its recognition no later than 1 May 1941.": the withdrawal of the
  recognition comes after the recognition.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from foedus.corpus import load_corpus
from foedus.query import KnowledgeBase

GULF = Path(__file__).parents[1] / "corpora" / "gulf"


def _span(corpus_path: Path, event: str) -> tuple[date, date]:
    [e] = [e for e in load_corpus(corpus_path).events if e.id == event]
    assert e.date.open == "start"
    return e.date.earliest, e.date.latest


def _occupiers(kb: KnowledgeBase, actor: str, day: date) -> list[tuple[str, str]]:
    got = kb.status(actor, day)["status"]["occupied_by"]
    return [(o["value"]["id"], o["certainty"]) for o in got]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase(GULF)


def test_an_open_start_begins_the_day_after_its_actors_first_day() -> None:
    assert _span(GULF, "ardenia-occupies-belmora") == (date(1905, 3, 15), date(1941, 8, 31))
    # Dunmere exists from "the end of 1918": its first possible day is 1 November 1918
    assert _span(GULF, "corvast-recognises-annexation") == (date(1918, 11, 2), date(1939, 12, 31))


def test_an_undoing_begins_after_the_act_it_undoes() -> None:
    # the occupation "at the end of 1952" ends on 31 December 1952 at the latest
    assert _span(GULF, "corvast-republic-withdraws-from-estrava") == (
        date(1953, 1, 1),
        date(1955, 12, 31),
    )
    # the recognition "in the first half of September 1938" (1–15 September)
    assert _span(GULF, "belmora-withdraws-recognition") == (date(1938, 9, 16), date(1941, 5, 1))


def test_occupied_by_mid_1941_is_certain_after_it(kb: KnowledgeBase) -> None:
    assert _occupiers(kb, "belmora", date(1942, 1, 1)) == [("ardenia", "certain")]
    assert _occupiers(kb, "belmora", date(1930, 1, 1)) == [("ardenia", "possible")]
    control = kb.status("belmora", date(1905, 3, 14))["status"]["controlled_by"]
    assert [(c["value"]["id"], c["certainty"]) for c in control] == [("belmora", "certain")]


def test_withdrew_not_after_1955_ends_the_occupation_by_then(kb: KnowledgeBase) -> None:
    assert _occupiers(kb, "estrava", date(1952, 12, 31)) == [("corvast-republic", "certain")]
    assert _occupiers(kb, "estrava", date(1954, 1, 1)) == [("corvast-republic", "possible")]
    for day in (date(1956, 1, 1), date(1957, 1, 1), date(1980, 1, 1)):
        assert _occupiers(kb, "estrava", day) == [], day


def test_a_known_side_on_the_actors_first_day_keeps_that_day(tmp_path: Path) -> None:
    """ "by 14 March 1905" of Belmora, which exists from 14 March 1905: the source puts the event
    on that day, so the day after cannot be its bound (nor is the date refused)."""
    root = tmp_path / "gulf"
    shutil.copytree(GULF, root)
    events = root / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace("    date: by mid-1941\n", "    date: by 14 March 1905\n", 1), encoding="utf-8"
    )
    assert _span(root, "ardenia-occupies-belmora") == (date(1905, 3, 14), date(1905, 3, 14))
