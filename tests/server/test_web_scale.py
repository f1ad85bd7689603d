"""The page at scale: a generated world of many lanes and thousands of events, a corpus without
lanes, long lane names on a phone. Each test drives chromium as tests/server/test_web.py does
(its fixtures and skips) and failed before the change it names. Speed is not asserted: the
figures are in docs/web.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_web
from test_web import ARTIFACTS, AXE, Page, _axe_violations, _serve, _serve_world, browser_test

# test_web's fixtures, used here by name
server = test_web.server
browser = test_web.browser
universal_server = test_web.universal_server

LONG_NAMES = ["Czechoslovakia", "Liechtenstein", "Transcaucasia", "Herzegovina", "Mecklenburg"]


@pytest.fixture(scope="module")
def scale_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of a generated world of 40 states (more lanes than MANY_LANES in
    web/src/timeline.js), 150 instruments and 4,000 events."""
    with _serve_world(
        tmp_path_factory, "scale", states=40, instruments=150, events=4000, seed=11
    ) as base:
        yield base


@pytest.fixture(scope="module")
def long_names_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small generated world whose states have names of one long word."""
    from foedus.generate import generate_world

    out = tmp_path_factory.mktemp("long") / "long"
    generate_world(out, states=len(LONG_NAMES), instruments=4, events=40, seed=3, format="yaml")
    actors = out / "actors.yaml"
    text = actors.read_text(encoding="utf-8")
    for i in reversed(range(len(LONG_NAMES))):
        text = text.replace(f"name: State {i}\n", f"name: {LONG_NAMES[i]}\n")
    actors.write_text(text, encoding="utf-8")
    with _serve(tmp_path_factory, out) as base:
        yield base


def _open(browser: Any, base: str, query: str = "", size: tuple[int, int] = (1366, 900)) -> Page:
    page = Page(browser, base)
    page.page.set_viewport_size({"width": size[0], "height": size[1]})
    page.page.goto(f"{base}/{query}")
    page.page.wait_for_selector("body[data-ready='1']")
    page.page.wait_for_selector("#edge-list[data-day]")
    page.page.wait_for_selector("#timeline .vis-item")
    return page


def _shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.page.screenshot(path=str(path))
    return path


def _focus_stop(pg: Any, group_prefix: str) -> str:
    """Focus the tab stop of the first drawn lane whose group starts with ``group_prefix``."""
    return pg.evaluate(  # type: ignore[no-any-return]
        """([pre]) => { const tl = window.foedus.timeline;
             const el = [...document.querySelectorAll('#timeline [data-item][tabindex="0"]')]
               .find((e) => tl.itemOf(e.dataset.item)?.group.startsWith(pre));
             el.focus(); return el.dataset.item; }""",
        [group_prefix],
    )


def _active_item(pg: Any) -> dict[str, Any]:
    return pg.evaluate(  # type: ignore[no-any-return]
        """() => { const id = document.activeElement.dataset?.item || null;
             const it = id && window.foedus.timeline.itemOf(id);
             return {id, group: it ? it.group : null}; }"""
    )


@browser_test
def test_a_world_of_many_lanes_and_events_draws_only_what_is_in_view(
    browser: Any, scale_server: str
) -> None:
    """Every item of a generated world was handed to vis-timeline (200 states and 100,000
    events: 11 s to the first draw, 560 MB of heap, 5,000 items in the Tab order, the network
    7,000 px down). The timeline is a box of its own height now, its lanes drawn as scrolled
    to, the events counted per bucket of the zoom level, one tab stop per lane."""
    page = _open(browser, scale_server)
    pg = page.page
    try:
        got = pg.evaluate(
            """() => { const tl = window.foedus.timeline;
                 const box = document.querySelector('#timeline').getBoundingClientRect();
                 const stops = [...document.querySelectorAll('#timeline [data-item]')]
                   .filter((e) => e.tabIndex >= 0).map((e) => tl.itemOf(e.dataset.item).group);
                 return {model: tl.items.list.length, shown: tl.shown.length,
                         nodes: document.querySelectorAll('#timeline *').length,
                         height: box.height, inner: window.innerHeight,
                         network: document.querySelector('#network-section')
                           .getBoundingClientRect().top + window.scrollY,
                         stops, lanes: window.foedus.overview.lanes.length,
                         buckets: [...document.querySelectorAll('.vis-cluster .item-label')]
                           .map((e) => [e.textContent, e.title])}; }"""
        )
        assert got["lanes"] > 20 and got["model"] > 4000, got
        assert got["shown"] < got["model"] / 2, got  # not everything handed over
        assert got["nodes"] < 6000, got
        assert got["height"] <= 0.8 * got["inner"] and got["network"] < 1.5 * got["inner"], got
        # one tab stop per lane drawn, never one per item
        assert got["stops"] and len(got["stops"]) == len(set(got["stops"])), got
        assert got["buckets"], got
        for text, title in got["buckets"]:
            assert text.endswith((" events", " instruments")) and text.split()[0].isdigit()
            assert "zoom in" in title
        _shot(page, "scale-timeline")
        assert page.problems == []
    finally:
        pg.close()


@browser_test
def test_the_arrow_keys_move_within_a_lane_and_between_lanes(
    browser: Any, scale_server: str
) -> None:
    """With one tab stop per lane, the other items are reached with the arrow keys: left and
    right within the lane, up and down to the lane's neighbours, scrolled to if out of view."""
    page = _open(browser, scale_server)
    pg = page.page
    try:
        first = _focus_stop(pg, "lane:")
        group = _active_item(pg)["group"]
        pg.keyboard.press("ArrowRight")
        pg.wait_for_function("([f]) => document.activeElement.dataset?.item !== f", arg=[first])
        moved = _active_item(pg)
        assert moved["group"] == group and moved["id"] != first, moved
        seen = {group}
        for _ in range(25):  # down past the lanes in view: the box scrolls
            pg.keyboard.press("ArrowDown")
            pg.wait_for_timeout(120)
            now = _active_item(pg)
            assert now["id"], now
            seen.add(now["group"])
        assert len(seen) >= 20, seen
        pg.keyboard.press("ArrowUp")
        pg.wait_for_timeout(120)
        assert _active_item(pg)["group"] in seen
        assert page.problems == []
    finally:
        pg.close()


@browser_test
def test_a_bucket_opens_onto_single_events_and_a_link_skips_the_timeline(
    browser: Any, scale_server: str
) -> None:
    """Enter on a bucket ("57 events") zooms onto it, until its events are drawn one by one;
    a link before the timeline takes the keyboard past it to the network."""
    page = _open(browser, scale_server)
    pg = page.page
    try:
        for _ in range(12):
            if pg.locator("#timeline .vis-item.event").count():
                break
            bucket = pg.locator("#timeline .vis-cluster .item-label").first
            bucket.focus()
            pg.keyboard.press("Enter")
            pg.wait_for_timeout(300)
        assert pg.locator("#timeline .vis-item.event").count() > 0
        event = pg.locator("#timeline .vis-item.event [data-item]").first
        assert (event.get_attribute("data-item") or "").startswith("event:")
        pg.focus("[data-tl=fit]")
        pg.keyboard.press("Shift+Tab")  # back past the toolbar
        for _ in range(6):
            if pg.evaluate("document.activeElement.matches('a.skip[href=\"#network-h\"]')"):
                break
            pg.keyboard.press("Shift+Tab")
        assert pg.evaluate("document.activeElement.textContent").startswith("Skip the timeline")
        pg.keyboard.press("Enter")
        pg.keyboard.press("Tab")
        assert pg.evaluate("document.activeElement.id") == "play"
        if AXE.is_file():
            found = _axe_violations(pg)
            assert found == [], found
        assert page.problems == []
    finally:
        pg.close()


@browser_test
def test_the_map_caption_of_a_corpus_without_lanes_says_what_it_shows(
    browser: Any, universal_server: str
) -> None:
    """A corpus without lanes (GGO: treaties only) drew a blank map captioned "the states of
    the timeline coloured by status"."""
    page = Page(browser, universal_server)
    pg = page.page
    try:
        pg.goto(universal_server + "/")
        pg.wait_for_selector("body[data-ready='1']")
        pg.wait_for_function("document.querySelector('#map-caption').textContent.length > 0")
        assert pg.evaluate("window.foedus.overview.lanes.length") == 0
        caption = pg.locator("#map-caption").inner_text()
        assert "the states of the timeline coloured by status" not in caption, caption
        assert "no lane" in caption and "no state coloured" in caption, caption
        assert "no state coloured" in (pg.locator("#map").get_attribute("aria-label") or "")
        assert page.problems == []
    finally:
        pg.close()


@browser_test
def test_on_a_phone_a_long_lane_name_is_never_broken_mid_word(
    browser: Any, long_names_server: str
) -> None:
    """At 390 px a lane name of one word longer than the column broke mid-word
    ("Czechoslovak|ia"); it is cut with an ellipsis now, whole under the pointer (title)."""
    page = _open(browser, long_names_server, size=(390, 844))
    pg = page.page
    try:
        pg.wait_for_function(
            "() => [...document.querySelectorAll('.vis-label .actor')].some(e => e.textContent)"
        )
        got = pg.evaluate(
            """() => [...document.querySelectorAll('.vis-label .group-label')].map((g) => {
                 const t = g.querySelector('.actor').firstChild;
                 const broken = [];
                 const re = /[^\\s-]+/g; let m;
                 while ((m = re.exec(t.textContent))) {
                   const r = document.createRange();
                   r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
                   const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
                   if (tops.size > 1) broken.push(m[0]);
                 }
                 return {name: t.textContent, title: g.title, broken}; })"""
        )
        names = {g["name"] for g in got}
        assert names & set(LONG_NAMES), got
        for g in got:
            if g["name"] in LONG_NAMES:
                assert g["broken"] == [] and g["title"] == g["name"], g
        _shot(page, "phone-long-names")
        assert page.problems == []
    finally:
        pg.close()
