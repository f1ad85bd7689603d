"""The page as its users use it: a keyboard-only user, a phone, a screen-reader user, an
imported corpus. Each test drives chromium as tests/server/test_web.py does (its fixtures and
skips) and failed before the fix it names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import test_web
from test_web import ARTIFACTS, AXE, Page, _axe_violations, browser_test

# test_web's fixtures, used here by name
server = test_web.server
browser = test_web.browser
page = test_web.page
imported_server = test_web.imported_server
country_server = test_web.country_server


def page_artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def _active(pg: Any) -> str:
    """The focused element: its timeline item id, else its tag."""
    return pg.evaluate(  # type: ignore[no-any-return]
        "() => document.activeElement.dataset?.item || document.activeElement.tagName"
    )


@browser_test
def test_tabbing_through_the_timeline_keeps_the_focus(page: Page) -> None:
    """Focusing a timeline item scrolls the page to it; the page redraws the timeline on a
    scroll, which took every lane out of the DOM and put it back: the focus fell to <body>
    and the next Tab went back to the first lane's first period, for ever."""
    pg = page.open("?day=1941-01-01")
    pg.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    pg.wait_for_timeout(300)
    pg.focus("[data-tl=fit]")
    seen = []
    for _ in range(5):
        pg.keyboard.press("Tab")
        pg.wait_for_timeout(350)  # the redraw comes 100 ms after the scroll
        seen.append(_active(pg))
    assert all(s.startswith("period:") for s in seen), seen
    assert len(set(seen)) == 5, seen  # each Tab a new item, never back to the first
    assert page.problems == []


@browser_test
def test_on_a_phone_the_lane_names_leave_room_for_the_periods(page: Page) -> None:
    """At 390 px the names of the lanes ("Russian Federation", in bold, unwrapped) took 186 px
    of the timeline's 360: the sixteen years around the day were drawn in 170. They wrap at a
    space now, in a column of at most 7rem, and none is cut."""
    page.page.set_viewport_size({"width": 390, "height": 844})
    pg = page.open("?day=1939-08-24")
    got = pg.evaluate(
        """() => ({left: document.querySelector('.vis-left').getBoundingClientRect().width,
                   all: document.querySelector('#timeline').getBoundingClientRect().width,
                   page: document.documentElement.scrollWidth,
                   cut: [...document.querySelectorAll('.vis-label .group-label')]
                     .filter((g) => g.scrollWidth > g.clientWidth + 1)
                     .map((g) => g.textContent)})"""
    )
    assert got["left"] <= 0.33 * got["all"], got
    assert got["cut"] == [] and got["page"] <= 390, got
    page.shot("phone-timeline", full=False)
    assert page.problems == []


STATUS_RGB = [(0x2E, 0x7D, 0x32), (0xC6, 0x28, 0x28), (0x5E, 0x35, 0xB1), (0x75, 0x75, 0x75)]


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.strip()
    if colour.startswith("#"):
        return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
    r, g, b = (int(x) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    return (r, g, b)


@browser_test
def test_an_imported_corpus_draws_its_instruments_apart_from_the_statuses(
    browser: Any,  # noqa: F811
    imported_server: str,
) -> None:
    """An imported corpus has one kind of instrument (ATOP's "agreement"), which got the first
    of the extra colours: a green a shade from "independent", so that every instrument bar
    and every edge of the network looked like a status (green edges between green states)."""
    pg_ = Page(browser, imported_server)
    try:
        overview = httpx.get(f"{imported_server}/api/v1/explorer/overview", timeout=60).json()
        day = next(s["from"] for i in overview["instruments"] for s in i["spans"]["de-facto"])
        pg = pg_.open(f"?day={day}")
        got = pg.evaluate(
            """() => ({bars: [...document.querySelectorAll('#timeline .vis-item.instrument,'
                                + ' #timeline .vis-item.instrument-point')]
                         .map((e) => e.style.borderColor || e.style.color),
                       edges: window.foedus.network.cy.edges().map((e) => e.data('colour')),
                       kinds: [...document.querySelectorAll('#kind-legend label .line')]
                         .map((e) => getComputedStyle(e).backgroundColor)})"""
        )
        colours = {c for cs in got.values() for c in cs}
        assert got["bars"] and got["edges"] and got["kinds"], got
        for c in colours:
            far = min(
                sum((a - b) ** 2 for a, b in zip(_rgb(c), s, strict=True)) for s in STATUS_RGB
            )
            assert far**0.5 >= 60, (c, got)
        assert pg_.problems == []
    finally:
        pg_.page.close()


@browser_test
def test_the_focused_map_state_is_outlined_over_its_neighbours(page: Page) -> None:
    """A map state focused from the keyboard was outlined by its own stroke, amber on pale
    land, half of it under the shapes drawn after it (Latvia's over Lithuania's northern
    border). Its outline is drawn over every shape now, black under amber, and goes when the
    focus leaves."""
    pg = page.open("?day=1940-08-15")
    pg.wait_for_selector("#map path[data-actor='lithuania']")
    pg.focus("#kind-treaty")
    for _ in range(8):
        pg.keyboard.press("Tab")
        if pg.evaluate("document.activeElement.dataset?.actor") == "lithuania":
            break
    ring = pg.evaluate(
        """() => { const p = document.activeElement;
             const rings = [...document.querySelectorAll(
               '#map .focus-ring, #map .focus-ring-outer')];
             const shapes = [...document.querySelectorAll('#map path.land')];
             return {actor: p.dataset.actor, n: rings.length,
                     same: rings.every((r) => r.getAttribute('d') === p.getAttribute('d')),
                     shown: rings.every((r) => r.getAttribute('display') !== 'none'),
                     over: rings.every((r) => shapes.every((s) =>
                       s.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING)),
                     inner: rings.map((r) => getComputedStyle(r).stroke)}; }"""
    )
    assert ring["actor"] == "lithuania" and ring["n"] == 2, ring
    assert ring["same"] and ring["shown"] and ring["over"], ring
    assert "rgb(0, 0, 0)" in ring["inner"], ring
    pg.locator("#map").screenshot(path=str(page_artifact("map-focus")))
    pg.focus("#day-input")
    assert pg.evaluate(
        "[...document.querySelectorAll('#map .focus-ring')].every("
        "(r) => r.getAttribute('display') === 'none')"
    )
    assert page.problems == []


@browser_test
def test_a_long_answer_scrolls_in_a_box_the_keyboard_reaches_and_says_what_it_leaves_out(
    browser: Any,  # noqa: F811
    country_server: str,  # noqa: F811
) -> None:
    """On a corpus of hundreds of instruments ("which treaties were in force on ...?") the
    answer's list showed its first 30 lines in a scroll box that no key could reach (axe-core:
    scrollable-region-focusable, serious) and dropped the rest without a word."""
    pg_ = Page(browser, country_server)
    try:
        pg = pg_.open("?day=1950-01-01")
        pg.fill("#ask-input", "which treaties were in force on 1950-01-01?")
        pg.press("#ask-input", "Enter")
        pg.wait_for_selector("#ask-answer[data-ready='1'] ul.answer")
        got = pg.evaluate(
            """() => { const ul = document.querySelector('#ask-answer ul.answer');
                 return {tab: ul.tabIndex, scrolls: ul.scrollHeight > ul.clientHeight,
                         rows: ul.querySelectorAll('li:not(.more)').length,
                         more: ul.querySelector('li.more')?.textContent || '',
                         lines: window.foedus.ask.last.lines.length}; }"""
        )
        assert got["lines"] > got["rows"] == 30 and got["scrolls"], got
        assert got["tab"] == 0, got
        assert f"{got['lines'] - 30} more ({got['lines']} in all" in got["more"], got
        if AXE.is_file():
            found = [v for v in _axe_violations(pg) if v["id"] == "scrollable-region-focusable"]
            assert found == [], found
        assert pg_.problems == []
    finally:
        pg_.page.close()


@browser_test
def test_any_party_can_be_picked_and_the_graph_zooms_onto_it(
    browser: Any,  # noqa: F811
    country_server: str,  # noqa: F811
) -> None:
    """The Actor box offered the states of the timeline only: on a corpus imported without a
    state list (GGO: 4,532 treaties, no lane) it offered "all", and a graph of 500 nodes, its
    labels too small to draw, had no way in. Every party is offered now (after the lanes);
    picking one fades the rest, rings it and zooms onto its edges until its name is drawn."""
    pg_ = Page(browser, country_server)
    try:
        pg = pg_.open("?day=1950-01-01")
        pick = pg.evaluate(
            """() => { const f = window.foedus; const cy = f.network.cy;
                 const lanes = new Set(f.overview.lanes.map((l) => l.actor.id));
                 const opts = [...document.querySelectorAll('#focus-actor option')]
                   .map((o) => o.value).filter(Boolean);
                 const other = cy.nodes('[!hub]').map((n) => n.id())
                   .find((id) => !lanes.has(id) && cy.getElementById(id).degree() > 0);
                 return {other, offered: opts.includes(other),
                         lanesFirst: opts.slice(0, lanes.size).every((o) => lanes.has(o)),
                         zoom: cy.zoom()}; }"""
        )
        assert pick["other"] and pick["offered"] and pick["lanesFirst"], pick
        pg.select_option("#focus-actor", pick["other"])
        got = pg.evaluate(
            """([id]) => { const cy = window.foedus.network.cy; const me = cy.getElementById(id);
                 const p = me.renderedPosition();
                 return {ringed: me.hasClass('focused'), faded: me.hasClass('faded'),
                         others: cy.nodes('.faded').length, zoom: cy.zoom(),
                         inside: p.x > 0 && p.y > 0 && p.x < cy.width() && p.y < cy.height(),
                         rows: [...document.querySelectorAll('#edge-list li[data-edge]')]
                           .map((li) => (li.dataset.pair || li.dataset.parties).split('|'))}; }""",
            [pick["other"]],
        )
        assert got["ringed"] and not got["faded"] and got["others"] > 0, got
        assert got["inside"] and got["zoom"] * 13 >= 7, got  # its 13 px label drawn (7 px)
        assert got["rows"] and all(pick["other"] in r for r in got["rows"]), got
        pg.locator("#network-section").screenshot(path=str(page_artifact("focus-party")))
        pg.select_option("#focus-actor", "")
        assert pg.evaluate("window.foedus.network.cy.nodes('.faded').length") == 0
        assert pg_.problems == []
    finally:
        pg_.page.close()
