"""The table search, database-qualified labels, the selection details, dark mode and the minimap in Chromium.

Typing goes through the real keyboard at a human pace (``keyboard.type`` with a
delay per key); screenshots at 1280x720 go to the test's artifacts folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.build import build_graph
from tests.ui.browser import Served, wait_for_graph
from tests.ui.fixtures import HOSTILE, HOSTILE_SERVICE, hostile
from tests.ui.test_inspect import collide

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def clash() -> Iterator[Served]:
    served = Served(collide())
    yield served
    served.close()


def _tables_drawn(p: Any) -> None:
    p.wait_for_function(
        "() => { const el = document.getElementById('fk-table-graph');"
        " return !!(el && el._cyreg && el._cyreg.cy.nodes('.table').length > 0); }",
        timeout=15000,
    )


def _matches(p: Any) -> list[str]:
    return [t.strip() for t in p.locator("#fk-focus-results button").all_inner_texts()]


@pytest.mark.parametrize("delay", [80, 150, 250, 400])
@pytest.mark.parametrize("how", ["click", "slash"])
def test_search_keeps_every_letter(demo: Served, page: Any, delay: int, how: str) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    if how == "click":
        page.click("#fk-focus-search")
    else:
        page.keyboard.press("/")  # focuses the box from anywhere on the page
    page.keyboard.type("users", delay=delay)
    page.wait_for_function(
        "() => document.querySelectorAll('#fk-focus-results button').length > 0"
        " && Array.from(document.querySelectorAll('#fk-focus-results button'))"
        ".every(b => b.innerText.toLowerCase().includes('users'))"
    )
    assert page.input_value("#fk-focus-search") == "users"
    found = _matches(page)
    expected = [r for r in build_graph(demo.inventory, include_dropped=True) if "users" in r.qualified]
    assert len(found) == len(expected) and all("users" in f for f in found)


def _box(p: Any, selector: str) -> dict[str, float]:
    box = p.locator(selector).bounding_box()
    assert box is not None, selector
    return {k: float(box[k]) for k in ("x", "y", "width", "height")}


def test_matches_never_cover_the_neighbourhood_buttons(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    page.click("#fk-focus-search")
    page.keyboard.type("conv", delay=60)
    page.wait_for_function("() => document.querySelectorAll('#fk-focus-results button').length >= 3")
    page.screenshot(path=str(artifacts_dir / "search-open.png"))
    results, hops = _box(page, "#fk-focus-results"), _box(page, "#fk-filter-hops")
    assert hops["y"] >= results["y"] + results["height"] - 1, (results, hops)
    # the topmost element at the centre of a hop button is that button (nothing painted over it)
    page.locator("#fk-filter-hops").scroll_into_view_if_needed()
    hit = page.evaluate(
        "() => { const l = document.querySelectorAll('#fk-filter-hops label')[1];"
        " const r = l.getBoundingClientRect();"
        " const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
        " return l.contains(top); }"
    )
    assert hit


def test_pick_by_keyboard_focuses_the_graph_and_esc_clears(
    demo: Served, page: Any, artifacts_dir: Path
) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    before = page.evaluate("() => document.getElementById('fk-table-graph')._cyreg.cy.nodes('.table').length")
    page.keyboard.press("/")
    page.keyboard.type("sessions", delay=90)
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#fk-focus-results button'))"
        ".some(b => b.innerText.includes('sessions'))"
    )
    first = _matches(page)[0]
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.classList.contains('focus-result')")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('focus=')")
    page.wait_for_function(
        "(n) => document.getElementById('fk-table-graph')._cyreg.cy.nodes('.table').length < n", arg=before
    )
    assert first.split(" · ")[0] in page.inner_text("#fk-focus-chosen")
    assert page.input_value("#fk-focus-search") == ""
    page.screenshot(path=str(artifacts_dir / "search-picked.png"))
    # Esc with text: clears the text only
    page.keyboard.press("/")
    page.keyboard.type("posts", delay=50)
    page.wait_for_function("() => document.querySelectorAll('#fk-focus-results button').length > 0")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelectorAll('#fk-focus-results button').length === 0")
    assert page.input_value("#fk-focus-search") == "" and "focus=" in page.url
    # Esc in the empty box: clears the focus, the whole graph comes back
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('focus=')")
    page.wait_for_function(
        "(n) => document.getElementById('fk-table-graph')._cyreg.cy.nodes('.table').length === n", arg=before
    )
    assert page.inner_text("#fk-focus-chosen").strip() == ""


def test_slash_does_not_steal_typing_elsewhere(demo: Served, page: Any) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    page.click("#fk-focus-search")
    page.keyboard.type("a/b", delay=40)
    assert page.input_value("#fk-focus-search") == "a/b"


def test_same_name_tables_are_told_apart(clash: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(clash.url + "/tables")
    wait_for_graph(page, "fk-table-graph", 6)  # 4 tables, 2 service clusters
    labels = page.evaluate(
        "() => document.getElementById('fk-table-graph')._cyreg.cy.nodes('.table')"
        ".map(n => n.data('label')).sort()"
    )
    assert labels == ["accounting.users", "auth.users", "invoices", "sessions"]
    page.screenshot(path=str(artifacts_dir / "qualified-tables.png"))
    page.keyboard.press("/")
    page.keyboard.type("users", delay=60)
    page.wait_for_function("() => document.querySelectorAll('#fk-focus-results button').length === 2")
    assert sorted(_matches(page)) == ["accounting.public.users · accounting", "auth.public.users · auth"]
    page.goto(clash.url + "/service/accounting")
    page.wait_for_selector("#fk-service-tables-grid .ag-row")
    headers = page.locator("#fk-service-tables-grid .ag-header-cell-text").all_inner_texts()
    assert "Database" in headers
    cells = page.locator("#fk-service-tables-grid .ag-row [col-id=table]").all_inner_texts()
    assert sorted(cells) == ["accounting.public.users", "public.invoices"]
    page.screenshot(path=str(artifacts_dir / "qualified-service.png"), full_page=True)


def _click_graph(p: Any, js: str) -> None:
    """Click the rendered point that ``js`` (given ``cy``) returns as ``[x, y]``, inside the table graph."""
    box = _box(p, "#fk-table-graph")
    x, y = p.evaluate(f"() => {{ const cy = document.getElementById('fk-table-graph')._cyreg.cy; {js} }}")
    p.mouse.click(box["x"] + x, box["y"] + y)


def test_clicking_an_edge_then_a_table_explains_each(demo: Served, page: Any, artifacts_dir: Path) -> None:
    G = build_graph(demo.inventory, include_dropped=True)
    page.goto(demo.url + "/tables?cross=1")
    _tables_drawn(page)
    page.wait_for_timeout(300)
    edge = page.evaluate(
        "() => { const e = document.getElementById('fk-table-graph')._cyreg.cy.edges('.cascade')[0];"
        " return [e.source().data('full'), e.target().data('full')]; }"
    )
    _click_graph(page, "const m = cy.edges('.cascade')[0].renderedMidpoint(); return [m.x, m.y];")
    page.wait_for_selector("#fk-table-details .edge-info")
    (fk,) = {
        d["fk"]
        for u, v, d in G.edges(data=True)
        if [str(u), str(v)] == edge and d["fk"].on_delete == "CASCADE"
    } or {None}
    panel = page.inner_text("#fk-table-details")
    assert (
        fk is not None
        and fk.name in panel
        and "CASCADE" in panel
        and str(fk.added_at) in panel.replace("\n", "")
    )
    assert "Phase 0: Not started" in panel  # the served app's fresh store
    page.screenshot(path=str(artifacts_dir / "edge-details.png"))
    # the service link opens the service page
    target = page.locator("#fk-table-details .edge-services a").nth(1)
    service = target.inner_text()
    target.click()
    page.wait_for_selector("h2.service-name")
    assert page.locator("h2.service-name").inner_text() == service
    page.go_back()
    _tables_drawn(page)
    page.wait_for_timeout(300)
    _click_graph(page, "const p = cy.edges('.cascade')[0].target().renderedPosition(); return [p.x, p.y];")
    page.wait_for_selector(f"#fk-table-details [data-table='{edge[1]}']")
    panel = page.inner_text("#fk-table-details").lower()  # headings are upper-cased by CSS
    assert "evidence" in panel and "foreign keys in" in panel and "columns" in panel
    assert "phase 0: not started" in panel
    page.screenshot(path=str(artifacts_dir / "table-details.png"))


def _table_style(p: Any, prop: str) -> str:
    return str(
        p.evaluate(
            "(prop) => document.getElementById('fk-table-graph')._cyreg.cy.nodes('.table')[0].style(prop)",
            prop,
        )
    )


def test_dark_mode_follows_filters_and_pages_and_is_kept(
    demo: Served, page: Any, artifacts_dir: Path
) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    assert _table_style(page, "background-color") == "rgb(255,255,255)"
    page.click("#fk-theme-toggle")
    page.wait_for_function("() => document.documentElement.classList.contains('dark')")
    assert _table_style(page, "background-color") == "rgb(31,38,51)"  # ui/dark.py: #ffffff -> #1f2633
    assert _table_style(page, "color") == "rgb(230,233,239)"
    page.screenshot(path=str(artifacts_dir / "dark-tables.png"))
    # a filter sends a new stylesheet: it is darkened too
    page.get_by_text("Only cross-service FKs").click()
    page.wait_for_function("() => location.search.includes('cross=1')")
    page.wait_for_timeout(500)
    assert _table_style(page, "background-color") == "rgb(31,38,51)"
    # kept across a reload and on the other pages (the overview's graph, the page colours)
    page.goto(demo.url + "/")
    page.wait_for_function(
        "() => { const el = document.getElementById('fk-service-graph');"
        " return !!(el && el._cyreg && el._cyreg.cy.nodes().length > 0); }"
    )
    page.wait_for_timeout(300)
    label = page.evaluate(
        "() => document.getElementById('fk-service-graph')._cyreg.cy.nodes('.service')[0].style('color')"
    )
    assert label == "rgb(230,233,239)"
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(18, 22, 29)"
    swatch = page.locator(".swatch.dotted").first
    assert swatch.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(179, 157, 219)"
    page.screenshot(path=str(artifacts_dir / "dark-overview.png"))
    page.click("#fk-theme-toggle")
    page.wait_for_function("() => !document.documentElement.classList.contains('dark')")
    assert page.evaluate("() => localStorage.getItem('fkmap-theme')") == "light"
    assert (
        page.evaluate(
            "() => document.getElementById('fk-service-graph')._cyreg.cy.nodes('.service')[0].style('color')"
        )
        == "rgb(29,35,48)"
    )


def _view(p: Any) -> list[float]:
    return [float(v) for v in str(p.get_attribute("#fk-minimap", "data-view")).split(",")]


def _view_when(p: Any, holds: Callable[[list[float]], bool]) -> list[float]:
    """The minimap's view once ``holds`` is true of it (it follows the graph a frame late), else the last."""
    view = _view(p)
    for _ in range(50):
        if holds(view):
            break
        p.wait_for_timeout(100)
        view = _view(p)
    return view


def test_minimap_shows_the_view_and_moves_it(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    page.wait_for_function("() => !!document.getElementById('fk-minimap').getAttribute('data-view')")
    page.wait_for_timeout(300)
    # fitted (as the graph opens, and again here so a slow first fit cannot race the reading):
    # the view spans (nearly) all of the minimap's 180 px
    page.evaluate("() => { document.getElementById('fk-table-graph')._cyreg.cy.fit(undefined, 30); }")
    whole = _view_when(page, lambda v: v[2] - v[0] >= 150)
    assert whole[2] - whole[0] >= 150, whole
    # dots in service colours were drawn
    coloured = page.evaluate(
        "() => { const c = document.getElementById('fk-minimap'); const d = c.getContext('2d')"
        ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
        " for (let i = 0; i < d.length; i += 4) { if (d[i + 3] > 0) n++; } return n; }"
    )
    assert coloured > 200
    page.evaluate(
        "() => { const cy = document.getElementById('fk-table-graph')._cyreg.cy;"
        " cy.zoom({level: cy.zoom() * 4, renderedPosition: {x: 0, y: 0}}); }"
    )
    quarter = (whole[2] - whole[0]) / 3
    zoomed = _view_when(page, lambda v: v[2] - v[0] < quarter)
    assert zoomed[2] - zoomed[0] < quarter, zoomed  # a quarter of the width, roughly
    page.screenshot(path=str(artifacts_dir / "minimap-zoomed.png"))
    box = _box(page, "#fk-minimap")
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)

    def centred(v: list[float]) -> bool:
        return abs((v[0] + v[2]) / 2 - 135) < 3 and abs((v[1] + v[3]) / 2 - 90) < 3

    moved = _view_when(page, centred)
    assert centred(moved), moved
    page.screenshot(path=str(artifacts_dir / "minimap-moved.png"))


def test_clicking_an_overview_arrow_lists_its_fks(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/")
    page.wait_for_function(
        "() => { const el = document.getElementById('fk-service-graph');"
        " return !!(el && el._cyreg && el._cyreg.cy.edges().length > 0); }"
    )
    page.wait_for_timeout(500)
    box = _box(page, "#fk-service-graph")
    # a point of the heaviest arrow where it is the element a click finds (edges crowd round a hub)
    edge = page.evaluate(
        "() => { const cy = document.getElementById('fk-service-graph')._cyreg.cy;"
        " const e = cy.edges().not('.shared, .unowned').max(x => x.data('count')).ele;"
        " const s = e.renderedSourceEndpoint(), t = e.renderedTargetEndpoint(), m = e.renderedMidpoint();"
        " const pan = cy.pan(), z = cy.zoom();"
        " const hits = p => { const n = cy.renderer().findNearestElement("
        "   (p.x - pan.x) / z, (p.y - pan.y) / z, true, false); return n && n.id() === e.id(); };"
        " const along = (a, b, f) => ({x: a.x + (b.x - a.x) * f, y: a.y + (b.y - a.y) * f});"
        " const points = [m, ...[0.3, 0.5, 0.7].map(f => along(s, m, f)),"
        "   ...[0.3, 0.5, 0.7].map(f => along(m, t, f))];"
        " const p = points.find(hits) || m;"
        " return {x: p.x, y: p.y, count: e.data('count'), id: e.id()}; }"
    )
    page.mouse.click(box["x"] + edge["x"], box["y"] + edge["y"])
    page.wait_for_selector("#fk-edge-details .edge-info")
    assert page.get_attribute("#fk-edge-details .edge-info", "data-count") == str(edge["count"])
    shown = page.locator("#fk-edge-details li").count()
    assert shown == min(edge["count"], 25) + (1 if edge["count"] > 25 else 0)
    page.screenshot(path=str(artifacts_dir / "overview-arrow.png"))


def test_hovering_names_tables_and_arrows(demo: Served, page: Any) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    page.wait_for_timeout(300)
    box = _box(page, "#fk-table-graph")
    node = page.evaluate(
        "() => { const n = document.getElementById('fk-table-graph')._cyreg.cy.nodes('.table')[0];"
        " const p = n.renderedPosition();"
        " return {x: p.x, y: p.y, label: n.data('label'), s: n.data('service')}; }"
    )
    page.mouse.move(box["x"] + node["x"], box["y"] + node["y"])
    page.wait_for_selector("#fk-hover-tip.shown")
    tip = page.inner_text("#fk-hover-tip")
    assert node["label"] in tip and f"service: {node['s']}" in tip
    edge = page.evaluate(
        "() => { const e = document.getElementById('fk-table-graph')._cyreg.cy.edges('.cross')[0];"
        " const m = e.renderedMidpoint(); return {x: m.x, y: m.y, d: e.data('on_delete')}; }"
    )
    page.mouse.move(box["x"] + edge["x"], box["y"] + edge["y"])
    page.wait_for_function(
        "(d) => document.getElementById('fk-hover-tip').innerText.includes(d)", arg=edge["d"]
    )
    assert "cross-service" in page.inner_text("#fk-hover-tip")
    page.mouse.move(box["x"] + 3, box["y"] + 3)
    page.wait_for_selector("#fk-hover-tip:not(.shown)", state="attached")


@pytest.fixture(scope="module")
def evil() -> Iterator[Served]:
    served = Served(hostile())
    yield served
    served.close()


def test_hostile_names_stay_text_in_search_details_and_tips(evil: Served, page: Any) -> None:
    page.goto(evil.url + "/tables")
    wait_for_graph(page, "fk-table-graph", 4)
    page.keyboard.press("/")
    page.keyboard.type("img", delay=50)
    page.wait_for_selector("#fk-focus-results button")
    assert _matches(page) == [f"public.{HOSTILE} · {HOSTILE_SERVICE}"]
    page.keyboard.press("Escape")
    _click_graph(page, "const m = cy.edges()[0].renderedMidpoint(); return [m.x, m.y];")
    page.wait_for_selector("#fk-table-details .edge-info")
    panel = page.inner_text("#fk-table-details")
    assert "<b>fk</b>" in panel and "<i>user_id</i>" in panel and HOSTILE_SERVICE in panel
    _click_graph(page, "const p = cy.edges()[0].source().renderedPosition(); return [p.x, p.y];")
    page.wait_for_selector("#fk-table-details [data-table]")
    assert HOSTILE in page.inner_text("#fk-table-details")
    box = _box(page, "#fk-table-graph")
    x, y = page.evaluate(
        "() => { const p = document.getElementById('fk-table-graph')._cyreg.cy.edges()[0].source()"
        ".renderedPosition(); return [p.x, p.y]; }"
    )
    page.mouse.move(box["x"] + 2, box["y"] + 2)  # off the node first: the tip shows on entering it
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#fk-hover-tip.shown")
    assert HOSTILE in page.inner_text("#fk-hover-tip")
    assert page.locator("img[src='x'], b:text('fk'), i:text('user_id'), script:text('alert')").count() == 0


def test_pictures_made_in_dark_mode_use_the_light_colours(demo: Served, page: Any, tmp_path: Path) -> None:
    page.goto(demo.url + "/tables")
    _tables_drawn(page)
    page.click("#fk-theme-toggle")
    page.wait_for_function("() => document.documentElement.classList.contains('dark')")
    page.click("#fk-export-menu > summary")
    page.wait_for_selector("#fk-export-menu .export-panel", state="visible")
    with page.expect_download() as info:
        page.click("#fk-export-svg")
    info.value.save_as(tmp_path / "tables.svg")
    framed = (tmp_path / "tables.svg").read_text(encoding="utf-8")
    svg = framed[framed.index('<svg x="0"') :]  # the graph, nested below the picture's title band
    # table labels in the ink colour (#1d2330) on a white page, never the dark theme's light text
    assert "rgb(29,35,48)" in svg.replace(" ", "") or "#1d2330" in svg.lower()
    assert "rgb(230,233,239)" not in svg.replace(" ", "") and "#e6e9ef" not in svg.lower()
    assert _table_style(page, "background-color") == "rgb(31,38,51)"  # the screen stays dark
