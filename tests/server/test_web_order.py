"""The order of the page's first draw: the timeline (and the rest of the page above the fold)
is drawn and painted before the treaty network's corpus-wide layout runs (Cytoscape's cose:
2.5 s of a large world's 3.7 s first draw, when it ran before the timeline's first draw).
Driven as tests/server/test_web.py drives chromium (its fixtures and skips); the order is
observed through the page's own state, never timed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import test_web
from test_web import Page, browser_test

# test_web's fixtures, used here by name
server = test_web.server
browser = test_web.browser

# At each animation frame until the timeline's first items are in the DOM: whether the page
# had started (window.foedus) and whether the network's corpus-wide positions were computed.
WATCH = """
(function watch() {
  if (document.querySelector('#timeline .vis-item')) {
    const net = window.foedus && window.foedus.network;
    const laidOut = Boolean(net && net.positions && net.positions.size);
    window.__firstLanes = { started: Boolean(net), laidOut };
    return;
  }
  requestAnimationFrame(watch);
})();
"""


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Page]:
    p = Page(browser, server)
    p.page.add_init_script(WATCH)
    yield p
    p.page.close()


@browser_test
def test_the_timeline_is_painted_before_the_network_is_laid_out(page: Page) -> None:
    """The network's layout ran in its constructor, before the timeline's first draw: the
    first frame with the timeline's lanes had the network's positions already computed."""
    pg = page.open()
    pg.wait_for_function("window.__firstLanes !== undefined")
    first = pg.evaluate("window.__firstLanes")
    assert first["started"], first
    assert not first["laidOut"], "the network was laid out before the timeline's first frame"
    # once settled, the network is laid out and drawn, after the timeline's first draw
    assert pg.evaluate("window.foedus.network.positions.size") > 0
    assert pg.evaluate("window.foedus.network.cy.nodes().length") > 0
    order = pg.evaluate(
        """() => [performance.getEntriesByName('foedus:first-render', 'mark')[0]?.startTime,
                  performance.getEntriesByName('foedus:network-layout', 'mark')[0]?.startTime]"""
    )
    assert None not in order and order[0] < order[1], order
    assert page.problems == []
