"""The aggregated table graph keeps its state in the URL, in a real headless Chromium (Playwright).

Beyond ``ui.lod.LOD_TABLES`` tables the table graph draws one node per service;
the services opened with a tap and a threshold chosen beside the graph are in
the URL, so a reload, Back/Forward and the link in a fresh browser context all
draw the same services table by table. Expected counts come from the inventory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.ui.browser import Served
from tests.ui.fixtures import generated
from ui.lod import LOD_TABLES

pytestmark = pytest.mark.browser

GRAPH = "fk-table-graph"
#: Tables drawn one by one, by service.
DRAWN = """() => { const cy = document.getElementById('fk-table-graph')._cyreg.cy;
  const found = {}; cy.nodes('.table').forEach(n => { const s = n.data('service');
    found[s] = (found[s] || 0) + 1; }); return found; }"""


@pytest.fixture(scope="module")
def big() -> Iterator[Served]:
    served = Served(generated(LOD_TABLES + 500, 12))
    yield served
    served.close()


def _per_service(served: Served) -> Counter[str]:
    return Counter(t.service or "" for t in served.inventory.tables)


def _draws(page: Any) -> int:
    return int(page.evaluate("() => window.fkmapDraws || 0"))


def _wait_draw(page: Any, after: int) -> None:
    page.wait_for_function(f"() => (window.fkmapDraws || 0) > {after}", timeout=30000)
    page.wait_for_timeout(400)


def _opened(url: str) -> list[str]:
    return parse_qs(urlparse(url).query).get("open", [])


def _node_on_canvas(page: Any, service: str) -> list[float] | None:
    pos: list[float] | None = page.evaluate(
        "(s) => { const cy = document.getElementById('fk-table-graph')._cyreg.cy;"
        " const n = cy.nodes('.aggregate').filter(x => x.data('service') === s)[0];"
        " if (!n) return null; const p = n.renderedPosition();"
        " const inside = p.x > 20 && p.y > 20 && p.x < cy.width() - 20 && p.y < cy.height() - 20;"
        " return inside ? [p.x, p.y] : null; }",
        service,
    )
    return pos


def _open(page: Any, service: str) -> None:
    """Tap a service's node as a user would: zoom out with the wheel until it is on the canvas."""
    box = page.locator(f"#{GRAPH}").bounding_box()
    for _ in range(12):
        pos = _node_on_canvas(page, service)
        if pos is not None:
            break
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(250)
    assert pos is not None, service
    before = _draws(page)
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    _wait_draw(page, before)


def test_opened_services_survive_reload_back_and_a_fresh_context(
    big: Served, page: Any, browser: Any, artifacts_dir: Path
) -> None:
    counts = _per_service(big)
    page.goto(big.url + "/tables")
    _wait_draw(page, 0)
    assert page.evaluate(DRAWN) == {}
    _open(page, "svc_03")
    page.wait_for_function("() => location.search.includes('open=svc_03')")
    assert page.evaluate(DRAWN) == {"svc_03": counts["svc_03"]}
    _open(page, "svc_07")
    page.wait_for_function("() => location.search.includes('open=svc_07')")
    both = {"svc_03": counts["svc_03"], "svc_07": counts["svc_07"]}
    assert page.evaluate(DRAWN) == both and _opened(page.url) == ["svc_03", "svc_07"]
    assert page.get_attribute("#fk-table-stats .stats", "data-aggregated") == str(len(counts) - 2)
    page.screenshot(path=str(artifacts_dir / "two-opened.png"))
    link = page.url

    page.reload()
    _wait_draw(page, 0)
    assert page.evaluate(DRAWN) == both and _opened(page.url) == ["svc_03", "svc_07"]

    before = _draws(page)
    page.go_back()
    _wait_draw(page, before)
    assert _opened(page.url) == ["svc_03"]
    assert page.evaluate(DRAWN) == {"svc_03": counts["svc_03"]}
    before = _draws(page)
    page.go_forward()
    _wait_draw(page, before)
    assert page.evaluate(DRAWN) == both

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        fresh = context.new_page()
        fresh.goto(link)
        _wait_draw(fresh, 0)
        assert fresh.evaluate(DRAWN) == both
        assert fresh.get_attribute("#fk-table-stats .stats", "data-aggregated") == str(len(counts) - 2)
    finally:
        context.close()


def test_the_threshold_the_user_chose_is_in_the_url(big: Served, page: Any) -> None:
    page.goto(big.url + "/tables?open=svc_01")
    _wait_draw(page, 0)
    before = _draws(page)
    page.get_by_text("1,000 tables").click()
    page.wait_for_function("() => location.search.includes('lod=1000')")
    _wait_draw(page, before)
    assert _opened(page.url) == ["svc_01"]
    page.reload()
    _wait_draw(page, 0)
    assert page.is_checked("#fk-filter-lod input[value='1000']")
    assert page.evaluate(DRAWN) == {"svc_01": _per_service(big)["svc_01"]}
    before = _draws(page)
    page.go_back()
    _wait_draw(page, before)
    assert "lod=" not in page.url and page.is_checked(f"#fk-filter-lod input[value='{LOD_TABLES}']")
