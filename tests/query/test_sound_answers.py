"""Answers on a corpus its authors never wrote: the fictional Sound of tests/ask/sound-corpus
(a kingdom and its successor republic, Skarvia annexed in 1938 and restored in 1991, Orsund
occupied from October 1939 until a withdrawal dated only "1945", a non-aggression treaty
denounced in "late November 1937", an occupation dated "by 20 February 1938").

Each test pins a wrong or misleading answer, with the command that gave it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from foedus.errors import UserError
from foedus.query import KnowledgeBase
from small_corpora import sound_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sound_corpus(tmp_path_factory.mktemp("sound"))


@pytest.fixture(scope="module")
def kb(corpus: Path) -> KnowledgeBase:
    return KnowledgeBase(corpus)


def _conclusions(tree: dict) -> list[str]:
    return [tree["conclusion"], *(c for p in tree["premises"] for c in _conclusions(p))]


def test_a_status_left_open_by_what_ended_the_row_before(kb: KnowledgeBase) -> None:
    """`foedus status Orsund --on 1945-03-01`: possibly occupied, because the withdrawal is
    dated only "1945". The summary said "since 1890: Orsund exists from 1890" and the tree
    "holds from 1945-01-01 until May 1945", naming neither the withdrawal nor its date."""
    st = kb.status("Orsund", date(1945, 3, 1))
    assert st["status"]["certainty"] == "possible"
    assert st["summary"]["text"] == (
        "In the de-facto view, Orsund on 1945-03-01 was a sovereign state, possibly under "
        "occupation by Kingdom of Valdmark: the source dates it only “1945” (Valdmark "
        "withdraws its forces from Orsund)."
    )
    assert st["summary"]["quote"] == {
        "source": "sound-history",
        "quote": "Valdmark withdrew its forces from Orsund in 1945",
    }
    said = _conclusions(st["explanation"])
    assert "controlled_by(orsund) = valdmark holds from 1945 until May 1945" in said
    assert "occupied_by(orsund) = valdmark holds from 1945 until May 1945" in said
    assert (
        "possibly ended by: Valdmark withdraws its forces from Orsund (1945) "
        "[event valdmark-withdraws-orsund-1945]"
    ) in said
    assert not any("1945-01-01" in c for c in said)


def test_a_date_open_on_one_side_after_from_since_until(kb: KnowledgeBase) -> None:
    """`foedus status Skarvia --on 1938-03-01` said "since by 20 February 1938" and "holds
    from by 20 February 1938"; `foedus holds Skarvia --on 1937-12-01` "until by 20 February
    1938"."""
    st = kb.status("Skarvia", date(1938, 3, 1))
    assert ", since some day by 20 February 1938: Valdmark occupies" in st["summary"]["text"]
    said = _conclusions(st["explanation"])
    assert (
        "controlled_by(skarvia) = valdmark holds from some day by 20 February 1938 until "
        "20 August 1991"
    ) in said
    assert not any(" by by " in c or "from by " in c or "since by " in c for c in said)
    held = {f["text"]: f["when"] for f in kb.holds("Skarvia", date(1937, 12, 1))["fluents"]}
    assert held["controlled_by(Skarvia) = Skarvia"] == (
        "from early 1919 until some day by 20 February 1938"
    )


def test_a_party_ends_with_what_ended_the_rows_it_rests_on(kb: KnowledgeBase) -> None:
    """`foedus holds Skarvia --on 1937-12-01`: party_to ends with the annexation of 1 April
    1938 (which ended sovereign(Skarvia)); it said "to 1938-03-31", a day the engine
    derived."""
    held = {f["text"]: f["when"] for f in kb.holds("Skarvia", date(1937, 12, 1))["fluents"]}
    assert held["party_to(Skarvia, Treaty of Kalvo)"] == "from June 1920 until 1 April 1938"
    assert held["sovereign(Skarvia)"] == "from early 1919 until 1 April 1938"


def test_a_party_ends_with_its_sovereignty_in_the_bundled_corpus(kb_factory: Any) -> None:
    """The same in the Baltic corpus: Estonia's party to the Treaty of Tartu ended with its
    sovereignty ("1940", the annexation), not with the occupation of mid-June 1940 whose
    date also holds the day; it said "to 1940-06-10"."""
    fluents = kb_factory().holds("Estonia", date(1939, 1, 1))["fluents"]
    held = {f["text"]: f["when"] for f in fluents}
    assert held["party_to(Estonia, Treaty of Tartu)"] == "from 2 February 1920 until 1940"


def test_a_denounced_bilateral_treaty_has_ended(kb: KnowledgeBase) -> None:
    """`foedus treaty valdmark-skarvia-non-aggression-treaty --json` said `"ended": null`
    (the human table showed no end): Valdmark denounced it in late November 1937, which
    ends a bilateral instrument. A multilateral one goes on without the party that left."""
    nat = kb.treaty("valdmark-skarvia-non-aggression-treaty")
    assert nat["ended"] == {
        "earliest": "1937-11-21",
        "latest": "1937-11-30",
        "text": "late November 1937",
    }
    shipping = kb.treaty("neutral-shipping-convention")
    assert shipping["ended"] is None
    lumeland = next(p for p in shipping["parties"] if p["actor"]["id"] == "lumeland")
    assert lumeland["until"]["text"] == "14 May 1936"


def test_why_an_act_breached_no_clause_of_an_instrument(kb: KnowledgeBase) -> None:
    """`foedus explain breach valdmark-invades-skarvia-1938
    valdmark-skarvia-non-aggression-treaty` refused without saying why."""
    with pytest.raises(UserError) as e:
        kb.explain(
            "breach", ["valdmark-invades-skarvia-1938", "valdmark-skarvia-non-aggression-treaty"]
        )
    assert str(e.value) == (
        "valdmark-invades-skarvia-1938 breached no clause of Valdmark–Skarvian Non-Aggression "
        "Treaty under the de-facto perspective: it had ended (late November 1937) before the "
        "act (mid-February 1938) (foedus breaches --by ACTOR lists the acts that did)"
    )
    with pytest.raises(UserError, match=": Orsund was never a party to it \\(foedus"):
        kb.explain("breach", ["orsund-fires-on-patrol-boat-1939", "treaty-of-kalvo"])


def test_the_aggressor_when_another_act_surely_came_first(corpus: Path, tmp_path: Path) -> None:
    """`foedus aggressor Valdmark Orsund --from 1939-09-01 --assume raid.yaml`, where Orsund
    raids a Valdmark port on 5 September 1939: Valdmark's first act, the invasion, is dated
    only "September 1939", but it declared war on 3 September, surely before. It answered
    "possibly Kingdom of Valdmark or Orsund"."""
    raid = tmp_path / "raid.yaml"
    raid.write_text(
        "events:\n  - id: orsund-raid-1939\n    type: attack\n    date: 5 September 1939\n"
        "    actors: [orsund]\n    targets: [valdmark]\n"
        "    summary: Orsund raids a Valdmark port.\n",
        encoding="utf-8",
    )
    kb = KnowledgeBase(corpus, assume=raid)
    got = kb.aggressor("Valdmark", "Orsund", from_=date(1939, 9, 1))
    assert got["aggressor"]["id"] == "valdmark"
    assert got["certainty"] == "certain"
    assert got["act"]["id"] == "valdmark-declares-war-orsund-1939"
    # an act of the other side before the declaration leaves the order open
    raid.write_text(raid.read_text().replace("5 September 1939", "2 September 1939"))
    got = KnowledgeBase(corpus, assume=raid).aggressor("Valdmark", "Orsund", from_=date(1939, 9, 1))
    assert got["certainty"] == "possible"
    assert {c["id"] for c in got["candidates"]} == {"valdmark", "orsund"}


def test_every_dyad_reads_the_act_that_surely_came_first(corpus: Path, tmp_path: Path) -> None:
    """`decide_all` (every dyad at once) answers as `decide` does where the order of the first
    acts is uncertain but another act surely came first: Orsund's fire on the patrol boat
    restated as of 5 September 1939, Valdmark's war declared on 3 September. It answered
    Valdmark's invasion ("September 1939"), possibly."""
    from foedus.norms import aggression

    restated = tmp_path / "restated.yaml"
    restated.write_text(
        "events:\n  - id: orsund-fires-on-patrol-boat-1939\n    type: attack\n"
        "    date: 5 September 1939\n    actors: [orsund]\n    targets: [valdmark]\n"
        "    summary: Orsund coastal batteries fire on a Valdmark patrol boat.\n",
        encoding="utf-8",
    )
    kb = KnowledgeBase(corpus, assume=restated)
    con = kb.cursor()
    every = {(a, b): rest for a, b, *rest in aggression.decide_all(con, kb.corpus)}
    assert every[("orsund", "valdmark")] == [
        "valdmark",
        "valdmark-declares-war-orsund-1939",
        "declaration_of_war",
        "certain",
    ]
    for (a, b), (who, event, _type, certainty) in every.items():
        v = aggression.decide(con, kb.corpus, a, b)
        assert (v.aggressor, v.act and v.act.event_id, v.certainty) == (who, event, certainty)


def test_the_quote_of_the_date_left_open(kb: KnowledgeBase) -> None:
    """`foedus status Skarvia --on 1948-06-01`: possible because the Kingdom ended in "1948";
    the summary quoted its beginning ("The Kingdom of Valdmark was established in 1905")."""
    st = kb.status("Skarvia", date(1948, 6, 1))
    assert "the source dates it only “1948”" in st["summary"]["text"]
    assert st["summary"]["quote"] == {
        "source": "sound-history",
        "quote": "In 1948 the Kingdom of Valdmark ceased to exist",
    }
