"""The dashboard in a real headless Chromium (Playwright, /usr/bin/chromium).

Expected figures are computed from the analysis functions, independently of
the UI, and compared with what the page shows. Screenshots go to the test's
artifacts folder.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.analysis import cross_service_fks, headline_figures, service_graph
from graph.build import build_graph
from graph.impact import service_impact
from model.inventory import Inventory
from tests.ui.fixtures import HOSTILE, HOSTILE_SERVICE, hostile, six_services
from ui.data import build_app_data
from ui.pages.overview import HEADLINES, format_figure, overview_totals

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def demo_inventory() -> Inventory:
    """The bundled demo through scan.scan, or the hand-made fixture while ingest is not there yet."""
    try:
        from ownership.scan import scan

        inv = scan([str(ROOT / "examples" / "demo")])
    except Exception:
        return six_services()
    return inv if inv.tables and inv.foreign_keys else six_services()


class Served:
    """A create_app instance served by werkzeug on 127.0.0.1 and a free port."""

    def __init__(self, inventory: Inventory) -> None:
        from werkzeug.serving import make_server

        from app import create_app

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.inventory = inventory
        self.state = str(Path(tempfile.mkdtemp(prefix="fkmap-served-")) / "state.db")  # never the checkout's
        app = create_app(inventory=inventory, state=self.state)
        self.server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="module")
def demo() -> Iterator[Served]:
    served = Served(demo_inventory())
    yield served
    served.close()


@pytest.fixture(scope="module")
def evil() -> Iterator[Served]:
    served = Served(hostile())
    yield served
    served.close()


def cy_count(page: Any, graph_id: str, what: str) -> int:
    return int(page.evaluate(f"() => document.getElementById('{graph_id}')._cyreg.cy.{what}.length"))


def wait_for_graph(page: Any, graph_id: str, nodes: int) -> None:
    page.wait_for_function(
        "([id, n]) => { const el = document.getElementById(id);"
        " return !!(el && el._cyreg && el._cyreg.cy && el._cyreg.cy.nodes().not('.unowned').length === n); }",
        arg=[graph_id, nodes],
        timeout=15000,
    )
    page.wait_for_timeout(300)


def test_overview_shows_the_expected_figures(demo: Served, page: Any, artifacts_dir: Path) -> None:
    figures = headline_figures(demo.inventory)
    page.goto(demo.url + "/")
    page.wait_for_selector("[data-figure=tables] .figure-value")
    figures = {**figures, **overview_totals(build_app_data(demo.inventory))}  # two cards: remediation totals
    for key, _ in HEADLINES:
        shown = page.inner_text(f"[data-figure={key}] .figure-value")
        assert shown == format_figure(key, figures[key]), key
    services = service_graph(build_graph(demo.inventory)).number_of_nodes()
    wait_for_graph(page, "fk-service-graph", services)
    # the foreign-key dependencies; shared-table and unowned edges are drawn apart (test_ownership_browser),
    # inferred references too: one dashed edge per pair that has any (test_inferred_browser)
    assert (
        cy_count(page, "fk-service-graph", "edges().not('.shared, .unowned, .inferred')")
        == figures["service_dependencies"]
    )
    S = service_graph(build_graph(demo.inventory))
    inferred_pairs = sum(1 for _, _, n in S.edges(data="inferred") if n)
    assert cy_count(page, "fk-service-graph", "edges('.inferred')") == inferred_pairs
    page.screenshot(path=str(artifacts_dir / "overview-1280x720.png"))
    page.screenshot(path=str(artifacts_dir / "overview-full.png"), full_page=True)


def _click_node(page: Any, graph_id: str, service: str) -> None:
    page.locator(f"#{graph_id}").scroll_into_view_if_needed()
    # Cytoscape maps clicks with the container position it cached: let the scroll event reach it first
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    box = page.locator(f"#{graph_id}").bounding_box()
    pos = page.evaluate(
        "([id, s]) => { const cy = document.getElementById(id)._cyreg.cy;"
        " const n = cy.nodes().filter(x => x.data('service') === s && x.data('kind') !== 'table')[0];"
        " if (n.isParent()) { const b = n.renderedBoundingBox({includeLabels: false});"
        "   return [b.x2 - 6, b.y2 - 6]; }"
        " const p = n.renderedPosition(); return [p.x, p.y]; }",
        [graph_id, service],
    )
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])


def test_clicking_a_service_expands_and_collapses_it(demo: Served, page: Any, artifacts_dir: Path) -> None:
    S = service_graph(build_graph(demo.inventory))
    service = max(S.nodes, key=lambda n: (S.nodes[n]["tables"], n))
    tables = S.nodes[service]["tables"]
    page.goto(demo.url + "/")
    wait_for_graph(page, "fk-service-graph", S.number_of_nodes())
    _click_node(page, "fk-service-graph", service)
    wait_for_graph(page, "fk-service-graph", S.number_of_nodes() + tables)
    children = page.evaluate(
        "(s) => document.getElementById('fk-service-graph')._cyreg.cy.nodes()"
        ".filter(n => n.data('service') === s && n.isParent())[0].children().length",
        service,
    )
    assert children == tables
    assert "expand=" in page.url
    page.screenshot(path=str(artifacts_dir / "overview-expanded.png"))
    _click_node(page, "fk-service-graph", service)
    wait_for_graph(page, "fk-service-graph", S.number_of_nodes())
    assert "expand=" not in page.url


def test_service_page_lists_the_expected_fks(demo: Served, page: Any, artifacts_dir: Path) -> None:
    G = build_graph(demo.inventory, include_dropped=True)
    S = service_graph(G)
    service = max(S.nodes, key=lambda n: (S.in_degree(n, weight="weight"), n))
    impact = service_impact(G, service)
    expected = sorted(r.name for r in (*impact.outgoing, *impact.incoming))
    page.goto(f"{demo.url}/service/{service}")
    page.wait_for_selector("#fk-impact-grid .ag-row")
    names = page.evaluate(
        "async () => { const api = await dash_ag_grid.getApiAsync('fk-impact-grid'); const out = [];"
        " api.forEachNodeAfterFilterAndSort(n => out.push(n.data.name)); return out; }"
    )
    assert sorted(names) == expected
    assert page.locator("h2.service-name").inner_text() == service
    page.screenshot(path=str(artifacts_dir / "service-page.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#fk-impact-export")
    assert download.value.suggested_filename == f"fkmap-{service}-impact.csv"


def test_filter_changes_the_graph(demo: Served, page: Any, artifacts_dir: Path) -> None:
    G = build_graph(demo.inventory)
    tables = sum(1 for _, d in G.nodes(data=True) if not d["external"])
    page.goto(demo.url + "/tables")
    page.wait_for_selector("#fk-table-graph")
    page.wait_for_function(
        "(n) => { const el = document.getElementById('fk-table-graph');"
        " return !!(el && el._cyreg && el._cyreg.cy.edges().length === n); }",
        arg=G.number_of_edges(),
    )
    before = cy_count(page, "fk-table-graph", "edges()")
    assert cy_count(page, "fk-table-graph", "nodes('.table')") == tables
    page.screenshot(path=str(artifacts_dir / "tables-before.png"))
    page.get_by_text("Only cross-service FKs").click()
    cross = len(cross_service_fks(G))
    page.wait_for_function(
        "(n) => document.getElementById('fk-table-graph')._cyreg.cy.edges().length === n", arg=cross
    )
    after = cy_count(page, "fk-table-graph", "edges()")
    assert (before, after) == (G.number_of_edges(), cross) and after < before
    assert "cross=1" in page.url
    assert page.get_attribute("#fk-table-stats .stats", "data-edges") == str(cross)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "tables-cross-only.png"))
    # the URL reproduces the view
    page.goto(page.url)
    page.wait_for_function(
        "(n) => { const el = document.getElementById('fk-table-graph');"
        " return !!(el && el._cyreg && el._cyreg.cy.edges().length === n); }",
        arg=cross,
    )


def test_presentation_mode(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/tables?present=1")
    page.wait_for_selector(".app.present")
    assert not page.locator(".filter-controls").is_visible()
    page.screenshot(path=str(artifacts_dir / "tables-present.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(demo.url + "/?present=1")
    page.wait_for_selector(".app.present [data-figure=tables]")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifacts_dir / "overview-present-1920.png"))
    page.click("#fk-present-toggle")
    page.wait_for_function("() => !document.querySelector('.app.present')")
    assert "present=1" not in page.url


def test_diagnostics_page(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/diagnostics")
    page.wait_for_selector("#fk-diag-grid .ag-root")
    count = page.evaluate(
        "async () => (await dash_ag_grid.getApiAsync('fk-diag-grid')).getDisplayedRowCount()"
    )
    assert count == len(demo.inventory.diagnostics)
    page.screenshot(path=str(artifacts_dir / "diagnostics.png"))


def test_hostile_names_render_as_text(evil: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(evil.url + "/tables")
    wait_for_graph(page, "fk-table-graph", 4)
    labels = page.evaluate(
        "() => document.getElementById('fk-table-graph')._cyreg.cy.nodes().map(n => n.data('label'))"
    )
    assert HOSTILE in labels
    page.goto(evil.url + "/?expand=" + HOSTILE_SERVICE.replace("<", "%3C").replace(">", "%3E"))
    page.wait_for_selector(".service-list")
    assert page.get_by_text(HOSTILE_SERVICE, exact=True).first.is_visible()
    page.get_by_text(HOSTILE_SERVICE, exact=True).first.click()
    page.wait_for_selector("#fk-impact-grid .ag-row")
    assert page.locator("h2.service-name").inner_text() == HOSTILE_SERVICE
    assert page.get_by_text(f"public.{HOSTILE}.<i>user_id</i>", exact=True).is_visible()
    page.screenshot(path=str(artifacts_dir / "hostile-service.png"), full_page=True)
    page.goto(evil.url + "/diagnostics")
    page.wait_for_selector("#fk-diag-grid .ag-row")
    assert page.get_by_text("<script>alert(3)</script>", exact=True).is_visible()
    assert page.get_by_text("<svg onload=alert(4)>", exact=True).is_visible()
    assert page.locator("img[src='x'], svg[onload]").count() == 0
