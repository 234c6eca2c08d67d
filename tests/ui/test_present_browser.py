"""Presentation mode on a 1280x720 projector, in a real headless Chromium (Playwright, /usr/bin/chromium).

Every label drawn is at least 12 px on screen (its font size times the zoom, read
from Cytoscape): the overview with services expanded opens close enough to read
their tables, labels a zoom-out would shrink below 12 px are not drawn until the
view zooms in again, on the overview and on the table graph. With one service
expanded no two labels overlap. Screenshots go to the test's artifacts folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.analysis import service_graph
from graph.build import build_graph
from tests.ui.browser import Served, click_node, wait_for_graph, wait_settled
from ui.service_elements import PRESENT_FONT

pytestmark = pytest.mark.browser

MIN_PX = 12
#: Labels drawn: [label, px on screen, label box in model coordinates, id, whether a node]; hidden
#: ones (text-opacity 0) left out.
DRAWN = """(id) => { const cy = document.getElementById(id)._cyreg.cy;
  return cy.elements().filter(e => e.visible() && e.style('label') !== ''
      && parseFloat(e.style('text-opacity')) > 0 && !!e.data('label'))
    .map(e => [e.data('label'), parseFloat(e.style('font-size')) * cy.zoom(),
      e.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true}),
      e.id(), e.isNode()]); }"""
#: Every labelled element of the graph: [id, its font size, whether a node].
LABELLED = """(id) => document.getElementById(id)._cyreg.cy.elements().filter(e => !!e.data('label'))
  .map(e => [e.id(), parseFloat(e.style('font-size')), e.isNode()])"""


def _services(served: Served) -> int:
    return int(service_graph(build_graph(served.inventory)).number_of_nodes())


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]


def _drawn(page: Any, graph_id: str) -> list[Any]:
    """The labels drawn, after asserting each is at least MIN_PX on screen."""
    drawn: list[Any] = page.evaluate(DRAWN, graph_id)
    small = [(label, round(px, 2)) for label, px, *_ in drawn if px < MIN_PX]
    assert small == [], small
    return drawn


def _expand(page: Any, served: Served, service: str) -> None:
    click_node(page, "fk-service-graph", service)
    page.wait_for_function(
        "(s) => document.getElementById('fk-service-graph')._cyreg.cy.nodes('.cluster')"
        ".filter(n => n.data('service') === s).length === 1",
        arg=service,
    )
    wait_settled(page, "fk-service-graph")


def test_overview_with_a_service_expanded_reads_at_12_px_without_overlaps(
    demo: Served, page: Any, artifacts_dir: Path
) -> None:
    page.goto(demo.url + "/?present=1")
    wait_for_graph(page, "fk-service-graph", _services(demo))
    _expand(page, demo, "messaging")
    page.screenshot(path=str(artifacts_dir / "overview-present-messaging-expanded.png"))
    drawn = _drawn(page, "fk-service-graph")
    labelled = page.evaluate(LABELLED, "fk-service-graph")
    cluster_tables = page.evaluate(
        "() => document.getElementById('fk-service-graph')._cyreg.cy.nodes('.cluster').children()"
        ".map(n => n.id())"
    )
    assert cluster_tables
    # the view zoomed in until the smallest labels (the expanded service's tables) read: none is hidden
    assert {i for _, _, _, i, node in drawn if node} == {i for i, _, node in labelled if node}
    nodes = [(label, box) for label, _, box, _, node in drawn if node]
    for k, (label, box) in enumerate(nodes):
        for other, other_box in nodes[k + 1 :]:
            assert not _overlap(box, other_box), (label, other)
    # and the expanded service is on the screen
    shown = page.evaluate(
        "() => { const cy = document.getElementById('fk-service-graph')._cyreg.cy, e = cy.extent(),"
        " b = cy.nodes('.cluster').boundingBox(); return b.x1 >= e.x1 && b.x2 <= e.x2"
        " && b.y1 >= e.y1 && b.y2 <= e.y2; }"
    )
    assert shown


def test_overview_with_two_services_expanded_reads_at_12_px(
    demo: Served, page: Any, artifacts_dir: Path
) -> None:
    page.goto(demo.url + "/?expand=messaging&expand=content&present=1")
    page.wait_for_function(
        "() => { const el = document.getElementById('fk-service-graph');"
        " return !!(el && el._cyreg && el._cyreg.cy.nodes('.cluster').length === 2); }"
    )
    wait_settled(page, "fk-service-graph")
    page.screenshot(path=str(artifacts_dir / "overview-present-two-expanded.png"))
    drawn = _drawn(page, "fk-service-graph")
    tables = page.evaluate(
        "() => document.getElementById('fk-service-graph')._cyreg.cy.nodes('.table').map(n => n.id())"
    )
    assert set(tables) <= {i for _, _, _, i, _ in drawn}


#: [labels hidden as too small (class fk-tiny), labels under 12 px at the current zoom], one moment.
#: Zoom a graph. The braces matter: ``cy.zoom(z)`` returns the graph, which Playwright would copy
#: back whole (seconds to minutes, and it once crashed the page).
ZOOM = "([id, z]) => { document.getElementById(id)._cyreg.cy.zoom(z); }"
SHOWN = """(id) => { const cy = document.getElementById(id)._cyreg.cy, z = cy.zoom();
  const labelled = cy.elements().filter(e => !!e.data('label'));
  const small = labelled.filter(e => parseFloat(e.style('font-size')) * z < 12 - 1e-9);
  return [labelled.filter('.fk-tiny').map(e => e.id()).sort(), small.map(e => e.id()).sort()]; }"""


@pytest.mark.parametrize("path", ["/", "/tables"])
def test_zooming_out_hides_the_labels_it_would_shrink_below_12_px(demo: Served, page: Any, path: str) -> None:
    graph_id = "fk-service-graph" if path == "/" else "fk-table-graph"
    page.goto(demo.url + path + "?present=1")
    page.wait_for_function(
        "(id) => { const el = document.getElementById(id);"
        " return !!(el && el._cyreg && el._cyreg.cy.nodes().length > 0); }",
        arg=graph_id,
    )
    wait_settled(page, graph_id)
    assert page.evaluate(SHOWN, graph_id) == [[], []]  # opened at a zoom every label reads at
    fonts = sorted({size for _, size, _ in page.evaluate(LABELLED, graph_id)})
    # a zoom at which the smallest labels would be 8 px on screen: exactly those under 12 px go
    page.evaluate(ZOOM, [graph_id, 8 / fonts[0]])
    page.wait_for_timeout(400)
    hidden, small = page.evaluate(SHOWN, graph_id)
    assert hidden == small and small
    _drawn(page, graph_id)
    # zoomed in again: every label is back
    page.evaluate(ZOOM, [graph_id, 12.5 / fonts[0]])
    page.wait_for_timeout(400)
    assert page.evaluate(SHOWN, graph_id) == [[], []]


def test_a_link_with_a_small_zoom_draws_no_small_label(demo: Served, page: Any) -> None:
    page.goto(demo.url + "/tables?present=1&zoom=0.4&at=600,400")
    page.wait_for_function("() => (window.fkmapDraws || 0) >= 1")
    wait_settled(page, "fk-table-graph")
    assert abs(page.evaluate("() => document.getElementById('fk-table-graph')._cyreg.cy.zoom()") - 0.4) < 1e-6
    _drawn(page, "fk-table-graph")


@pytest.mark.parametrize("path", ["/", "/tables"])
def test_switching_presentation_on_draws_the_graph_again(demo: Served, page: Any, path: str) -> None:
    graph_id = "fk-service-graph" if path == "/" else "fk-table-graph"
    page.goto(demo.url + path)
    page.wait_for_function(
        "(id) => { const el = document.getElementById(id);"
        " return !!(el && el._cyreg && el._cyreg.cy.nodes().length > 0); }",
        arg=graph_id,
    )
    wait_settled(page, graph_id)
    page.click("#fk-present-toggle")
    page.wait_for_selector(".app.present")
    if path == "/":  # drawn again with the presentation font
        page.wait_for_function(
            "(px) => { const el = document.getElementById('fk-service-graph');"
            " const n = el && el._cyreg && el._cyreg.cy.nodes('.service')[0];"
            " return !!n && parseFloat(n.style('font-size')) === px; }",
            arg=PRESENT_FONT,
        )
    else:  # drawn again at a zoom the table labels read at
        page.wait_for_function("() => (window.fkmapDraws || 0) >= 2")
    wait_settled(page, graph_id)
    drawn = _drawn(page, graph_id)
    labelled = page.evaluate(LABELLED, graph_id)
    assert {i for _, _, _, i, node in drawn if node} == {i for i, _, node in labelled if node}


def test_remediation_in_presentation_shows_no_empty_editing_box(demo: Served, page: Any) -> None:
    """Presentation is for reading: the name field goes with its box (Dash wraps the input in a
    box of its own, which stayed on screen empty when only the input was hidden)."""
    width = "() => document.querySelector('.rem-who').getBoundingClientRect().width"
    page.goto(demo.url + "/remediation")
    page.wait_for_selector("#rem-who", state="visible")
    assert page.evaluate(width) > 0
    page.goto(demo.url + "/remediation?present=1")
    page.wait_for_selector("#rem-grid")
    assert page.evaluate(width) == 0
