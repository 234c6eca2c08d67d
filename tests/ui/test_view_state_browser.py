"""Views that live in the URL, in a real Chromium (#16 item 6).

Back/Forward restore the whole view (URL, controls and the drawn graph agree),
pan and zoom ride in the URL, and dragged node positions are kept in the state
store per view, so whoever opens the link sees the same layout. Expected edge
counts come from the scan's graph, not from the page's own functions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from remediation.store import open_store
from tests.ui.browser import Served, click_node, wait_settled
from tests.ui.fixtures import six_services
from ui import ids
from ui.data import build_app_data

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/uistate-shots")


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    s = Served(six_services())
    yield s
    s.close()


def expected_edges(
    served: Served, *, cross: bool = False, no_cascade: bool = False, dropped: bool = False
) -> int:
    """Edges of the scan's graph the table view must draw for the filter."""
    G = build_app_data(served.inventory).graph
    return sum(
        1
        for _, _, d in G.edges(data=True)
        if (d["state"] == "present" or dropped)
        and (d["cross_service"] or not cross)
        and (d["on_delete"] != "CASCADE" or not no_cascade)
    )


def cy(graph: str, expr: str) -> str:
    """JavaScript: ``expr`` over the Cytoscape instance ``cy`` of ``graph`` (null before it exists)."""
    find = f"const el = document.getElementById('{graph}'); const cy = el && el._cyreg && el._cyreg.cy;"
    return f"(() => {{ {find} return cy ? {expr} : null; }})()"


def table_view_state(page: Any) -> dict[str, Any]:
    """URL query, ticked controls and the drawn graph, read from the page."""
    script = """() => {
      const ticked = (id) => Array.from(document.querySelectorAll('#' + id + ' input:checked'))
        .map(i => i.value);
      const cy = document.getElementById('GRAPH')._cyreg.cy;
      return {search: location.search, checks: ticked('CROSS'), on_delete: ticked('DELETE'),
              edges: cy.edges().length,
              stats: Number(document.querySelector('#STATS [data-edges]').getAttribute('data-edges'))};
    }"""
    for name, value in (
        ("GRAPH", ids.TABLE_GRAPH),
        ("CROSS", ids.FILTER_CROSS),
        ("DELETE", ids.FILTER_ON_DELETE),
        ("STATS", ids.TABLE_STATS),
    ):
        script = script.replace(name, value)
    result: dict[str, Any] = page.evaluate(script)
    return result


def wait_drawn(page: Any, search: str, edges: int) -> dict[str, Any]:
    page.wait_for_function(
        "([s, n]) => " + cy(ids.TABLE_GRAPH, "location.search === s && cy.edges().length === n"),
        arg=[search, edges],
        timeout=15000,
    )
    page.wait_for_timeout(400)  # any late callback would change the view now
    return table_view_state(page)


ALL_KINDS = ["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]


def test_back_and_forward_restore_url_controls_and_graph(served: Served, page: Any) -> None:
    every, cross = expected_edges(served), expected_edges(served, cross=True)
    cross_no_cascade = expected_edges(served, cross=True, no_cascade=True)
    assert every > cross > cross_no_cascade > 0  # three different views
    page.goto(served.url + "/tables")
    start = wait_drawn(page, "", every)
    assert start == {"search": "", "checks": [], "on_delete": ALL_KINDS, "edges": every, "stats": every}
    page.locator(f"#{ids.FILTER_CROSS} input[value=cross]").check()
    one = wait_drawn(page, "?cross=1", cross)
    page.locator(f"#{ids.FILTER_ON_DELETE} input[value=CASCADE]").uncheck()
    two_search = "?cross=1&" + "&".join(f"del={k.replace(' ', '+')}" for k in ALL_KINDS[1:])
    two = wait_drawn(page, two_search, cross_no_cascade)
    assert two["on_delete"] == ALL_KINDS[1:] and two["stats"] == cross_no_cascade

    page.go_back()  # the URL, the ticks and the graph all go back one step
    assert (
        wait_drawn(page, "?cross=1", cross)
        == one
        == {
            "search": "?cross=1",
            "checks": ["cross"],
            "on_delete": ALL_KINDS,
            "edges": cross,
            "stats": cross,
        }
    )
    page.go_back()
    assert wait_drawn(page, "", every) == start
    page.go_forward()
    assert wait_drawn(page, "?cross=1", cross) == one
    page.go_forward()
    assert wait_drawn(page, two_search, cross_no_cascade) == two
    # restoring added no history entries: Back still leads where it led
    assert page.evaluate("history.length") == 4
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "back-forward-tables.png"))


def test_back_collapses_what_a_tap_expanded_on_the_overview(served: Served, page: Any) -> None:
    page.goto(served.url + "/")
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "cy.nodes('.service').length > 0"))
    wait_settled(page, ids.SERVICE_GRAPH)  # a tap during the opening fit would miss the node
    click_node(page, ids.SERVICE_GRAPH, "auth")
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "cy.nodes('.cluster').length === 1"), timeout=15000)
    assert page.evaluate("location.search") == "?expand=auth"
    page.go_back()
    page.wait_for_function(
        cy(ids.SERVICE_GRAPH, "location.search === '' && cy.nodes('.cluster').length === 0"), timeout=10000
    )
    page.go_forward()
    page.wait_for_function(
        cy(ids.SERVICE_GRAPH, "location.search === '?expand=auth' && cy.nodes('.cluster').length === 1"),
        timeout=10000,
    )


@pytest.mark.parametrize("path", ["/", "/tables"])
def test_a_graph_unmounted_right_after_its_elements_changed_raises_no_page_error(
    served: Served, page: Any, path: str
) -> None:
    """dash-cytoscape re-runs the layout 100 ms after elements are added or removed (a debounce it
    never cancels); Back re-renders the page and can unmount the graph in between (a tap had just
    expanded a service, a draw had just replaced the elements). Here the page is replaced on the
    client right after an add, as Back's re-render replaces it, so the layout always comes after the
    unmount. The page fixture fails the test on the page error that layout raises on the destroyed
    graph ("reading 'notify'"): assets/uistate.js hands a destroyed graph a layout that does nothing,
    and the minimap draws nothing for one."""
    graph = ids.SERVICE_GRAPH if path == "/" else ids.TABLE_GRAPH
    page.goto(served.url + path)
    page.wait_for_function(cy(graph, "cy.nodes().length > 0"), timeout=15000)
    page.wait_for_timeout(500)
    page.evaluate(
        f"""() => {{ const cy = document.getElementById('{graph}')._cyreg.cy;
        window.fkGone = cy; cy.add({{data: {{id: 'fk-probe'}}}});
        window.dash_clientside.set_props('{ids.PAGE}', {{children: 'gone'}}); }}"""
    )
    page.wait_for_function("window.fkGone.destroyed()", timeout=5000)  # React unmounted the graph
    page.wait_for_timeout(600)  # the debounced layout has run by now


def canvas_point(page: Any, graph: str) -> tuple[float, float]:
    """Page coordinates of a point of the canvas with no node under it (to pan from)."""
    box = page.locator(f"#{graph}").bounding_box()
    found = page.evaluate(
        cy(
            graph,
            """(() => { const bbs = cy.nodes().map(n => n.renderedBoundingBox());
                for (let y = 40; y < cy.height() - 20; y += 17)
                  for (let x = 30; x < cy.width() - 30; x += 23)
                    if (bbs.every(b => x < b.x1 - 4 || x > b.x2 + 4 || y < b.y1 - 4 || y > b.y2 + 4))
                      return [x, y];
                return null; })()""",
        )
    )
    assert found is not None, "no empty spot on the canvas"
    return box["x"] + found[0], box["y"] + found[1]


def viewport_of(page: Any, graph: str) -> list[float]:
    """[zoom, x, y] the graph shows: x, y is the model point at the canvas centre."""
    return [
        float(v)
        for v in page.evaluate(
            cy(
                graph,
                "[cy.zoom(), (cy.width() / 2 - cy.pan().x) / cy.zoom(),"
                " (cy.height() / 2 - cy.pan().y) / cy.zoom()]",
            )
        )
    ]


def url_viewport(url: str) -> list[float]:
    q = parse_qs(urlsplit(url).query)
    x, y = q["at"][0].split(",")
    return [float(q["zoom"][0]), float(x), float(y)]


def close(a: list[float], b: list[float], tolerance: float) -> bool:
    """Relative ``tolerance``, and never under half a hundredth: uistate.js saves positions to 0.01."""
    return all(abs(p - q) <= max(tolerance * max(1.0, abs(q)), 0.005) for p, q in zip(a, b, strict=True))


def test_pan_and_zoom_ride_in_the_url(served: Served, page: Any, browser: Any) -> None:
    cross = expected_edges(served, cross=True)
    page.goto(served.url + "/tables?cross=1")
    wait_drawn(page, "?cross=1", cross)
    entries = page.evaluate("history.length")
    x, y = canvas_point(page, ids.TABLE_GRAPH)
    page.mouse.move(x, y)
    page.mouse.wheel(0, -400)  # zoom in
    page.wait_for_function("location.search.includes('zoom=')", timeout=5000)
    zoomed = url_viewport(page.url)
    assert close(viewport_of(page, ids.TABLE_GRAPH), zoomed, 0.002)
    x, y = canvas_point(page, ids.TABLE_GRAPH)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "(s) => location.search !== s", arg=urlsplit(page.url).query and "?" + urlsplit(page.url).query
    )
    page.wait_for_timeout(500)
    panned = url_viewport(page.url)
    assert panned[0] == zoomed[0] and panned[1:] != zoomed[1:]
    assert close(viewport_of(page, ids.TABLE_GRAPH), panned, 0.002)
    assert page.evaluate("history.length") == entries  # pan and zoom replace the entry, never add one
    assert parse_qs(urlsplit(page.url).query)["cross"] == ["1"]

    link = page.url
    page.reload()
    wait_drawn(page, urlsplit(link).query and "?" + urlsplit(link).query, cross)
    assert close(viewport_of(page, ids.TABLE_GRAPH), panned, 0.002)
    other = browser.new_context(viewport={"width": 1000, "height": 650})  # another screen, same place
    try:
        p2 = other.new_page()
        p2.goto(link)
        wait_drawn(p2, "?" + urlsplit(link).query, cross)
        assert close(viewport_of(p2, ids.TABLE_GRAPH), panned, 0.002)
    finally:
        other.close()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "zoomed-link.png"))

    page.locator(f"#{ids.FILTER_CROSS} input[value=dropped]").check()  # another view: fitted, no zoom
    with_dropped = expected_edges(served, cross=True, dropped=True)
    assert with_dropped > cross
    wait_drawn(page, "?cross=1&dropped=1", with_dropped)
    assert "zoom=" not in page.url

    page.goto(served.url + "/?zoom=1.7&at=10,-20")
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "Math.abs(cy.zoom() - 1.7) < 0.001"), timeout=10000)
    assert close(viewport_of(page, ids.SERVICE_GRAPH), [1.7, 10.0, -20.0], 0.002)


def drag(page: Any, graph: str, node_id: str, dx: float, dy: float) -> None:
    box = page.locator(f"#{graph}").bounding_box()
    pos = page.evaluate(cy(graph, f"cy.getElementById('{node_id}').renderedPosition()"))
    x, y = box["x"] + pos["x"], box["y"] + pos["y"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=10)
    page.mouse.up()


def position(page: Any, graph: str, node_id: str) -> list[float]:
    return [
        float(v)
        for v in page.evaluate(
            cy(
                graph,
                f"[cy.getElementById('{node_id}').position('x'),"
                f" cy.getElementById('{node_id}').position('y')]",
            )
        )
    ]


def saved_layout(served: Served, key: str, name: str, timeout: float = 10.0) -> tuple[float, float]:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = open_store(served.state).layout(key).get(name)
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no saved position of {name} for {key}")


def test_dragged_positions_are_saved_per_view_and_shared_by_link(
    served: Served, page: Any, browser: Any
) -> None:
    from ui.layouts import node_names

    data = build_app_data(served.inventory)
    names = node_names(data)
    cross = expected_edges(served, cross=True)
    page.goto(served.url + "/tables?cross=1")
    wait_drawn(page, "?cross=1", cross)
    node = page.evaluate(cy(ids.TABLE_GRAPH, "cy.nodes('.table').filter(n => n.degree() > 0)[0].id()"))
    before = position(page, ids.TABLE_GRAPH, node)
    zoom = page.evaluate(cy(ids.TABLE_GRAPH, "cy.zoom()"))
    drag(page, ids.TABLE_GRAPH, node, 90, 50)
    moved = position(page, ids.TABLE_GRAPH, node)
    assert close(moved, [before[0] + 90 / zoom, before[1] + 50 / zoom], 0.05)
    stored = saved_layout(served, "/tables?cross=1", names[node])
    assert close(list(stored), moved, 0.001)

    other = browser.new_context(viewport={"width": 1280, "height": 720})  # someone else opens the link
    try:
        p2 = other.new_page()
        p2.goto(served.url + "/tables?cross=1&present=1")  # presentation mode: the same view
        wait_drawn(p2, "?cross=1&present=1", cross)
        assert close(position(p2, ids.TABLE_GRAPH, node), list(stored), 0.001)
        SHOTS.mkdir(exist_ok=True)
        p2.screenshot(path=str(SHOTS / "saved-layout-shared.png"))
        p2.goto(served.url + "/tables")  # another view keeps its own layout
        wait_drawn(p2, "", expected_edges(served))
        assert not close(position(p2, ids.TABLE_GRAPH, node), list(stored), 0.001)
    finally:
        other.close()

    page.locator(f"#{ids.LAYOUT_RESET}").click()  # Reset layout: the computed positions again
    page.wait_for_function(
        cy(ids.TABLE_GRAPH, f"Math.abs(cy.getElementById('{node}').position('x') - {before[0]}) < 0.01"),
        timeout=10000,
    )
    assert close(position(page, ids.TABLE_GRAPH, node), before, 0.001)
    assert open_store(served.state).layout("/tables?cross=1") == {}


def test_a_dragged_service_stays_where_it_was_put_on_the_overview(served: Served, page: Any) -> None:
    page.goto(served.url + "/")
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "cy.nodes('.service').length > 0"))
    page.wait_for_timeout(500)
    node = page.evaluate(
        cy(ids.SERVICE_GRAPH, "cy.nodes('.service').filter(n => n.data('service') === 'stories').id()")
    )
    before = position(page, ids.SERVICE_GRAPH, node)
    drag(page, ids.SERVICE_GRAPH, node, -70, 60)
    moved = position(page, ids.SERVICE_GRAPH, node)
    assert moved != before
    assert close(list(saved_layout(served, "/", "service:stories")), moved, 0.001)
    page.reload()
    page.wait_for_function(cy(ids.SERVICE_GRAPH, "cy.nodes('.service').length > 0"))
    assert close(position(page, ids.SERVICE_GRAPH, node), moved, 0.001)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview-saved-layout.png"))
    page.locator(f"#{ids.LAYOUT_RESET}").click()
    page.wait_for_function(
        cy(
            ids.SERVICE_GRAPH,
            f"Math.abs(cy.getElementById('{node}').position('x') - {before[0]}) < 0.01",
        ),
        timeout=10000,
    )
    assert open_store(served.state).layout("/") == {}
