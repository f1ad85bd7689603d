"""A period's or a row's end made by a dated record shows that record's date as the source
gives it, whatever its form ("by 1 May 1932", "late 1930s", "30 June 1933"), in ``timeline``,
``holds`` and their JSON ``text`` alike (docs/api.md: a bound's ``text`` is "the source's date
of the record that started or ended a row there"). They showed the engine's day: an exact date
("30 June 1933") as the period's last day ("1933-06-29"), and a blockade lifted "by 1 May
1932", which ends it only with every event at its latest (the row's provenance is the earliest
scenario's, docs/decisions/0002), as "1932-04-30"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foedus.query import KnowledgeBase
from foedus.query.status import periods_in_words

#: An invented corpus (its source says so): a blockade lifted "by 1 May 1932", an occupation
#: on one day, a withdrawal in the "late 1930s" and a restoration on one day.
FILES = {
    "corpus.yaml": """\
name: tarn
title: Tarn and Brask (invented)
default_source: annals
default_perspective: de-facto
description: An invented corpus for the dates a period's end shows.
""",
    "sources/annals.txt": """\
= The annals of Tarn =

These annals are invented for testing foedus; none of it happened.

Tarn proclaimed its independence on 3 April 1919. Brask was an old kingdom of the shore. \
In March 1931 a Braskan squadron blockaded the coast of Tarn. The blockade was lifted by \
1 May 1932. Braskan troops occupied Tarn on 30 June 1933. Braskan troops left Tarn in the \
late 1930s, and Tarn restored its independence on 4 August 1939.
""",
    "actors.yaml": """\
actors:
  - id: tarn
    name: Tarn
    existed_from: 3 April 1919
    sources:
      - Tarn proclaimed its independence on 3 April 1919.
  - id: brask
    name: Brask
    sources:
      - Brask was an old kingdom of the shore.
""",
    "categories.yaml": """\
categories:
  - id: aggression
    name: Acts of aggression
    event_types: [invasion, naval_blockade]
""",
    "instruments.yaml": "instruments: []\n",
    "events.yaml": """\
events:
  - id: tarn-independence
    type: declaration_of_independence
    date: 3 April 1919
    actors: [tarn]
    summary: Tarn proclaims its independence.
    sources:
      - Tarn proclaimed its independence on 3 April 1919.
  - id: brask-blockades-tarn
    type: naval_blockade
    date: March 1931
    actors: [brask]
    targets: [tarn]
    summary: A Braskan squadron blockades the coast of Tarn.
    sources:
      - In March 1931 a Braskan squadron blockaded the coast of Tarn.
  - id: blockade-lifted
    type: withdrawal
    date: by 1 May 1932
    actors: [brask]
    targets: [tarn]
    summary: Brask lifts the blockade.
    sources:
      - The blockade was lifted by 1 May 1932.
  - id: brask-occupies-tarn
    type: occupation
    date: 30 June 1933
    actors: [brask]
    targets: [tarn]
    summary: Braskan troops occupy Tarn.
    sources:
      - Braskan troops occupied Tarn on 30 June 1933.
  - id: brask-leaves-tarn
    type: withdrawal
    date: late 1930s
    actors: [brask]
    targets: [tarn]
    summary: Braskan troops leave Tarn.
    sources:
      - Braskan troops left Tarn in the late 1930s
  - id: tarn-restored
    type: restoration_of_independence
    date: 4 August 1939
    actors: [tarn]
    summary: Tarn restores its independence.
    sources:
      - Tarn restored its independence on 4 August 1939.
""",
    "rules/tarn.rules": """\
# "a Braskan squadron blockaded the coast of Tarn"
fluent blockaded_by(Actor) = Actor.
blockade_starts: initiated blockaded_by(X) = Y when naval_blockade(Y, X).
blockade_lifted: terminated blockaded_by(X) = Y when withdrawal(Y, X), blockaded_by(X) = Y.
""",
    "perspectives.yaml": """\
perspectives:
  - id: de-facto
    name: De facto
    description: Who holds the ground.
    rules: [foedus:base, foedus:de-facto, rules/tarn.rules]
""",
}


@pytest.fixture(scope="module")
def tarn(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    root = tmp_path_factory.mktemp("tarn")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return KnowledgeBase(root)


def test_timeline_periods_end_as_the_source_dates_what_ended_them(tarn: KnowledgeBase) -> None:
    """Independent until the occupation "30 June 1933" (it showed 1933-06-29), possibly
    occupied until the restoration "4 August 1939" (it showed 1939-08-03); the days the JSON
    keeps are the periods' own."""
    answer = tarn.timeline("Tarn")
    assert periods_in_words(tarn, answer) == [
        ["3 April 1919", "30 June 1933"],
        ["30 June 1933", "late 1930s"],
        ["late 1930s", "4 August 1939"],
        ["4 August 1939", "…"],
    ]
    first = answer["periods"][0]["to"]
    assert first == {"earliest": "1933-06-29", "latest": "1933-06-29", "text": "30 June 1933"}


def test_holds_ends_as_the_source_dates_what_ended_them(tarn: KnowledgeBase) -> None:
    """The blockade lifted "by 1 May 1932" (it showed "to 1932-04-30"), control until the
    occupation "30 June 1933" (its JSON ``to`` showed 1933-06-29 while ``when`` said "until 30
    June 1933")."""
    got = {f["text"]: f for f in tarn.holds("Tarn", "1931-06-01")["fluents"]}
    blockade = got["blockaded_by(Tarn) = Brask"]
    assert blockade["certainty"] == "certain"
    assert blockade["when"] == "from March 1931 until some day by 1 May 1932"
    assert blockade["to"] == {
        "earliest": "1932-04-30",
        "latest": "1932-04-30",
        "text": "by 1 May 1932",
    }
    control = got["controlled_by(Tarn) = Tarn"]
    assert control["when"] == "from 3 April 1919 until 30 June 1933"
    assert control["to"]["text"] == "30 June 1933"
    # after the lifting's latest day the blockade holds only possibly (with every event at its
    # earliest it was lifted before it began): from the lifting's date, not its day
    later = {f["text"]: f for f in tarn.holds("Tarn", "1933-01-01")["fluents"]}
    assert later["blockaded_by(Tarn) = Brask"]["when"] == (
        "from some day by 1 May 1932 until late 1930s"
    )


MARCHES = Path("/tmp/author-helper/marches")


@pytest.mark.skipif(not MARCHES.is_dir(), reason="the colleague's corpus is not here")
def test_the_marches_corpus(tmp_path: Path) -> None:
    """The case reported, on a copy of the colleague's invented corpus."""
    root = tmp_path / "marches"
    shutil.copytree(MARCHES, root)
    kb = KnowledgeBase(root)
    words = periods_in_words(kb, kb.timeline("Valmora"))
    assert ["3 April 1919", "30 June 1933"] in words
    assert ["late 1930s", "4 August 1939"] in words
    got = {f["text"]: f for f in kb.holds("Valmora", "1931-06-01")["fluents"]}
    assert got["blockaded_by(Valmora) = Ostrovia"]["to"]["text"] == "by 1 May 1932"
    assert "1932-04-30" not in got["threatened(Valmora)"]["when"]
