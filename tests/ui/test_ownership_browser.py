"""Ownership in a real headless Chromium: the unowned banner and node, shared-access edges, table
evidence on the table graph and on the service page. Screenshots at 1280x720 go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ownership.summary import unowned_summary
from tests.ui.browser import Served, wait_for_graph
from tests.ui.ownership_fixtures import DB, only_unowned, owned_and_unowned
from ui.data import build_app_data
from ui.elements import services_graph
from ui.pages.unowned import DOUBT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def owned() -> Iterator[Served]:
    served = Served(owned_and_unowned())
    yield served
    served.close()


def cy_eval(page: Any, graph_id: str, body: str, arg: Any = None) -> Any:
    """Evaluate ``body`` (an expression over ``cy`` and ``arg``) on a Cytoscape graph of the page."""
    return page.evaluate(
        f"([id, arg]) => {{ const cy = document.getElementById(id)._cyreg.cy; return {body}; }}",
        [graph_id, arg],
    )


def test_overview_banner_unowned_node_and_shared_edges(owned: Served, page: Any, artifacts_dir: Path) -> None:
    tables, into = unowned_summary(owned.inventory)
    page.goto(owned.url + "/")
    banner = page.locator("#fk-unowned-banner")
    banner.wait_for()
    text = banner.inner_text()
    assert f"{into} foreign keys point into {tables} tables no service owns" in text
    assert "fkmap init acme -o fkmap.toml" in text and "review and commit it" in text
    assert DOUBT not in text
    assert page.inner_text("[data-figure=fks_into_unowned] .figure-value") == str(into)
    services = services_graph(build_app_data(owned.inventory)).number_of_nodes()
    wait_for_graph(page, "fk-service-graph", services)  # the services; the unowned node is checked below
    assert cy_eval(page, "fk-service-graph", "cy.nodes('.unowned').length") == 1
    node = cy_eval(
        page,
        "fk-service-graph",
        "(() => { const n = cy.getElementById('unowned'); return {label: n.data('label'),"
        " border: n.style('border-style'), box: n.renderedBoundingBox({includeLabels: true}),"
        " w: cy.width(), h: cy.height()}; })()",
    )
    assert node["label"] == f"unowned ({tables} tables)" and node["border"] == "dashed"
    box = node["box"]  # drawn inside the canvas, label included
    assert box["x1"] >= 0 and box["y1"] >= 0 and box["x2"] <= node["w"] and box["y2"] <= node["h"]
    into_edges = cy_eval(page, "fk-service-graph", "cy.edges('.unowned').map(e => e.data('count'))")
    assert sorted(into_edges) == [1, 2]
    styles = cy_eval(page, "fk-service-graph", "cy.edges('.shared').map(e => e.style('line-style'))")
    assert styles == ["dotted"] * len(owned.inventory.shared_access)
    legend = page.inner_text(".legend")
    assert "Shared table" in legend and "FKs into tables no service owns" in legend
    page.screenshot(path=str(artifacts_dir / "overview-ownership-1280x720.png"))


def test_zero_cross_service_fks_are_doubted(browser: Any, artifacts_dir: Path) -> None:
    served = Served(only_unowned())
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        p = context.new_page()
        p.goto(served.url + "/")
        p.locator("#fk-unowned-banner").wait_for()
        text = p.inner_text("#fk-unowned-banner")
        assert "2 foreign keys point into 1 table no service owns" in text and DOUBT in text
        assert p.inner_text("[data-figure=cross_service_fks] .figure-value") == "0"
        p.screenshot(path=str(artifacts_dir / "overview-doubt-1280x720.png"))
    finally:
        context.close()
        served.close()


def _tap_table(page: Any, label: str) -> None:
    box = page.locator("#fk-table-graph").bounding_box()
    pos = cy_eval(
        page,
        "fk-table-graph",
        "(() => { const p = cy.nodes().filter(n => n.data('full') === arg)[0].renderedPosition();"
        " return [p.x, p.y]; })()",
        label,
    )
    page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])


def test_table_graph_details_of_a_tapped_table(owned: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(owned.url + "/tables")
    tables = len(owned.inventory.tables)
    clusters = 4  # auth, content, feed, (unassigned)
    wait_for_graph(page, "fk-table-graph", tables + clusters)
    assert "Click a table" in page.inner_text("#fk-table-details")
    _tap_table(page, f"{DB}:public.audit_log")
    page.wait_for_selector(f"#fk-table-details [data-table='{DB}:public.audit_log']")
    panel = page.inner_text("#fk-table-details")
    assert "no service owns it" in panel
    assert "read by content (content/src/audit.rs:9)" in panel and "feed/src/audit.js:4" in panel
    assert "foreign keys in (2)" in panel.lower()  # headings are upper-cased by CSS
    _tap_table(page, f"{DB}:public.users")
    page.wait_for_selector(f"#fk-table-details [data-table='{DB}:public.users']")
    panel = page.inner_text("#fk-table-details")
    assert "written by auth (auth/src/users.rs:41)" in panel and "decisive" in panel
    assert "feed writes it" in panel and "feed/src/follow.js:12" in panel
    page.screenshot(path=str(artifacts_dir / "tables-details-1280x720.png"))


def test_service_page_shared_tables_and_evidence(owned: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(owned.url + "/service/feed")
    page.wait_for_selector("#fk-shared-out-grid .ag-row")
    section = page.inner_text("#fk-shared-tables")
    assert "Shared tables (2)" in section and "No other service uses a table of feed." in section
    rows = page.evaluate(
        "async () => { const api = await dash_ag_grid.getApiAsync('fk-shared-out-grid'); const out = [];"
        " api.forEachNode(n => out.push([n.data.table, n.data.service, n.data.access, n.data.at]));"
        " return out; }"
    )
    assert sorted(rows) == [
        ["public.posts", "content", "read", "feed/src/timeline.js:88"],
        ["public.users", "auth", "write", "feed/src/follow.js:12"],
    ]
    page.locator("#fk-shared-tables").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "service-shared-1280x720.png"))
    page.locator("#fk-service-tables-grid .ag-row").filter(has_text="public.local_users").click()
    page.wait_for_selector(f"#fk-service-table-details [data-table='{DB}:public.local_users']")
    panel = page.inner_text("#fk-service-table-details")
    assert "a local copy of auth's data" in panel and "replica-of" in panel
    page.locator("#fk-service-table-details").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "service-evidence-1280x720.png"))
    page.screenshot(path=str(artifacts_dir / "service-full.png"), full_page=True)


def test_service_page_lists_who_uses_its_tables(owned: Served, page: Any) -> None:
    page.goto(owned.url + "/service/auth")
    page.wait_for_selector("#fk-shared-in-grid .ag-row")
    section = page.inner_text("#fk-shared-tables")
    assert "auth uses no other service's table." in section
    for where in ("content/src/authors.rs:30", "feed/src/follow.js:12", "notifier/src/main.rs:5"):
        assert where in section
