"""The web explorer: its API routes in-process, and the built page in headless Chromium.

The browser tests start a real ``foedus serve`` on a free port and drive Debian's
``chromium`` with Playwright (never ``playwright install``). They skip, saying why, when
chromium, Playwright or the built page (``src/foedus/server/static/``, built by
``pip install -e .``; see docs/web.md) is missing. Screenshots go to ``test-artifacts/``;
the first render's time (a performance measure in the page) is printed and written to
``test-artifacts/perf.json``, not asserted.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from explorer_client import explorer_get

from foedus.server import explorer

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path(explorer.__file__).parent / "static"
ARTIFACTS = ROOT / "test-artifacts"
DATA = ROOT / "tests" / "fixtures" / "data"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
LATVIA_USSR_1940_06_01 = {
    "treaty-of-riga",
    "kellogg-briand-pact",
    "litvinov-protocol",
    "soviet-latvian-non-aggression-treaty",
    "convention-for-the-definition-of-aggression",
    "soviet-latvian-mutual-assistance-pact",
}


# --------------------------------------------------------------------------- routes, in-process


def test_overview_has_the_baltic_lanes_under_every_perspective() -> None:
    data = explorer_get("/api/v1/explorer/overview").json()
    lanes = {lane["actor"]["id"]: lane for lane in data["lanes"]}
    assert {"estonia", "latvia", "lithuania"} <= set(lanes)
    assert {p["id"] for p in data["perspectives"]} >= {"de-facto", "non-recognition", "soviet"}
    latvia = lanes["latvia"]["periods"]
    assert any(
        p["label"] == "part of Soviet Union" and p["from"]["earliest"] == "1944-12-31"
        for p in latvia["de-facto"]
    )
    assert all("part of" not in p["label"] for p in latvia["non-recognition"])
    assert {"treaty-of-riga", "molotov-ribbentrop-pact"} <= {i["id"] for i in data["instruments"]}
    assert data["breaches"]["non-recognition"]


def test_network_on_a_day_has_the_binding_instruments() -> None:
    """A bilateral instrument is an edge; one binding more than two parties that day is a hub
    listing them (the Kellogg–Briand Pact: 14 parties, no pairs)."""
    net = explorer_get("/api/v1/explorer/network", on="1940-06-01").json()
    pair = {
        e["instrument"]["id"]
        for e in net["edges"]
        if {e["source"], e["target"]} == {"latvia", "ussr"}
    }
    hubs = {
        h["instrument"]["id"]
        for h in net["hubs"]
        if {"latvia", "ussr"} <= {p["id"] for p in h["parties"]}
    }
    assert pair | hubs == LATVIA_USSR_1940_06_01
    assert "kellogg-briand-pact" in hubs and not pair & hubs
    kellogg = next(h for h in net["hubs"] if h["id"] == "hub:kellogg-briand-pact")
    assert len(kellogg["parties"]) == 14
    assert not [e for e in net["edges"] if e["instrument"]["id"] == "kellogg-briand-pact"]
    assert {"latvia", "ussr"} <= {n["id"] for n in net["nodes"]}


def test_network_on_a_day_shows_only_actors_that_may_exist_then() -> None:
    """The Russian Federation came into being in 1991: not a node in 1940 (issue 17)."""
    ids_1940 = {
        n["id"] for n in explorer_get("/api/v1/explorer/network", on="1940-06-01").json()["nodes"]
    }
    assert "russia" not in ids_1940
    assert {"estonia", "ussr"} <= ids_1940
    ids_1995 = {
        n["id"] for n in explorer_get("/api/v1/explorer/network", on="1995-01-01").json()["nodes"]
    }
    assert "russia" in ids_1995


def test_network_flags_edges_breached_that_day() -> None:
    net = explorer_get(
        "/api/v1/explorer/network", on="1940-06-15", perspective="non-recognition"
    ).json()
    breached = {
        (h["instrument"]["id"], b["by"], b["against"]) for h in net["hubs"] for b in h["breaches"]
    }
    assert ("convention-for-the-definition-of-aggression", "ussr", "latvia") in breached


def test_network_refuses_a_bad_day() -> None:
    r = explorer_get("/api/v1/explorer/network", on="1940-13-01")
    assert r.status_code == 400
    assert "1940-13-01" in r.json()["error"]["message"]


def test_source_by_id_only() -> None:
    r = explorer_get("/api/v1/explorer/source/baltic-soviet-relations")
    assert r.status_code == 200
    assert "Treaty of Riga on 11 August 1920" in r.json()["text"]
    for bad in ("nope", "..", "sources", "baltic-soviet-relations.txt", "..%2Fcorpus.yaml"):
        r = explorer_get(f"/api/v1/explorer/source/{bad}")
        assert r.status_code == 404, bad
        assert "text" not in r.json()


def test_routes_serve_a_corpus_without_a_sources_map(tmp_path: Path) -> None:
    from foedus.generate import generate_world
    from foedus.server.app import create_app

    out = tmp_path / "world"
    generate_world(out, states=5, instruments=3, events=12, seed=1)
    assert "sources:" not in (out / "corpus.yaml").read_text()
    app = create_app(out, log=None, warm=False, timeout=300)  # the first query builds

    async def go() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            overview = await c.get("/api/v1/explorer/overview")
            sid = overview.json()["corpus"]["sources"][0]["id"]
            return overview, await c.get(f"/api/v1/explorer/source/{sid}")

    overview, source = asyncio.run(go())
    assert overview.status_code == 200 and source.status_code == 200
    actor = overview.json()["actors"][0]
    assert {"aliases", "part_of", "successor", "existed_from", "existed_to"} <= set(actor)
    assert source.json()["text"]


def test_overview_actors_say_what_contains_them() -> None:
    actors = {a["id"]: a for a in explorer_get("/api/v1/explorer/overview").json()["actors"]}
    assert actors["latvian-ssr"]["part_of"] == "ussr"
    assert actors["ussr"]["successor"] == "russia"
    assert actors["ussr"]["existed_from"]["earliest"].startswith("1922")


def test_a_corpus_without_sources_metadata_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """corpus.yaml's ``sources:`` is optional: without it the explorer titles each source by
    its id (it once read an undeclared field and answered 500)."""
    from foedus.server.app import create_app

    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    good = ROOT / "tests" / "corpora" / "good"
    assert "sources:" not in (good / "corpus.yaml").read_text(encoding="utf-8")
    app = create_app(good, static_dir=None, log=None, warm=False, timeout=300)

    async def go(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(path)

    r = asyncio.run(go("/api/v1/explorer/overview"))
    assert r.status_code == 200, r.text
    assert r.json()["corpus"]["sources"] == [{"id": "mini", "title": "mini"}]
    r = asyncio.run(go("/api/v1/explorer/source/mini"))
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["url"], r.json()["licence"]) == ("mini", None, None)


# --------------------------------------------------------------------------- the page


def _skip_reason() -> str | None:
    if shutil.which("chromium") is None:
        return "chromium not found (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright not installed (pip install -e '.[test]')"
    if not (STATIC / "index.html").is_file():
        return f"the web page is not built ({STATIC} missing; pip install -e . with npm)"
    return None


_needs_chromium = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def browser_test(test: Any) -> Any:
    """A test that drives chromium: slow (``pytest -m "not slow"`` leaves it out)."""
    return pytest.mark.slow(_needs_chromium(test))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve_world(tmp: pytest.TempPathFactory, name: str, **world: Any) -> Iterator[str]:
    """A real ``foedus serve`` of a world ``foedus generate-world`` writes with ``world``'s
    settings (:func:`foedus.generate.generate_world`)."""
    from foedus.generate import generate_world

    out = tmp.mktemp(name) / name
    generate_world(out, **world)
    with _serve(tmp, out) as base:
        yield base


@contextmanager
def _serve(tmp: pytest.TempPathFactory, corpus: Path | None = None) -> Iterator[str]:
    """A real ``foedus serve`` (of ``corpus``, default the bundled one) on a free port."""
    if _skip_reason():
        pytest.skip(_skip_reason() or "")
    port = _free_port()
    env = {
        **os.environ,
        "FOEDUS_CACHE_DIR": os.environ.get("FOEDUS_CACHE_DIR") or str(tmp.mktemp("web-cache")),
    }
    env.pop("FOEDUS_DEBUG", None)
    probe = subprocess.run(
        [sys.executable, "-m", "foedus", "serve", "--help"], capture_output=True, text=True, env=env
    )
    module = "foedus" if probe.returncode == 0 else "foedus.server.cli"
    log = tmp.mktemp("web-log") / "serve.log"
    args = [sys.executable, "-m", module, "serve", "--port", str(port)]
    if corpus is not None:
        args += ["--corpus", str(corpus)]
    with log.open("w") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a first build of the database takes a while
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/api/v1", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start: " + log.read_text()
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of the bundled (Baltic) corpus; its base URL."""
    with _serve(tmp_path_factory) as base:
        yield base


@pytest.fixture(scope="module")
def world_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of a small world written by ``foedus generate-world`` (its corpus.yaml
    has no ``sources:`` map)."""
    with _serve_world(tmp_path_factory, "world", states=12, instruments=10, events=60, seed=3) as b:
        yield b


@pytest.fixture(scope="module")
def busy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of a generated world with more events than the timeline draws one by
    one (web/src/timeline.js, ``CLUSTER_FROM``: 500)."""
    with _serve_world(
        tmp_path_factory, "busy", states=12, instruments=10, events=1200, seed=5
    ) as b:
        yield b


@pytest.fixture(scope="module")
def imported_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of a corpus imported from the test fixtures (COW states and ATOP)."""
    from foedus.interop.importers import run_import

    out = tmp_path_factory.mktemp("imported") / "imported"
    run_import("states", [DATA / "cow_states.csv"], out)
    run_import("atop", [DATA / "atop_m.csv", DATA / "atop_a.csv"], out)
    with _serve(tmp_path_factory, out) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A page of the explorer with its console errors and failed requests recorded."""

    def __init__(self, browser: Any, base: str) -> None:
        self.page = browser.new_page(viewport={"width": 1500, "height": 1100})
        # a wait without its own timeout: a minute, not Playwright's 30 s (on two busy cores,
        # under the suite's workers, vis-timeline's first redraws took longer than 30 s twice)
        self.page.set_default_timeout(60_000)
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("request", self._request)
        self.base = base

    def _request(self, r: Any) -> None:
        if r.url.startswith(("http:", "https:", "ws:", "wss:")) and not r.url.startswith(
            self.base + "/"
        ):
            self.problems.append(f"external request: {r.url}")

    def open(self, query: str = "") -> Any:
        self.page.goto(f"{self.base}/{query}")
        self.page.wait_for_selector("body[data-ready='1']", timeout=20000)
        self.page.wait_for_selector("#edge-list li[data-edge]", timeout=20000)
        return self.page

    def shot(self, name: str, full: bool = True) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)

    def lane(self, actor: str, perspective: str) -> list[dict[str, Any]]:
        """The period items drawn in a lane: start, end, label and classes, in order."""
        return self.page.evaluate(  # type: ignore[no-any-return]
            """([gid]) => window.foedus.timeline.items.get({filter: (it) => it.group === gid})
                 .map((it) => ({start: it.start, end: it.end, label: it.content,
                                cls: it.className}))
                 .sort((a, b) => a.start < b.start ? -1 : 1)""",
            [f"lane:{actor}:{perspective}"],
        )

    def details_ready(self, before: str | None) -> None:
        self.page.wait_for_function(
            "([b]) => { const d = document.querySelector('#details').dataset.ready;"
            " return d !== undefined && d !== b; }",
            arg=[before],
            timeout=20000,
        )


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Page]:
    p = Page(browser, server)
    yield p
    p.page.close()


@browser_test
def test_page_loads_without_console_errors_and_renders_fast(page: Page, server: str) -> None:
    httpx.get(f"{server}/api/v1/explorer/overview", timeout=60)  # the server's cache, warm
    pg = page.open()
    pg.wait_for_timeout(500)
    first = pg.evaluate("performance.getEntriesByName('foedus:first-render')[0].duration")
    data = pg.evaluate("performance.getEntriesByName('foedus:data')[0].startTime")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "perf.json").write_text(
        json.dumps({"first_render_ms": first, "overview_loaded_ms": data}, indent=2)
    )
    print(f"\nfirst render of the Baltic corpus: {first:.0f} ms (overview data at {data:.0f} ms)")
    page.shot("overview")
    assert page.problems == []
    # the timeline writes its lanes' names after its first drawing: on a loaded machine (a
    # CI run's 1.45 s first render) they were still empty 500 ms after it
    pg.wait_for_function(
        "() => [...document.querySelectorAll('.vis-label .actor')].some(e => e.innerText.trim())",
        timeout=20000,
    )
    labels = pg.locator(".vis-label .actor").all_inner_texts()
    assert {"Estonia", "Latvia", "Lithuania"} <= set(labels)
    assert pg.locator("[data-item^='period:de-facto:latvia:']").count() > 3


@browser_test
def test_timeline_lanes_de_facto_and_non_recognition(page: Page) -> None:
    pg = page.open()
    for actor in ("estonia", "latvia", "lithuania"):
        lane = page.lane(actor, "de-facto")
        in_1960 = [p for p in lane if p["start"] <= "1960-01-01" < p["end"]]
        assert [p["label"] for p in in_1960] == ["part of Soviet Union"], actor
        assert any(
            p["start"].startswith("1940") and "part of Soviet Union" in p["label"] for p in lane
        ), actor
        assert lane[-1]["start"].startswith("1991") and lane[-1]["label"] == "independent"
        assert any("possible" in p["cls"] for p in lane)  # fuzzy 1940 dates are hatched
    pg.select_option("#perspective", "non-recognition")
    pg.wait_for_selector("[data-item^='period:non-recognition:latvia:']")
    lane = page.lane("latvia", "non-recognition")
    occupied = [p for p in lane if "1940-06-11" <= p["start"] < "1991-12-31"]
    assert occupied and all(
        p["label"].startswith("sovereign state")
        and "under occupation" in p["label"]
        and "status-occupied" in p["cls"]
        for p in occupied
    )
    assert [p["label"] for p in lane if p["start"] <= "1960-01-01" < p["end"]] == [
        "sovereign state, under occupation by Soviet Union"
    ]
    assert not any("part of" in p["label"] for p in lane)
    page.shot("timeline-non-recognition", full=False)
    pg.check("#compare")
    pg.select_option("#perspective-b", "de-facto")
    pg.wait_for_selector("[data-item^='diff:latvia:']")
    assert pg.locator("[data-item^='period:de-facto:latvia:']").count() > 3
    diffs = pg.evaluate(
        "window.foedus.timeline.items.get({filter: (it) => "
        "it.group === 'diff:latvia'}).map((it) => [it.start, it.end])"
    )
    assert any(s <= "1960-01-01" < e for s, e in diffs)
    page.shot("timeline-compare", full=False)
    assert page.problems == []


@browser_test
def test_a_day_no_calendar_has_is_not_taken_from_the_url(page: Page) -> None:
    """?day=1940-02-30 (which JavaScript's Date rolls on to 1 March) is not the page's day:
    it asked the server for that day's network and showed its 400."""
    pg = page.open("?day=1940-02-30")
    pg.wait_for_selector("#edge-list[data-day]")
    assert pg.get_attribute("#edge-list", "data-day") != "1940-02-30"


def test_slider_day_shows_the_instruments_binding_that_day(page: Page) -> None:
    pg = page.open("?day=1939-01-01")
    pg.wait_for_selector("#edge-list[data-day='1939-01-01']")
    slider = pg.locator("#day-slider")
    days = pg.evaluate(
        "Math.round((Date.parse('1940-05-31') - Date.parse('1917-01-01')) / 86400000)"
    )
    slider.fill(str(days))  # drag the slider to 1940-05-31 ...
    slider.focus()
    pg.keyboard.press("ArrowRight")  # ... and one day on with the keyboard
    pg.wait_for_selector("#edge-list[data-day='1940-06-01']")
    assert pg.locator("#day-label").inner_text() == "1940-06-01"
    pair = pg.locator("#edge-list li[data-pair='latvia|ussr']")
    bilateral = set(pair.evaluate_all("(els) => els.map((e) => e.dataset.instrument)"))
    hubs = pg.locator("#edge-list li[data-parties]").evaluate_all(
        "(els) => els.filter((e) => e.dataset.parties.split('|').includes('latvia')"
        " && e.dataset.parties.split('|').includes('ussr')).map((e) => e.dataset.instrument)"
    )
    assert bilateral | set(hubs) == LATVIA_USSR_1940_06_01
    assert "molotov-ribbentrop-pact" not in bilateral | set(hubs)
    assert "kellogg-briand-pact" in hubs  # a multilateral instrument: one row, one hub
    drawn = pg.evaluate(
        """() => { const cy = window.foedus.network.cy;
             const pair = cy.edges().map((e) => e.id()).filter((id) => id.endsWith(':latvia:ussr'))
               .map((id) => id.split(':')[0]);
             const hubs = cy.nodes('[?hub]').filter((h) => h.neighborhood('#latvia').length
               && h.neighborhood('#ussr').length).map((h) => h.id().slice(4));
             return {pair, hubs, kellogg: cy.edges("[source = 'hub:kellogg-briand-pact']").length,
                     clique: cy.edges().filter((e) => e.id().startsWith('kellogg')).length}; }"""
    )
    assert set(drawn["pair"]) | set(drawn["hubs"]) == LATVIA_USSR_1940_06_01
    assert drawn["kellogg"] >= 10 and drawn["clique"] == 0  # spokes, not 124 pairwise edges
    # the filter by kind: unticking "pact" takes the pacts out of the graph and the list
    pg.uncheck("#kind-legend input[data-kind='pact']")
    assert pg.locator("#edge-list li[data-instrument='kellogg-briand-pact']").count() == 0
    assert pg.evaluate("window.foedus.network.cy.$('#hub\\:kellogg-briand-pact').length") == 0
    pg.check("#kind-legend input[data-kind='pact']")
    assert pg.locator("#map path[data-actor='latvia']").get_attribute("data-status") == (
        "independent"
    )
    page.shot("network-1940-06-01")
    slider.focus()
    pg.keyboard.press("Shift+ArrowRight")  # a year on: the Soviet Union holds Latvia
    pg.wait_for_selector("#edge-list[data-day='1941-06-01']")
    assert pg.locator("#map path[data-actor='latvia']").get_attribute("data-status") != (
        "independent"
    )
    assert page.problems == []


@browser_test
def test_the_pact_ends_as_the_treaties_answer_ends_it_under_each_view(page: Page) -> None:
    """De facto the Molotov–Ribbentrop Pact ends in 1941; in the Soviet view no rule ends it:
    its bar runs on, hatched past its last certain day, and on 1985-01-01 its USSR–Germany
    edge is dotted (possible), with the answer's certainty_note; periods say their bounds in
    the source's words."""
    bar = (
        "() => { const it = window.foedus.timeline.items.get('instrument:molotov-ribbentrop-pact');"
        " return {end: it.end, cls: it.className, title: it.title}; }"
    )
    pg = page.open("?day=1985-01-01&perspective=soviet")
    pg.wait_for_selector("#edge-list[data-day='1985-01-01'][data-perspective='soviet']")
    soviet = pg.evaluate(bar)
    assert "possible-end" in soviet["cls"] and "open" in soviet["cls"]
    assert "no known end: possibly in force from 1941" in soviet["title"]
    row = pg.locator("#edge-list li[data-edge='molotov-ribbentrop-pact:germany:ussr']")
    assert (
        row.locator(".badge.possible").get_attribute("title").startswith("The source gives no end")
    )
    edge = pg.evaluate(
        "window.foedus.network.cy.$id('molotov-ribbentrop-pact:germany:ussr').data('possible')"
    )
    assert edge is True
    page.shot("soviet-1985-01-01")
    pg.select_option("#perspective", "de-facto")
    pg.wait_for_selector("#edge-list[data-day='1985-01-01'][data-perspective='de-facto']")
    de_facto = pg.evaluate(bar)
    assert de_facto["end"] == "1941-12-31" and "open" not in de_facto["cls"]
    assert "ended 1941" in de_facto["title"]
    assert pg.locator("#edge-list li[data-instrument='molotov-ribbentrop-pact']").count() == 0
    lane = page.lane("lithuania", "de-facto")
    independent = next(p for p in lane if p["start"] == "1918-12-31")
    title = pg.evaluate(
        "([s]) => window.foedus.timeline.items.get({filter: (it) => "
        "it.group === 'lane:lithuania:de-facto' && it.start === s})[0].title",
        ["1918-12-31"],
    )
    assert independent["label"] == "independent" and "1918 – mid-June 1940" in title
    page.shot("de-facto-1985-01-01")
    # compare mode: a range where the views differ is bounded in the source's words too
    pg.check("#compare")
    pg.select_option("#perspective-b", "non-recognition")
    pg.wait_for_selector("[data-item^='diff:lithuania:']")
    diffs = pg.evaluate(
        "window.foedus.timeline.items.get({filter: (it) => it.group === 'diff:lithuania'})"
        ".map((it) => it.title)"
    )
    assert any("Lithuania mid-June 1940 – " in t for t in diffs), diffs
    assert not [t for t in diffs if "1940-06-11" in t]
    before = pg.locator("#details").get_attribute("data-ready")
    pg.locator("[data-item^='diff:lithuania:']").first.click()
    page.details_ready(before)
    details = pg.locator("#details").inner_text()
    assert "mid-June 1940 – " in details and "1944 – 1991" in details
    assert page.problems == []


@browser_test
def test_breach_shows_its_quote_marked_in_the_source(page: Page) -> None:
    pg = page.open()
    pg.select_option("#perspective", "non-recognition")
    group = pg.locator("#breach-list li[data-event='ussr-invades-latvia-1940']")
    assert group.count() == 1  # the breaches are grouped by the act
    group.locator("summary").click()
    button = pg.locator(
        "#breach-list button[data-event='ussr-invades-latvia-1940']"
        "[data-treaty='convention-for-the-definition-of-aggression']"
    ).first
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    button.click()
    page.details_ready(before)
    details = pg.locator("#details").inner_text()
    assert "Convention for the Definition of Aggression" in details
    marks = pg.locator("#source mark")
    assert marks.count() >= 2
    texts = [" ".join(t.split()) for t in marks.all_inner_texts()]
    assert any("invasion by armed forces of the territory of another State" in t for t in texts)
    current = pg.locator("#source mark.current")
    box, mark = pg.locator("#source").bounding_box(), current.bounding_box()
    assert box and mark and box["y"] <= mark["y"] <= box["y"] + box["height"]  # in view
    page.shot("breach-details")
    assert page.problems == []


def _press_enter_on(pg: Any, selector: str) -> None:
    """Press Enter on the timeline item ``selector`` as a keyboard user does.

    vis-timeline may size or redraw an item late, or redraw it while it scrolls into the
    window (a redrawn element has lost the focus): whichever element carries the item now is
    focused (scrolled into view first when out of it: each scroll redraws the lane) until the
    focus holds, the timeline drawn again every 2 s while it does not (as the page does when
    scrolled). When it never holds in 30 s (CI under load, three times: the element stayed
    unrendered), Enter is dispatched to the item's keydown handler, which is where the key
    reaches from the focus."""
    held = pg.evaluate(
        """([sel]) => new Promise((done) => {
            const until = performance.now() + 30000;
            let drawn = 0;
            const attempt = () => {
                const el = document.querySelector(sel);
                if (el && document.activeElement !== el) {
                    const r = el.getBoundingClientRect();
                    if (r.bottom < 0 || r.top > window.innerHeight) {
                        el.scrollIntoView({block: 'center'});
                    }
                    el.focus();
                }
                if (el !== null && document.activeElement === el) return done(true);
                const now = performance.now();
                if (now > until) return done(false);
                if (now - drawn > 2000) {
                    drawn = now;
                    window.foedus.timeline.timeline.redraw();
                }
                setTimeout(attempt, 200);
            };
            attempt();
        })""",
        [selector],
    )
    if held:
        pg.keyboard.press("Enter")
    else:
        pg.locator(selector).dispatch_event("keydown", {"key": "Enter", "bubbles": True})


@browser_test
def test_keyboard_opens_a_period_and_a_map_state(page: Page) -> None:
    pg = page.open("?day=1940-06-01")
    period = (
        "[data-item^='period:de-facto:latvia:'][aria-label*='part of Soviet Union, 1944 – 1991']"
    )
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    pg.locator(period).wait_for(state="attached")
    _press_enter_on(pg, period)
    page.details_ready(before)
    assert "Latvia on 1944-12-31 under the de-facto perspective: part of Soviet Union" in (
        pg.locator("#details").inner_text()
    )
    assert pg.locator("#source mark").count() >= 1
    before = pg.evaluate("document.querySelector('#details').dataset.ready")
    pg.locator("#map path[data-actor='estonia']").focus()
    pg.keyboard.press("Space")
    page.details_ready(before)
    assert "Estonia on 1940-06-01" in pg.locator("#details").inner_text()
    assert page.problems == []


@browser_test
def test_question_box_answers_and_links_into_the_timeline(page: Page) -> None:
    pg = page.open()
    pg.fill("#ask-input", "Was Latvia sovereign in 1960?")
    pg.press("#ask-input", "Enter")
    pg.wait_for_selector("#ask-answer[data-ready='1']", timeout=20000)
    answer = pg.locator("#ask-answer").inner_text()
    assert "Mapped to" in answer and "status" in answer
    assert "part of Soviet Union" in answer
    pg.locator("#ask-answer button.link", has_text="Latvia").first.click()
    pg.wait_for_selector("#edge-list[data-day='1960-01-01']")
    assert pg.locator("#day-label").inner_text() == "1960-01-01"
    page.shot("ask")
    assert page.problems == []


def _quote_in_view(pg: Any) -> str:
    """The current mark's text, asserted inside the source box and inside the window."""
    current = pg.locator("#source mark.current")
    box, mark = pg.locator("#source").bounding_box(), current.bounding_box()
    assert box and mark
    assert box["y"] <= mark["y"] <= box["y"] + box["height"], (box, mark)
    height = pg.evaluate("window.innerHeight")
    assert 0 <= mark["y"] and mark["y"] + min(mark["height"], 40) <= height, (mark, height)
    return " ".join(current.inner_text().split())


@browser_test
def test_selecting_an_event_brings_the_quote_it_cites_into_view(page: Page) -> None:
    pg = page.open("?day=1940-06-01")
    event = "ussr-invades-latvia-1940"
    quote = pg.evaluate(
        "([id]) => window.foedus.overview.events.find((e) => e.id === id).sources[0].quote",
        [event],
    )
    item = f"[data-item='event:{event}']"
    pg.locator(item).wait_for(state="attached")
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    # the events lane is below the fold: scroll to the item, focus it, Enter (as a keyboard
    # user does; vis-timeline draws it once it is in the window)
    _press_enter_on(pg, item)
    page.details_ready(before)
    shown = _quote_in_view(pg)
    assert " ".join(quote.split()) in shown
    pg.wait_for_function("() => location.search.includes('sel=event:ussr-invades-latvia-1940')")
    # the source shows headings, not wiki markup
    assert "= Baltic" not in pg.locator("#source").inner_text()
    assert pg.locator("#source .src-h").count() > 3
    page.shot("event-quote", full=False)
    assert page.problems == []


@browser_test
def test_a_pasted_url_restores_the_view(page: Page) -> None:
    url = (
        "?day=1941-06-01&perspective=non-recognition&compare=de-facto"
        "&sel=breach:ussr-invades-latvia-1940|convention-for-the-definition-of-aggression|"
        "&window=1938-01-01..1946-01-01"
    )
    # the clause of that breach, from the data, completes the selection
    clause = httpx.get(f"{page.base}/api/v1/explorer/overview", timeout=60).json()["breaches"][
        "non-recognition"
    ]
    clause = next(
        b["clause"]
        for b in clause
        if b["event"] == "ussr-invades-latvia-1940"
        and b["treaty"] == "convention-for-the-definition-of-aggression"
    )
    pg = page.open(url.replace("|&window", f"|{clause}&window"))
    page.details_ready(None)
    assert pg.locator("#day-label").inner_text() == "1941-06-01"
    assert pg.locator("#perspective").input_value() == "non-recognition"
    assert pg.locator("#compare").is_checked()
    assert pg.locator("#perspective-b").input_value() == "de-facto"
    assert "Convention for the Definition of Aggression" in pg.locator("#details").inner_text()
    start, end = pg.evaluate("window.foedus.timeline.window()")
    assert start[:4] in ("1937", "1938") and end[:4] in ("1945", "1946")
    assert pg.locator("[data-item^='diff:latvia:']").count() > 0
    _quote_in_view(pg)
    # every change goes back into the URL: a new day, then a reload restores it
    pg.fill("#day-input", "1944-03-02")
    pg.press("#day-input", "Enter")
    pg.wait_for_function("() => location.search.includes('day=1944-03-02')")
    search = pg.evaluate("location.search")
    assert "perspective=non-recognition" in search and "compare=de-facto" in search
    assert "sel=breach:" in search and "window=" in search
    # the day's network has arrived (a reload while it is in flight fails that request)
    pg.wait_for_selector("#edge-list[data-day='1944-03-02']")
    pg.reload()
    pg.wait_for_selector("body[data-ready='1']")
    pg.wait_for_selector("#edge-list[data-day='1944-03-02']")
    assert pg.locator("#day-input").input_value() == "1944-03-02"
    page.shot("restored")
    assert page.problems == []


@browser_test
def test_search_finds_actors_instruments_events_and_breaches(page: Page) -> None:
    pg = page.open("?day=1940-06-01")
    pg.fill("#search-input", "latvia")
    kinds = set(pg.locator("#search-results .kind").all_inner_texts())
    assert {"actor", "instrument", "event", "breach"} <= {k.lower() for k in kinds}
    pg.fill("#search-input", "kellogg")
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    pg.locator("#search-results button.hit").first.click()
    page.details_ready(before)
    assert "Kellogg" in pg.locator("#details").inner_text()
    assert page.problems == []


def _axe_violations(pg: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is now."""
    if not pg.evaluate("typeof axe !== 'undefined'"):
        pg.add_script_tag(path=str(AXE))
    return pg.evaluate(  # type: ignore[no-any-return]
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter((v) => v.impact === 'serious' || v.impact === 'critical')
             .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"""
    )


@browser_test
def test_the_search_list_closes_when_the_user_moves_on(page: Page) -> None:
    """The list of hits stayed open over the Ask box (covering it: a click there chose a hit)
    once the user had moved on. It closes on Escape, when the focus or a click goes outside
    the search, and when a hit is chosen; typing, the down arrow or a click opens it again."""
    pg = page.open("?day=1940-08-15")
    results = pg.locator("#search-results")
    focused = "() => document.activeElement.id || document.activeElement.className"
    pg.fill("#search-input", "latvia")
    assert results.is_visible()
    pg.keyboard.press("Escape")  # the first Escape closes the list and keeps the words
    assert results.is_hidden() and pg.input_value("#search-input") == "latvia"
    pg.keyboard.press("ArrowDown")  # opens it again, on the first hit
    assert results.is_visible() and pg.evaluate(focused) == "hit"
    if AXE.is_file():
        assert _axe_violations(pg) == []  # the open list is as accessible as the page
    pg.keyboard.press("ArrowDown")
    pg.keyboard.press("ArrowUp")
    pg.keyboard.press("ArrowUp")  # from the first hit back to the box
    assert pg.evaluate(focused) == "search-input"
    pg.keyboard.press("ArrowDown")
    pg.keyboard.press("Escape")  # Escape on a hit: closed, the focus back in the box
    assert results.is_hidden() and pg.evaluate(focused) == "search-input"
    pg.keyboard.press("Escape")  # the next one clears the box
    assert pg.input_value("#search-input") == ""
    pg.fill("#search-input", "latvia")
    pg.keyboard.press("Tab")  # Tab leaves the search (the hits are reached by the arrows)
    assert results.is_hidden()
    assert not pg.evaluate("document.querySelector('.search').contains(document.activeElement)")
    pg.fill("#search-input", "latvia")
    pg.focus("#ask-input")  # moving on to the Ask box
    assert results.is_hidden()
    pg.click("#ask-input")  # not covered by the list any more
    pg.click("#search-input")  # a click in the box shows the hits again
    assert results.is_visible()
    pg.click("#timeline-h")  # a click elsewhere, on no control
    assert results.is_hidden()
    pg.fill("#search-input", "kellogg")
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    pg.locator("#search-results button.hit").first.click()  # choosing a hit
    page.details_ready(before)
    assert results.is_hidden() and "Kellogg" in pg.locator("#details").inner_text()
    pg.fill("#search-input", "treaty of tartu")
    before = pg.evaluate("document.querySelector('#details').dataset.ready")
    pg.keyboard.press("ArrowDown")
    pg.keyboard.press("Enter")  # choosing one with the keyboard
    page.details_ready(before)
    assert results.is_hidden() and "Tartu" in pg.locator("#details").inner_text()
    assert page.problems == []


LABEL_OVERLAPS = """() => {
    const ns = window.foedus.network.cy.nodes().toArray();
    const boxes = ns.map((n) => n.boundingBox({includeNodes: false, includeLabels: true}));
    const out = [];
    for (let i = 0; i < ns.length; i++) for (let j = i + 1; j < ns.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.w && b.w && a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) {
        out.push([ns[i].data('name'), ns[j].data('name')]);
      }
    }
    return out; }"""


@browser_test
def test_network_labels_do_not_overlap(page: Page) -> None:
    """On 1940 days the labels of the Soviet Union, Latvia, Germany and the Convention's hub
    were drawn over each other; a day reached from another keeps them apart too, at a size
    that can be read."""
    pg = page.open("?day=1940-08-15&perspective=non-recognition")
    pg.wait_for_selector("#edge-list[data-day='1940-08-15']")
    assert pg.evaluate(LABEL_OVERLAPS) == []
    page.shot("network-1940-08-15", full=False)
    for day in ("1940-06-15", "1939-09-01", "1941-06-01"):
        pg.fill("#day-input", day)
        pg.press("#day-input", "Enter")
        pg.wait_for_selector(f"#edge-list[data-day='{day}']")
        assert pg.evaluate(LABEL_OVERLAPS) == [], day
        assert pg.evaluate("window.foedus.network.cy.zoom()") > 0.6, day  # readable
    assert page.problems == []


@browser_test
def test_an_act_dated_only_by_its_year_did_not_breach_on_this_day(page: Page) -> None:
    """An act the source dates "1940" was flagged "breached this day" on every day of 1940:
    the list says when the source dates it instead; only an act of one day breached "this
    day"."""
    pg = page.open("?day=1940-08-15&perspective=non-recognition")
    pg.wait_for_selector("#edge-list[data-day='1940-08-15'][data-perspective='non-recognition']")
    badges = pg.locator("#edge-list li.breached .badge.breach").all_inner_texts()
    assert badges and set(badges) == {"breached in 1940 (the source gives no day)"}
    labels = pg.locator("#edge-list li.breached button").evaluate_all(
        "(els) => els.map((e) => e.getAttribute('aria-label'))"
    )
    assert labels and not [x for x in labels if "this day" in x]
    pg.fill("#day-input", "1940-06-15")
    pg.press("#day-input", "Enter")
    pg.wait_for_selector("#edge-list[data-day='1940-06-15']")
    badges = pg.locator("#edge-list li.breached .badge.breach").all_inner_texts()
    assert any("in mid-June 1940" in b and "(the source gives no day)" in b for b in badges)
    assert "breached this day" not in badges
    # an act the source dates to one day is said to breach on this day
    events = pg.evaluate("window.foedus.overview.events")
    one_day = next(e for e in events if e["date"]["earliest"] == e["date"]["latest"])
    said = pg.evaluate(
        "([id]) => window.foedus.network.breachedWhen([{event: id, certainty: 'certain'}])",
        [one_day["id"]],
    )
    assert said == "breached this day"
    assert page.problems == []


@browser_test
def test_the_map_names_the_actor_a_shape_stands_for_on_the_day(page: Page) -> None:
    """Today's Russia stands for the Russian SFSR, the Soviet Union or the Russian Federation,
    whichever held it on the day shown: in 1940 the map spoke of the Russian Federation."""
    actors = {
        a["id"]: a for a in httpx.get(f"{page.base}/api/v1/explorer/overview").json()["actors"]
    }
    shape = "#map path[data-home='russia']"
    for day, actor in (("1921-06-01", "rsfsr"), ("1940-08-15", "ussr"), ("1995-01-01", "russia")):
        pg = page.open(f"?day={day}&perspective=non-recognition")
        pg.wait_for_selector(f"#map path[data-home='russia'][data-actor='{actor}']")
        name = actors[actor]["name"]
        said = pg.locator(shape).get_attribute("aria-label") or ""
        assert said.startswith(f"{name} on {day}"), said
        caption = pg.locator("#map-caption").inner_text()
        others = [
            a["name"] for i, a in actors.items() if i in {"rsfsr", "ussr", "russia"} - {actor}
        ]
        for text in (said, caption):
            assert not [o for o in others if o in text], (text, others)
        if actor != "russia":  # drawn on another's shape: the caption says so
            assert f"{name} on the shape of today's Russia" in caption
            assert name in pg.locator("#map text.lane").all_text_contents()
    page.shot("map-1995-01-01", full=False)
    pg = page.open("?day=1940-08-15&perspective=non-recognition")
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    pg.locator(shape).click()  # the shape explains the actor it stands for
    page.details_ready(before)
    assert f"{actors['ussr']['name']} on 1940-08-15" in pg.locator("#details").inner_text()
    assert page.problems == []


@browser_test
def test_a_state_on_a_day_under_every_perspective(page: Page) -> None:
    pg = page.open("?day=1960-01-01")
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    pg.locator("#map path[data-actor='latvia']").click()
    page.details_ready(before)
    rows = pg.locator("#details table.side-by-side tbody tr")
    statuses = {
        r.get_attribute("data-perspective"): r.locator("td").first.inner_text() for r in rows.all()
    }
    why = {
        r.get_attribute("data-perspective"): r.locator("td.why").inner_text() for r in rows.all()
    }
    # one request answers every perspective, with the rule that makes each differ
    assert "did not end sovereignty" in why["non-recognition"]
    assert "lawful_annexation_ends_sovereignty" in why["non-recognition"]
    # the summary in words comes first; the rules in the rule language are folded
    assert (
        pg.locator("#details .summary")
        .inner_text()
        .startswith("In the de-facto view, Latvia on 1960-01-01 was part of Soviet Union")
    )
    assert pg.locator("#details details.rule").count() > 0
    assert not pg.locator("#details details.rule code").first.is_visible()
    for pid, want in (("de-facto", "part of Soviet Union"), ("non-recognition", "occupation")):
        got = httpx.get(
            f"{page.base}/api/v1/status",
            params={"actor": "latvia", "on": "1960-01-01", "perspective": pid},
        ).json()["status"]["label"]
        assert want in got and statuses[pid].startswith(got)
    assert page.problems == []


@browser_test
def test_exports_of_the_view(page: Page) -> None:
    pg = page.open("?day=1940-06-01")
    for what, suffix in (
        ("network-svg", ".svg"),
        ("answers-csv", ".csv"),
        ("answers-json", ".json"),
        ("timeline-png", ".png"),
    ):
        with pg.expect_download() as dl:
            pg.click(f"button[data-export='{what}']")
        d = dl.value
        assert d.suggested_filename.endswith(suffix)
        data = Path(d.path()).read_bytes()
        if what == "network-svg":
            assert b"<svg" in data and b"Latvia" in data
        if what == "answers-csv":
            assert b"kellogg-briand-pact" not in data or b"Kellogg" in data
            assert b"Treaty of Riga" in data
        if what == "answers-json":
            rows = json.loads(data)["network"]
            assert {"latvia", "ussr"} in [{r["a"], r["b"]} for r in rows]
            # an instrument of more than two parties: one row naming them, not its pairs
            kellogg = [r for r in rows if r["instrument"] == "kellogg-briand-pact"]
            assert len(kellogg) == 1 and {"latvia", "ussr"} <= set(kellogg[0]["parties"].split("|"))
        if what == "timeline-png":
            assert data[:4] == b"\x89PNG"
    assert page.problems == []


@browser_test
@pytest.mark.parametrize("which", ["world_server", "imported_server"])
def test_any_corpus_gets_a_page(browser: Any, which: str, request: pytest.FixtureRequest) -> None:
    base = request.getfixturevalue(which)
    page = Page(browser, base)
    try:
        pg = page.page
        pg.goto(base + "/")
        pg.wait_for_selector("body[data-ready='1']", timeout=30000)
        pg.wait_for_selector("#edge-list li", timeout=30000)
        overview = httpx.get(f"{base}/api/v1/explorer/overview", timeout=60).json()
        assert pg.locator(".vis-label .actor").count() >= len(overview["lanes"])
        assert pg.locator("#edge-list").get_attribute("data-day")
        assert pg.locator("#kind-legend input[data-kind]").count() == len(
            {i["kind"] for i in overview["instruments"]}
        )
        # the range and the day come from the data: the slider spans the corpus's years
        first = min(
            [
                p["from"]["earliest"]
                for la in overview["lanes"]
                for ps in la["periods"].values()
                for p in ps
            ]
            + [e["date"]["earliest"] for e in overview["events"]]
            + [i["signed"]["earliest"] for i in overview["instruments"] if i["signed"]]
        )
        assert pg.locator("#fit-label").inner_text().startswith(first[:4])
        pg.wait_for_timeout(300)
        page.shot(f"corpus-{which.split('_')[0]}")
        assert page.problems == []
    finally:
        pg.close()


@browser_test
def test_many_events_are_drawn_as_clusters_and_few_one_by_one(
    browser: Any, busy_server: str, server: str
) -> None:
    """A corpus of thousands of events (an imported dataset) made vis-timeline stack every
    label before the page showed anything (ATOP + MID + territorial changes, 5,405 events:
    about a minute with the tab frozen, then an empty timeline). Past ``CLUSTER_FROM`` events
    the overlapping ones are one cluster each, opened by zooming in; the Baltic corpus's
    events are still drawn one by one."""
    overview = httpx.get(f"{busy_server}/api/v1/explorer/overview", timeout=60).json()
    assert len(overview["events"]) > 500
    for base, clustered in ((busy_server, True), (server, False)):
        page = Page(browser, base)
        pg = page.page
        try:
            pg.goto(base + "/?day=1940-06-01")
            pg.wait_for_selector("body[data-ready='1']")
            pg.wait_for_selector(".vis-item")
            clusters = pg.locator(".vis-cluster")
            if clustered:
                clusters.first.wait_for()
                label = clusters.locator(".item-label").first
                assert re.fullmatch(r"\d+ (events|instruments)", label.inner_text())
                assert "zoom in" in (label.get_attribute("title") or "")
                assert "<div" not in pg.locator("#timeline").inner_text()
            else:
                assert clusters.count() == 0
                assert pg.locator(".vis-item.event").count() > 10
            assert page.problems == []
        finally:
            pg.close()


@browser_test
def test_docs_are_served_without_a_cdn(page: Page) -> None:
    pg = page.page
    pg.goto(f"{page.base}/docs")
    pg.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    assert page.problems == []


@browser_test
def test_no_serious_accessibility_violation(page: Page) -> None:
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed ({AXE}; npm ci in web/)")
    pg = page.open("?day=1940-06-01")
    found = _axe_violations(pg)
    assert found == [], json.dumps(found, indent=1)


# --------------------------------------------------------------------------- corpora of many


@pytest.fixture(scope="module")
def country_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of a generated world whose states are named as countries (some close
    together on a map, some far apart), with 532 instruments (more than the timeline draws
    one by one; 520 of them in force on any day from 1901) and a source of 600,000
    characters, as an imported dataset has."""
    from page_corpora import country_world

    out = country_world(tmp_path_factory.mktemp("country") / "country", 520, 12000)
    with _serve(tmp_path_factory, out) as base:
        yield base


@pytest.fixture(scope="module")
def universal_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``foedus serve`` of 350 states and five conventions that all of them ratified (as
    GGO's universal conventions: 75 of 193 parties)."""
    from page_corpora import universal_corpus

    out = universal_corpus(tmp_path_factory.mktemp("universal") / "universal")
    with _serve(tmp_path_factory, out) as base:
        yield base


@browser_test
def test_many_instruments_on_a_day_are_listed_down_not_across(
    browser: Any, country_server: str
) -> None:
    """The list under the network was a box of CSS columns of fixed height: with 78
    instruments on a day of ATOP it flowed into 23 columns off to the right, two in view, a
    long badge over an empty one. Rows go down now, every one of them in the box."""
    page = Page(browser, country_server)
    try:
        pg = page.open("?day=1950-01-01")
        box = pg.evaluate(
            """() => { const l = document.querySelector('#edge-list');
                 const r = l.getBoundingClientRect();
                 const rows = [...l.querySelectorAll('li[data-edge]')];
                 return {n: rows.length, sw: l.scrollWidth, cw: l.clientWidth,
                         out: rows.filter((li) => { const b = li.getBoundingClientRect();
                           return b.left < r.left - 1 || b.right > r.right + 1; }).length}; }"""
        )
        assert box["n"] >= 520
        assert box["sw"] <= box["cw"] + 1 and box["out"] == 0, box
        page.shot("country-edge-list")
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_the_map_holds_far_states_and_its_labels_do_not_collide(
    browser: Any, country_server: str
) -> None:
    """States of the timeline far apart (Chile, Canada, Austria, Slovenia, Croatia, Laos):
    the map was fitted to the small ones only, Chile and Canada left off it; on a map of the
    world their labels, and the Balkan ones, were written over each other. Each lane state's
    shape is on the map, and no two labels shown overlap."""
    page = Page(browser, country_server)
    try:
        pg = page.open("?day=1950-01-01")
        pg.wait_for_selector("#map path[data-actor]")
        found = pg.evaluate(
            """() => { const svg = document.querySelector('#map');
                 const off = [...svg.querySelectorAll('path[data-home]')].filter((p) => {
                   const b = p.getBBox();
                   return b.x + b.width < 1 || b.x > 479 || b.y + b.height < 1 || b.y > 359; })
                   .map((p) => p.dataset.shape);
                 const ts = [...svg.querySelectorAll('text.label')]
                   .filter((t) => t.getAttribute('display') !== 'none');
                 const bs = ts.map((t) => [t.textContent, t.getBBox()]);
                 const clash = [];
                 for (let i = 0; i < bs.length; i++) for (let j = i + 1; j < bs.length; j++) {
                   const a = bs[i][1], b = bs[j][1];
                   if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height
                       && b.y < a.y + a.height) clash.push([bs[i][0], bs[j][0]]); }
                 return {off, clash, shapes: [...svg.querySelectorAll('path[data-home]')]
                   .map((p) => p.dataset.shape), shown: ts.map((t) => t.textContent)}; }"""
        )
        assert {"Chile", "Canada", "Austria"} <= set(found["shapes"])
        assert found["off"] == [], found
        assert found["clash"] == [], found
        page.shot("country-map", full=False)
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_many_instruments_are_points_at_their_signature(
    browser: Any, country_server: str, server: str
) -> None:
    """GGO has no event and 4,532 treaties, thousands in force at once: each bar, running to
    the present, was stacked one by one (12 s before the timeline showed, a lane taller than
    the screen). Past 500 instruments each is a point at its signature, clustered as events
    are; the Baltic corpus's 20 are still bars."""
    for base, many in ((country_server, True), (server, False)):
        page = Page(browser, base)
        try:
            pg = page.open("?day=1950-01-01")
            kinds = pg.evaluate(
                "[...new Set(window.foedus.timeline.items.get({filter: (it) => "
                "it.group === 'instruments'}).map((it) => it.type))]"
            )
            assert kinds == (["point"] if many else ["range"])
            if many:
                pg.locator(".vis-cluster").first.wait_for()
            assert page.problems == []
        finally:
            page.page.close()


@browser_test
def test_a_long_source_is_shown_in_excerpts_around_its_marks(
    browser: Any, country_server: str
) -> None:
    """An imported dataset's source is megabytes of rows (GGO's: 19 MB): the page laid it all
    out, and normalised it character by character, for each selection (6 s). A long source
    shows its first lines and the lines of the marked passages, the rest left out and said so;
    the quote is still marked and current."""
    page = Page(browser, country_server)
    try:
        pg = page.open("?day=1950-01-01")
        before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
        pg.locator("#edge-list li[data-edge] button.edge").first.click()
        page.details_ready(before)
        src = pg.evaluate(
            """() => { const s = document.querySelector('#source');
                 return {len: s.textContent.length, gaps: s.querySelectorAll('.source-gap').length,
                         head: s.querySelector('.source-head').textContent,
                         current: s.querySelector('mark.current')?.textContent || ''}; }"""
        )
        assert src["gaps"] >= 1 and src["len"] < 20000, src
        assert "excerpts" in src["head"]
        assert "concluded many treaties" in src["current"]
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_a_universal_convention_is_listed_not_drawn_and_its_parties_folded(
    browser: Any, universal_server: str
) -> None:
    """Five conventions of 350 parties each: 1,750 spokes. As many hubs are drawn as keep the
    graph readable (the smallest first), the others listed below the graph with a note; an
    instrument's 350 parties are folded in its details. Labels too small to read are not
    drawn, and the name of a node shows under the pointer."""
    page = Page(browser, universal_server)
    try:
        pg = page.open("?day=1950-06-01")
        drawn = pg.evaluate(
            """() => { const cy = window.foedus.network.cy;
                 return {hubs: cy.nodes('[?hub]').length, spokes: cy.edges('[?spoke]').length}; }"""
        )
        assert drawn == {"hubs": 4, "spokes": 1400}
        # a name that lists every party (as ATOP's do) is cut at a word on the graph
        hub = pg.evaluate(
            "(() => { const d = window.foedus.network.cy.$id('hub:convention-0').data();"
            " return [d.name, d.full]; })()"
        )
        assert hub[1].startswith(hub[0][:-1]) and hub[0].endswith("…") and len(hub[0]) <= 49
        note = pg.locator("#network-note").inner_text()
        assert "Not drawn" in note and "1 instrument of 350 parties" in note
        assert pg.locator("#edge-list li[data-parties]").count() == 5
        title = pg.evaluate(
            """() => { const n = window.foedus.network.cy.$id('u0001'); n.emit('mouseover');
                 return document.querySelector('#network').title; }"""
        )
        assert title == "State u0001"
        before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
        pg.locator("#edge-list li[data-parties] button.edge").first.click()
        page.details_ready(before)
        folded = pg.locator("#details details.parties")
        assert folded.locator("summary").inner_text() == "350 parties"
        assert not pg.locator("#details details.parties[open]").count()
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_an_empty_network_says_so_and_exports_nothing(browser: Any, universal_server: str) -> None:
    """Before its conventions, the corpus binds nobody and has no lane: the graph was a blank
    panel, and its PNG export a file of 0 bytes (its SVG one, a box Infinity wide)."""
    page = Page(browser, universal_server)
    try:
        pg = page.page
        pg.goto(f"{universal_server}/?day=1950-01-01")
        pg.wait_for_selector("body[data-ready='1']")
        pg.wait_for_selector("#edge-list[data-day='1950-01-01']")
        assert "Nothing to draw" in pg.locator("#network-note").inner_text()
        downloads: list[Any] = []
        pg.on("download", lambda d: downloads.append(d))
        for what in ("network-png", "network-svg"):
            pg.click(f"button[data-export='{what}']")
            pg.wait_for_function(
                "() => document.querySelector('#status-bar').textContent.includes('Nothing')"
            )
        pg.wait_for_timeout(300)
        assert downloads == []
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_a_date_that_gives_its_range_is_not_followed_by_it_again(
    browser: Any, country_server: str
) -> None:
    """An imported event's date gives its days in its words ("1950-03-01 – 1950-04-30
    (Peru's participation in dispute 7; ...)"): the details wrote them again after it."""
    page = Page(browser, country_server)
    try:
        pg = page.open("?day=1950-01-01")
        pg.fill("#search-input", "blockades the ports of Chile")
        before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
        pg.locator("#search-results button.hit").first.click()
        page.details_ready(before)
        date = pg.locator("#details dl.fields dt:text-is('date') + dd").inner_text()
        assert date.startswith("1950-03-01 – 1950-04-30 (Peru's participation")
        assert date.count("1950-03-01") == 1
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_each_search_landmark_is_named(page: Page) -> None:
    """The page has two search landmarks (the corpus's search and the question box): axe-core
    found them indistinguishable (landmark-unique) until each was named."""
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed ({AXE}; npm ci in web/)")
    pg = page.open("?day=1940-06-01")
    pg.add_script_tag(path=str(AXE))
    found = pg.evaluate(
        """async () => (await axe.run(document, {runOnly: ['landmark-unique']})).violations
             .map((v) => v.nodes.map((n) => n.target.join(' ')))"""
    )
    assert found == []


@browser_test
def test_search_lists_the_closest_names_first(browser: Any, country_server: str) -> None:
    """Every hit holds every word, anywhere: "... number 1 between" found the 520 treaties
    (their date, 1901, holds a "1") in the corpus's order, five shown, the one named last or
    not at all. The name itself comes first, then names that start with the words."""
    page = Page(browser, country_server)
    try:
        pg = page.open("?day=1950-01-01")
        pg.fill("#search-input", "treaty of friendship and commerce number 1 between")
        first = pg.locator("#search-results button.hit").first.inner_text()
        assert "number 1 between Latvia and Japan" in first, first
        pg.fill("#search-input", "Instrument 11")
        assert " Instrument 11 — " in pg.locator("#search-results button.hit").first.inner_text()
        assert page.problems == []
    finally:
        page.page.close()


@browser_test
def test_compare_is_off_for_a_corpus_of_one_perspective(
    browser: Any, world_server: str, page: Page
) -> None:
    """A generated or imported corpus has one perspective: "Compare with" offered it against
    itself, and ticking it did nothing. It is disabled there, and says why; the Baltic
    corpus's three perspectives can still be compared."""
    world = Page(browser, world_server)
    try:
        pg = world.open()
        assert pg.locator("#compare").is_disabled()
        assert "one perspective" in (pg.locator("label.check").get_attribute("title") or "")
        assert world.problems == []
    finally:
        world.page.close()
    assert page.open().locator("#compare").is_enabled()
