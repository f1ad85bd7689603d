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
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from foedus.server import explorer

ROOT = Path(__file__).resolve().parent.parent
STATIC = Path(explorer.__file__).parent / "static"
ARTIFACTS = ROOT / "test-artifacts"
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


def _get(path: str, **params: Any) -> httpx.Response:
    """GET on a bare app with only the explorer's routes (it serves the bundled corpus)."""
    from fastapi import FastAPI

    from foedus.server import errors

    app = FastAPI()
    errors.install(app)
    app.include_router(explorer.router)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.get(path, params=params)

    return asyncio.run(go())


def test_overview_has_the_baltic_lanes_under_every_perspective() -> None:
    data = _get("/api/v1/explorer/overview").json()
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
    net = _get("/api/v1/explorer/network", on="1940-06-01").json()
    pair = {
        e["instrument"]["id"]
        for e in net["edges"]
        if {e["source"], e["target"]} == {"latvia", "ussr"}
    }
    assert pair == LATVIA_USSR_1940_06_01
    assert {"latvia", "ussr"} <= {n["id"] for n in net["nodes"]}


def test_network_flags_edges_breached_that_day() -> None:
    net = _get("/api/v1/explorer/network", on="1940-06-15", perspective="non-recognition").json()
    breached = {e["id"] for e in net["edges"] if e["breaches"]}
    assert "convention-for-the-definition-of-aggression:latvia:ussr" in breached


def test_network_refuses_a_bad_day() -> None:
    r = _get("/api/v1/explorer/network", on="1940-13-01")
    assert r.status_code == 400
    assert "1940-13-01" in r.json()["error"]["message"]


def test_source_by_id_only() -> None:
    r = _get("/api/v1/explorer/source/baltic-soviet-relations")
    assert r.status_code == 200
    assert "Treaty of Riga on 11 August 1920" in r.json()["text"]
    for bad in ("nope", "..", "sources", "baltic-soviet-relations.txt", "..%2Fcorpus.yaml"):
        r = _get(f"/api/v1/explorer/source/{bad}")
        assert r.status_code == 404, bad
        assert "text" not in r.json()


def test_a_corpus_without_sources_metadata_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """corpus.yaml's ``sources:`` is optional: without it the explorer titles each source by
    its id (it once read an undeclared field and answered 500)."""
    from foedus.server.app import create_app

    monkeypatch.setenv("FOEDUS_CACHE_DIR", str(tmp_path / "cache"))
    good = ROOT / "tests" / "corpora" / "good"
    assert "sources:" not in (good / "corpus.yaml").read_text(encoding="utf-8")
    app = create_app(good, static_dir=None, log=None, warm=False)

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


browser_test = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``foedus serve`` on a free port; its base URL."""
    if _skip_reason():
        pytest.skip(_skip_reason() or "")
    port = _free_port()
    env = {
        **os.environ,
        "FOEDUS_CACHE_DIR": os.environ.get("FOEDUS_CACHE_DIR")
        or str(tmp_path_factory.mktemp("web-cache")),
    }
    env.pop("FOEDUS_DEBUG", None)
    probe = subprocess.run(
        [sys.executable, "-m", "foedus", "serve", "--help"], capture_output=True, text=True, env=env
    )
    module = "foedus" if probe.returncode == 0 else "foedus.server.cli"
    log = tmp_path_factory.mktemp("web-log") / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
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
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.base = base

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
    shown = set(pair.evaluate_all("(els) => els.map((e) => e.dataset.instrument)"))
    assert shown == LATVIA_USSR_1940_06_01
    assert "molotov-ribbentrop-pact" not in shown
    drawn = pg.evaluate(
        "window.foedus.network.cy.edges().map((e) => e.id())"
        ".filter((id) => id.endsWith(':latvia:ussr'))"
    )
    assert {d.split(":")[0] for d in drawn} == LATVIA_USSR_1940_06_01
    assert pg.locator("#map path[data-actor='latvia']").get_attribute("data-status") == (
        "independent"
    )
    page.shot("network-1940-06-01")
    pg.keyboard.press("Shift+ArrowRight")  # a year on: the Soviet Union holds Latvia
    pg.wait_for_selector("#edge-list[data-day='1941-06-01']")
    assert pg.locator("#map path[data-actor='latvia']").get_attribute("data-status") != (
        "independent"
    )
    assert page.problems == []


@browser_test
def test_breach_shows_its_quote_marked_in_the_source(page: Page) -> None:
    pg = page.open()
    pg.select_option("#perspective", "non-recognition")
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


@browser_test
def test_keyboard_opens_a_period_and_a_map_state(page: Page) -> None:
    pg = page.open()
    item = pg.locator(
        "[data-item^='period:de-facto:latvia:'][aria-label*='part of Soviet Union, 1944-12-31']"
    )
    before = pg.evaluate("document.querySelector('#details').dataset.ready || null")
    item.wait_for(state="visible")  # vis-timeline shows its items after its first redraw
    item.focus()
    pg.keyboard.press("Enter")
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
