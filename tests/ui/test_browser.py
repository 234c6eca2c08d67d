"""The dashboard in a real headless Chromium (Playwright, /usr/bin/chromium).

Expected figures are computed from the analysis functions, independently of
the UI, and compared with what the page shows. Screenshots go to the test's
artifacts folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.analysis import cross_service_fks, headline_figures, service_graph
from graph.build import build_graph
from graph.impact import service_impact
from tests.ui.browser import Served, click_node, cy_count, wait_for_graph
from tests.ui.fixtures import HOSTILE, HOSTILE_SERVICE, hostile
from ui.data import build_app_data
from ui.pages.overview import HEADLINES, format_figure, overview_totals

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def evil() -> Iterator[Served]:
    served = Served(hostile())
    yield served
    served.close()


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


def test_clicking_a_service_expands_and_collapses_it(demo: Served, page: Any, artifacts_dir: Path) -> None:
    S = service_graph(build_graph(demo.inventory))
    service = max(S.nodes, key=lambda n: (S.nodes[n]["tables"], n))
    tables = S.nodes[service]["tables"]
    page.goto(demo.url + "/")
    wait_for_graph(page, "fk-service-graph", S.number_of_nodes())
    click_node(page, "fk-service-graph", service)
    wait_for_graph(page, "fk-service-graph", S.number_of_nodes() + tables)
    children = page.evaluate(
        "(s) => document.getElementById('fk-service-graph')._cyreg.cy.nodes()"
        ".filter(n => n.data('service') === s && n.isParent())[0].children().length",
        service,
    )
    assert children == tables
    assert "expand=" in page.url
    page.screenshot(path=str(artifacts_dir / "overview-expanded.png"))
    click_node(page, "fk-service-graph", service)
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
