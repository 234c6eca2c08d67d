"""The dashboard on a projector and at size, in a real headless Chromium (Playwright, /usr/bin/chromium).

Presentation mode at 1280x720: node labels rendered at 12 px or more (font
size times zoom, read from Cytoscape), no two overview labels overlapping, no
arrowhead under a label. From 15 services the overview leads with the ranked
dependencies and draws the strongest couplings; expanding a service leaves it
and the others where they were; an all-zero matrix is neutral. Beyond
``ui.lod.LOD_TABLES`` tables the table graph draws one node per service and
opens one on a tap. Expected counts come from the analysis functions, not the UI.
Screenshots go to the test's artifacts folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from graph.analysis import service_graph
from graph.build import build_graph
from model.inventory import Inventory
from tests.ui.browser import Served, click_node, wait_for_graph
from tests.ui.fixtures import generated, six_services
from ui.lod import LOD_TABLES

pytestmark = pytest.mark.browser

#: Every drawn service label: [label, rendered px, label box, node box] in model coordinates.
LABELS = """(id) => { const cy = document.getElementById(id)._cyreg.cy;
  return cy.nodes('.service, .aggregate, .table').map(n => [
    n.data('label'), parseFloat(n.style('font-size')) * cy.zoom(),
    n.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true}),
    n.boundingBox({includeNodes: true, includeEdges: false, includeLabels: false}),
    n.id()]); }"""
#: Every edge's arrowhead: its tip and a point one arrowhead back along the edge.
ARROWS = """(id) => { const cy = document.getElementById(id)._cyreg.cy;
  return cy.edges().filter(e => e.style('target-arrow-shape') !== 'none').map(e => {
    const t = e.targetEndpoint(), m = e.midpoint();
    const d = Math.hypot(m.x - t.x, m.y - t.y) || 1, len = 10 * parseFloat(e.style('arrow-scale'));
    const back = [t.x + (m.x - t.x) / d * len, t.y + (m.y - t.y) / d * len];
    return [e.source().id(), e.target().id(), [t.x, t.y], back];
  }); }"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]


def _inside(p: list[float], box: dict[str, float]) -> bool:
    return box["x1"] <= p[0] <= box["x2"] and box["y1"] <= p[1] <= box["y2"]


def _served(inv: Inventory) -> Iterator[Served]:
    served = Served(inv)
    yield served
    served.close()


@pytest.fixture(scope="module")
def twenty() -> Iterator[Served]:
    """2,000 tables in 20 services (the bench's M shape)."""
    yield from _served(generated(2000, 20))


def _services(inv: Inventory) -> int:
    return int(service_graph(build_graph(inv)).number_of_nodes())


def _assert_readable_and_apart(page: Any, graph_id: str) -> list[Any]:
    labels: list[Any] = page.evaluate(LABELS, graph_id)
    assert labels
    small = [(name, round(px, 1)) for name, px, *_ in labels if px < 12]
    assert small == [], small
    for i, (name, _, box, _, _) in enumerate(labels):
        for other, _, other_box, other_body, _ in labels[i + 1 :]:
            assert not _overlap(box, other_box), (name, other)
            assert not _overlap(box, other_body), (name, other)
    return labels


def test_presentation_overview_labels_are_large_and_apart(
    demo: Served, page: Any, artifacts_dir: Path
) -> None:
    page.goto(demo.url + "/?present=1")
    wait_for_graph(page, "fk-service-graph", _services(demo.inventory))
    page.screenshot(path=str(artifacts_dir / "overview-present-1280x720.png"))
    labels = _assert_readable_and_apart(page, "fk-service-graph")
    assert len(labels) == _services(demo.inventory)


@pytest.mark.parametrize("query", ["?present=1", ""], ids=["presentation", "normal"])
def test_no_arrowhead_ends_under_a_label(demo: Served, page: Any, query: str) -> None:
    page.goto(demo.url + "/" + query)
    wait_for_graph(page, "fk-service-graph", _services(demo.inventory))
    labels = page.evaluate(LABELS, "fk-service-graph")
    arrows = page.evaluate(ARROWS, "fk-service-graph")
    assert arrows
    names = {node_id: name.split("\n")[0] for name, _, _, _, node_id in labels}
    assert ("messaging", "auth") in {(names.get(s), names.get(t)) for s, t, _, _ in arrows}
    for source, target, tip, back in arrows:
        for name, _, box, _, _ in labels:
            assert not _inside(tip, box) and not _inside(back, box), (
                names.get(source),
                names.get(target),
                name,
            )


def test_presentation_table_graph_opens_readable(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/tables?present=1")
    page.wait_for_function("() => (window.fkmapDraws || 0) >= 1")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "tables-present-1280x720.png"))
    labels = page.evaluate(LABELS, "fk-table-graph")
    assert len(labels) == len([t for t in demo.inventory.tables if not t.external and t.dropped_at is None])
    assert min(px for _, px, *_ in labels) >= 12


def test_large_overview_leads_with_ranked_list_and_threshold(
    twenty: Served, page: Any, artifacts_dir: Path
) -> None:
    S = service_graph(build_graph(twenty.inventory))
    weights = sorted((w for _, _, w in S.edges(data="weight")), reverse=True)
    page.goto(twenty.url + "/?present=1")
    page.wait_for_selector("#fk-overview-ranked li")
    shown = [
        int(x)
        for x in page.eval_on_selector_all("#fk-overview-ranked li", "els => els.map(e => e.dataset.fks)")
    ]
    assert shown == weights[: len(shown)] and len(shown) >= 10
    coupling = (  # -1 while the graph is not there (a reload)
        "() => { const el = document.getElementById('fk-service-graph');"
        " if (!el || !el._cyreg || !el._cyreg.cy) return -1;"
        " return el._cyreg.cy.edges().filter(e =>"
        " e.source().hasClass('service') && e.target().hasClass('service')"
        " && !e.hasClass('shared')).length; }"
    )
    page.wait_for_function(f"() => ({coupling})() === 20")
    page.screenshot(path=str(artifacts_dir / "overview-20-services-present.png"))
    _assert_readable_and_apart(page, "fk-service-graph")
    page.get_by_text("10 strongest").click()
    page.wait_for_function(f"() => ({coupling})() === 10")
    page.wait_for_function("() => location.search === '?top=10&present=1'")
    page.get_by_text(f"all {S.number_of_edges()}").click()
    page.wait_for_function(f"() => ({coupling})() === {S.number_of_edges()}")
    page.wait_for_function("() => location.search === '?top=all&present=1'")
    # the choice is in the link: a reload draws the same couplings with the same choice checked
    page.reload()
    page.wait_for_function(f"() => ({coupling})() === {S.number_of_edges()}")
    assert page.locator("#fk-overview-top input:checked").evaluate("e => e.value") == "0"
    page.go_back()  # to ?top=10: the page is drawn again from the URL
    page.wait_for_function(f"() => ({coupling})() === 10")
    assert page.evaluate("location.search") == "?top=10&present=1"


def test_expanding_a_service_keeps_it_and_the_others_in_place(demo: Served, page: Any) -> None:
    page.goto(demo.url + "/")
    services = _services(demo.inventory)
    wait_for_graph(page, "fk-service-graph", services)
    where = (
        "() => Object.fromEntries(document.getElementById('fk-service-graph')._cyreg.cy.nodes()"
        ".filter(n => n.data('kind') !== 'table').map(n => [n.data('service'),"
        " [n.position('x'), n.position('y'), n.boundingBox({includeLabels: true})]]))"
    )
    before = page.evaluate(where)
    click_node(page, "fk-service-graph", "messaging")
    page.wait_for_function(
        "() => document.getElementById('fk-service-graph')._cyreg.cy.nodes('.cluster').length"
    )
    page.wait_for_timeout(300)
    after = page.evaluate(where)
    x, y, cluster = after["messaging"]
    assert abs(x - before["messaging"][0]) < 2 and abs(y - before["messaging"][1]) < 2
    others = [s for s in before if s != "messaging"]
    for axis in (0, 1):  # the others made room: same side of the cluster, same order among themselves
        assert [s for s in sorted(others, key=lambda s: before[s][axis])] == sorted(
            others, key=lambda s: after[s][axis]
        )
        for s in others:
            assert (before[s][axis] > before["messaging"][axis]) == (
                after[s][axis] > after["messaging"][axis]
            )
    for s in others:
        assert not _overlap(after[s][2], cluster), s


def test_all_zero_matrix_is_neutral(browser: Any, artifacts_dir: Path) -> None:
    inv = six_services()
    owner = {t.ref: t.service for t in inv.tables}
    internal = tuple(fk for fk in inv.foreign_keys if owner.get(fk.table) == owner.get(fk.ref_table))
    served = Served(replace(inv, foreign_keys=internal))
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(served.url + "/")
        page.wait_for_selector("#fk-matrix .hm image, #fk-matrix image")
        page.locator("#fk-matrix").screenshot(path=str(artifacts_dir / "matrix-all-zero.png"))
        reds = page.evaluate(
            """() => new Promise(resolve => {
                 const img = document.querySelector('#fk-matrix image');
                 const src = img.getAttribute('href') || img.getAttribute('xlink:href');
                 const im = new Image();
                 im.onload = () => {
                   const c = document.createElement('canvas'); c.width = im.width; c.height = im.height;
                   const g = c.getContext('2d'); g.drawImage(im, 0, 0);
                   const d = g.getImageData(0, 0, c.width, c.height).data;
                   let red = 0, all = 0;
                   for (let i = 0; i < d.length; i += 4) {
                     if (d[i + 3] > 0) { all++; if (d[i] - d[i + 2] > 40) red++; }
                   }
                   resolve([red, all]);
                 };
                 im.src = src;
               })"""
        )
        assert reds[1] > 0 and reds[0] == 0, reds
    finally:
        context.close()
        served.close()


def test_table_graph_aggregates_services_beyond_the_threshold(browser: Any, artifacts_dir: Path) -> None:
    inv = generated(LOD_TABLES + 1000, 40)
    per_service = {s: sum(1 for t in inv.tables if t.service == s) for s in {t.service for t in inv.tables}}
    served = Served(inv)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(served.url + "/tables?present=1")
        page.wait_for_function("() => (window.fkmapDraws || 0) >= 1", timeout=30000)
        counts = (
            "() => { const cy = document.getElementById('fk-table-graph')._cyreg.cy;"
            " return [cy.nodes('.aggregate').length, cy.nodes('.table').length, cy.elements().length]; }"
        )
        aggregates, tables, elements = page.evaluate(counts)
        assert (aggregates, tables) == (len(per_service), 0)
        assert elements <= len(per_service) * len(per_service)
        assert page.get_attribute("#fk-table-stats .stats", "data-tables") == str(len(inv.tables))
        assert min(px for _, px, *_ in page.evaluate(LABELS, "fk-table-graph")) >= 12
        page.screenshot(path=str(artifacts_dir / "tables-aggregated-present.png"))
        click_node(page, "fk-table-graph", "svc_03")
        page.wait_for_function("() => (window.fkmapDraws || 0) >= 2", timeout=30000)
        aggregates, tables, _ = page.evaluate(counts)
        assert (aggregates, tables) == (len(per_service) - 1, per_service["svc_03"])
        page.wait_for_timeout(300)
        on_screen = page.evaluate(  # the view moved to the opened tables, readable
            "() => { const cy = document.getElementById('fk-table-graph')._cyreg.cy, e = cy.extent();"
            " return cy.nodes('.table').filter(n => { const p = n.position();"
            " return p.x > e.x1 && p.x < e.x2 && p.y > e.y1 && p.y < e.y2; }).length; }"
        )
        assert on_screen > 0
        assert min(px for _, px, *_ in page.evaluate(LABELS, "fk-table-graph")) >= 12
        page.screenshot(path=str(artifacts_dir / "tables-aggregated-one-open.png"))
    finally:
        context.close()
        served.close()
