"""The explorer's routes answer as the public queries do (issue 17): a lane's periods are
bounded in the source's words as ``foedus timeline`` shows them; an instrument's ranges in
force, and an edge of the network, carry the certainty of the ``treaties`` answer, so that an
instrument whose end the perspective does not give is drawn uncertain, not certain."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from explorer_client import explorer_get

from foedus.query import KnowledgeBase
from foedus.server import explorer

MRP = "molotov-ribbentrop-pact"


def _get(path: str, **params: Any) -> Any:
    """The JSON of a GET on the explorer's routes (200 OK)."""
    r = explorer_get(path, **params)
    assert r.status_code == 200, r.text
    return r.json()


@cache
def overview() -> Any:
    return _get("/api/v1/explorer/overview")


@pytest.fixture(scope="module")
def kb(_cache: None) -> KnowledgeBase:
    return KnowledgeBase()


def _instrument(ins_id: str) -> Any:
    return next(i for i in overview()["instruments"] if i["id"] == ins_id)


def test_lane_periods_are_bounded_in_the_source_words() -> None:
    lane = next(x for x in overview()["lanes"] if x["actor"]["id"] == "lithuania")
    de_facto = lane["periods"]["de-facto"]
    said = [(p["from_text"], p["to_text"]) for p in de_facto]
    assert said[:2] == [("1918", "1918"), ("1918", "mid-June 1940")]
    assert ("1944", "1991") in said
    assert said[-1] == ("1991", None)  # open
    # the ISO days stay beside them: the page places the periods by them
    assert de_facto[1]["from"]["earliest"] == "1918-12-31"


def test_the_pact_ends_where_the_treaties_answer_ends_it() -> None:
    """De facto the Pact ends in 1941 (the German invasion, dated "1941"); under
    non-recognition and the Soviet view no rule ends it: past its last certain day it is only
    possibly in force, with no end."""
    spans = _instrument(MRP)["spans"]
    assert [(s["from"], s["to"], s["certainty"]) for s in spans["de-facto"]] == [
        ("1939-08-24", "1940-12-31", "certain"),
        ("1941-01-01", "1941-12-30", "possible"),
    ]
    assert spans["de-facto"][-1]["to_text"] == "1941"
    assert spans["de-facto"][0]["from_text"] == "August 24, 1939"
    for view in ("soviet", "non-recognition"):
        last = spans[view][-1]
        assert (last["from"], last["to"], last["certainty"]) == ("1941-01-01", None, "possible")
        assert "Whether it was still in force on this day is not known" in last["certainty_note"]
        assert [s["certainty"] for s in spans[view]] == ["certain", "possible"]


@pytest.mark.parametrize("view", ["de-facto", "non-recognition", "soviet"])
@pytest.mark.parametrize("day", ["1939-09-15", "1940-06-15", "1941-06-01", "1985-01-01"])
def test_instrument_spans_agree_with_the_treaties_answer(
    kb: KnowledgeBase, view: str, day: str
) -> None:
    """On any day, the instruments whose spans cover it, with their certainty, are exactly
    those ``foedus treaties --on DAY`` lists."""
    answer = {
        t["id"]: (t["certainty"], t["certainty_note"])
        for t in kb.with_perspective(view).treaties(on=day)["treaties"]
    }
    drawn = {
        i["id"]: (s["certainty"], s["certainty_note"])
        for i in overview()["instruments"]
        for s in i["spans"][view]
        if s["from"] <= day and (s["to"] is None or day <= s["to"])
    }
    assert drawn == answer


def test_the_soviet_network_of_1985_holds_the_pact_only_possibly(kb: KnowledgeBase) -> None:
    net = _get("/api/v1/explorer/network", on="1985-01-01", perspective="soviet")
    edge = next(e for e in net["edges"] if e["id"] == f"{MRP}:germany:ussr")
    answer = kb.with_perspective("soviet").treaties(between=("USSR", "Germany"), on="1985-01-01")
    pact = next(t for t in answer["treaties"] if t["id"] == MRP)
    assert edge["certainty"] == pact["certainty"] == "possible"
    assert edge["certainty_note"] == pact["certainty_note"]
    assert "under the de-facto perspective it ends" in edge["certainty_note"]
    de_facto = _get("/api/v1/explorer/network", on="1985-01-01")
    assert not [e for e in de_facto["edges"] if e["instrument"]["id"] == MRP]


def drawn_pairs(net: Any) -> dict[tuple[str, str], dict[str, tuple[str, str | None]]]:
    """What the network of a day says binds each pair of actors: ``{(a, b): {instrument:
    (certainty, certainty_note)}}``, from its edges and from its hubs (a pair of a hub's
    parties is as certain as the less certain of the two, only possibly bound where the hub
    has a ``certainty_note``, which is then that pair's)."""
    out: dict[tuple[str, str], dict[str, tuple[str, str | None]]] = {}
    for e in net["edges"]:
        pair = (e["source"], e["target"])
        out.setdefault(pair, {})[e["instrument"]["id"]] = (e["certainty"], e["certainty_note"])
    for h in net["hubs"]:
        parties = h["parties"]
        for i, x in enumerate(parties):
            for y in parties[i + 1 :]:
                certain = x["certainty"] == y["certainty"] == "certain"
                note = h["certainty_note"] if certain else None
                told = ("certain" if certain and note is None else "possible", note)
                out.setdefault((x["id"], y["id"]), {})[h["instrument"]["id"]] = told
    return out


@pytest.mark.parametrize(
    ("view", "day"),
    [
        ("soviet", "1985-01-01"),
        ("non-recognition", "1941-06-01"),
        ("de-facto", "1940-06-01"),
        ("non-recognition", "1985-01-01"),
    ],
)
def test_every_pair_agrees_with_the_treaties_answer_for_it(
    kb: KnowledgeBase, view: str, day: str
) -> None:
    """Every pair of the day's actors, bound or not: the instruments the network's edges and
    hubs say bind it, each with its certainty and note, are exactly those of ``foedus
    treaties --between A B --on DAY`` (the network reads each instrument's parties, not the
    pairs of ``binds``: docs/web.md)."""
    net = _get("/api/v1/explorer/network", on=day, perspective=view)
    here = kb.with_perspective(view)
    drawn = drawn_pairs(net)
    ids = sorted(n["id"] for n in net["nodes"])
    assert len(ids) > 5
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            answer = {
                t["id"]: (t["certainty"], t["certainty_note"])
                for t in here.treaties(between=(a, b), on=day)["treaties"]
            }
            assert drawn.get((a, b), {}) == answer, (a, b)


def test_an_instrument_of_many_parties_is_one_hub_not_their_pairs(tmp_path: Path) -> None:
    """An instrument of 300 states binding them all: one hub naming its 300 parties, not
    44,850 edges. Read from ``binds``, such pairs were the network's answer: on GGO's 2014-03-01
    (75 instruments of 193 parties) 4.1 million edges, four minutes, a 503 and no graph."""
    from small_corpora import n_party_corpus

    kb = KnowledgeBase(n_party_corpus(tmp_path / "big", 300))
    net = explorer.network(kb, date(1950, 1, 1), "de-facto")
    assert net["edges"] == []
    [hub] = net["hubs"]
    assert hub["id"] == "hub:big-convention" and hub["instrument"]["name"] == "Big Convention"
    assert len(hub["parties"]) == 300 and hub["certainty"] == "certain"
    assert {p["certainty"] for p in hub["parties"]} == {"certain"}
    assert {n["id"] for n in net["nodes"]} == {p["id"] for p in hub["parties"]}
    # before the instrument was signed it binds nobody
    assert explorer.network(kb, date(1920, 1, 1), "de-facto")["hubs"] == []


def test_a_hub_lists_the_breaches_of_its_parties() -> None:
    """The non-recognition view of 1940-06-15: the Soviet occupation breached the Convention
    for the Definition of Aggression (four parties that day) against each Baltic state."""
    net = _get("/api/v1/explorer/network", on="1940-06-15", perspective="non-recognition")
    hub = next(
        h
        for h in net["hubs"]
        if h["instrument"]["id"] == "convention-for-the-definition-of-aggression"
    )
    assert {(b["by"], b["against"]) for b in hub["breaches"]} >= {("ussr", "latvia")}
    assert all(
        {b["by"], b["against"]} <= {p["id"] for p in hub["parties"]} for b in hub["breaches"]
    )


def test_the_default_perspective_is_the_servers_whichever_view_asked_first(
    kb: KnowledgeBase,
) -> None:
    """The overview is kept once per corpus; the network of a day under another perspective
    computes it first when no page has loaded yet (a race between two pages, or an API
    client): the page's default is still the server's."""
    explorer._overviews.clear()
    soviet = kb.with_perspective("soviet")
    explorer.network(kb, date(1960, 1, 1), "soviet")  # computes the overview under the Soviet view
    assert explorer.overview(kb)["default_perspective"] == kb.perspective == "de-facto"
    assert explorer.overview(soviet)["default_perspective"] == "soviet"
    assert explorer.overview(kb)["lanes"] == explorer.overview(soviet)["lanes"]
