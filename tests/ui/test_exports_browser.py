"""The Export menu in a real headless Chromium: the files the download buttons give.

What is checked: the SVG and PNG download buttons produce valid files
whose contents include the service names, framed by a title band above the
graph and a legend band below it (the view's name; the legend of
:func:`exports.legend.screen_legend` and the colours of the services drawn).

* SVG: parsed with ``xml.etree``; the graph is a nested ``<svg>`` the size of
  the canvas viewport, whose ``<text>`` elements are exactly the labels the
  graph shows (service names among them); the frame's texts are the title and
  every legend label.
* PNG: there is no OCR on this machine, so "contains the service names" is
  checked as far as pixels allow: a valid PNG signature and IHDR, twice the
  size of the framed SVG (taller than the canvas by the title and legend
  bands), dark label-coloured ink inside the rendered box of every service's
  label, and the graph band matches a screenshot of the canvas pixel for pixel
  up to anti-aliasing (it is the view as shown, whose labels the SVG names).

Downloads, the SVGs rendered by Chromium, and screenshots of the open menu are
saved in the test's artifacts folder.
"""

from __future__ import annotations

import base64
import csv
import io
import struct
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from exports import export
from exports.legend import screen_legend
from graph.analysis import cross_service_fks, service_graph
from graph.build import build_graph
from graph.impact import service_impact
from graph.scope import Scope
from tests.ui.browser import Served, wait_settled
from ui.data import build_app_data
from ui.elements import table_labels, table_view
from ui.state import TableFilter

pytestmark = pytest.mark.browser

OVERVIEW, TABLES = "fk-service-graph", "fk-table-graph"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def wait_drawn(page: Any, graph_id: str, nodes: int, edges: int) -> None:
    page.wait_for_function(
        "([id, n, e]) => { const el = document.getElementById(id);"
        " const cy = el && el._cyreg && el._cyreg.cy;"
        " return !!(cy && cy.nodes().not('.unowned').length === n"
        " && cy.edges().not('.shared, .unowned').length === e); }",
        arg=[graph_id, nodes, edges],
        timeout=15000,
    )
    page.wait_for_timeout(400)


def open_menu(page: Any) -> None:
    page.click("#fk-export-menu > summary")
    page.wait_for_selector("#fk-export-menu .export-panel", state="visible")


def download(page: Any, selector: str, folder: Path) -> tuple[str, bytes]:
    """Click ``selector``, save the download in ``folder``, return its name and bytes."""
    with page.expect_download() as info:
        page.click(selector)
    name = info.value.suggested_filename
    info.value.save_as(folder / name)
    return name, (folder / name).read_bytes()


def svg_texts(svg: bytes) -> tuple[tuple[float, float], set[str]]:
    """Width, height and the text of every ``<text>`` element; fails unless the SVG parses."""
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {"".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")}
    size = tuple(float(root.attrib[k].removesuffix("pt")) for k in ("width", "height"))
    return (size[0], size[1]), texts


SVG_NS = "{http://www.w3.org/2000/svg}"


def framed_svg(svg: bytes) -> dict[str, Any]:
    """The framed picture's parts: ``size`` (outer), ``top`` (y of the graph band), ``graph`` (the nested
    graph's size), ``graph_texts`` (its ``<text>``s) and ``frame_texts`` (the title's and the legend's)."""
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    nested = [e for e in root if e.tag == SVG_NS + "svg"]
    assert len(nested) == 1, "the graph is one nested <svg>"
    inner = nested[0]

    def texts(elements: Any) -> set[str]:
        return {"".join(e.itertext()) for e in elements if e.tag == SVG_NS + "text"}

    return {
        "size": (float(root.attrib["width"]), float(root.attrib["height"])),
        "top": float(inner.attrib["y"]),
        "graph": (float(inner.attrib["width"]), float(inner.attrib["height"])),
        "graph_texts": texts(inner.iter()),
        "frame_texts": texts(e for e in root.iter() if not any(e is x for x in inner.iter())),
        "title": "".join(next(e for e in root if e.attrib.get("class") == "fkmap-title").itertext()),
    }


def check_frame(parts: dict[str, Any], title: str, level: Any, services: set[str]) -> None:
    """The title band names the view; the legend band has every legend label and the services drawn."""
    assert parts["title"] == title
    labels = {e.text for e in screen_legend(level)}
    assert labels | services | {title, "Services:"} <= parts["frame_texts"]
    assert parts["top"] >= 30  # the title band
    assert parts["size"][0] == parts["graph"][0]
    assert parts["size"][1] >= parts["top"] + parts["graph"][1] + 40  # and a legend band below the graph


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk; fails unless the file starts like a PNG."""
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def shown_texts(page: Any, graph_id: str) -> set[str]:
    """Every label line the graph draws (nodes and edges; transparent ones are not drawn)."""
    lines = page.evaluate(
        "(id) => document.getElementById(id)._cyreg.cy.elements()"
        ".filter(e => e.visible() && e.style('label') && Number(e.style('text-opacity')) > 0)"
        ".map(e => e.style('label'))",
        graph_id,
    )
    return {line for label in lines for line in label.split("\n") if line}


#: Per service: dark, label-coloured pixels of the PNG inside the service label's rendered box (null when
#: the label is not wholly in view);
#: and how the PNG compares with a screenshot of the canvas (``ink`` = non-background pixels).
PIXELS_JS = """async ([png, shot, id, top, height]) => {
  const load = async (b64) => {
    const i = new Image(); i.src = 'data:image/png;base64,' + b64; await i.decode(); return i; };
  const pixels = (img, w, h) => { const c = document.createElement('canvas'); c.width = w; c.height = h;
    const g = c.getContext('2d'); g.imageSmoothingQuality = 'high'; g.drawImage(img, 0, 0, w, h);
    return g.getImageData(0, 0, w, h).data; };
  const band = (img) => { const c = document.createElement('canvas'); c.width = img.width; c.height = height;
    c.getContext('2d').drawImage(img, 0, -top); return c; };  // the graph band of the framed picture
  const image = band(await load(png)), screen = await load(shot);
  const full = pixels(image, image.width, image.height);
  const cy = document.getElementById(id)._cyreg.cy;
  const sx = image.width / cy.width(), sy = image.height / cy.height();
  const labels = {};
  cy.nodes().filter(n => n.data('kind') !== 'table').forEach(n => {
    const b = n.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true});
    if (b.x1 < 0 || b.y1 < 0 || b.x2 > cy.width() || b.y2 > cy.height()) {
      labels[n.data('service')] = null; return; }  // not wholly in view: not in the picture either
    let dark = 0;
    for (let y = Math.max(0, Math.floor(b.y1 * sy)); y < Math.min(image.height, Math.ceil(b.y2 * sy)); y++) {
      for (let x = Math.max(0, Math.floor(b.x1 * sx)); x < Math.min(image.width, Math.ceil(b.x2 * sx)); x++) {
        const i = 4 * (y * image.width + x), r = full[i], g = full[i + 1], bl = full[i + 2];
        if (Math.max(r, g, bl) < 110 && Math.max(r, g, bl) - Math.min(r, g, bl) < 45) dark++;
      }
    }
    labels[n.data('service')] = dark;
  });
  const a = pixels(image, screen.width, screen.height), s = pixels(screen, screen.width, screen.height);
  let ink = 0, inkPng = 0, miss = 0;
  for (let i = 0; i < a.length; i += 4) {
    let diff = 0, onScreen = 0, inPng = 0;
    for (let k = 0; k < 3; k++) {
      diff = Math.max(diff, Math.abs(a[i + k] - s[i + k]));
      onScreen = Math.max(onScreen, 255 - s[i + k]);
      inPng = Math.max(inPng, 255 - a[i + k]);
    }
    if (onScreen > 48) { ink++; if (diff > 48) miss++; }
    if (inPng > 48) inkPng++;
  }
  return {labels: labels, ink: ink, inkPng: inkPng, miss: miss};
}"""


def check_png(page: Any, graph_id: str, png: bytes, parts: dict[str, Any], services: set[str]) -> None:
    """The PNG is the framed SVG at twice its size: its graph band is the canvas as shown, with ink in
    every service label; the title and legend bands make it taller than the canvas."""
    width, height = png_size(png)
    view = page.evaluate(
        "(id) => { const cy = document.getElementById(id)._cyreg.cy; return [cy.width(), cy.height()]; }",
        graph_id,
    )
    assert (width, height) == (round(2 * parts["size"][0]), round(2 * parts["size"][1]))
    assert parts["graph"] == (view[0], view[1]) and width == 2 * view[0]
    assert height == 2 * parts["size"][1] > 2 * (view[1] + parts["top"]) + 80  # grew by both bands
    assert 400 <= width <= 8000 and 300 <= height <= 8000
    page.keyboard.press("Escape")  # close the menu: the screenshot must show the canvas alone
    page.wait_for_selector("#fk-export-menu .export-panel", state="hidden")
    shot = page.locator(f"#{graph_id}").screenshot()
    band = [round(2 * parts["top"]), 2 * view[1]]
    result = page.evaluate(
        PIXELS_JS, [base64.b64encode(png).decode(), base64.b64encode(shot).decode(), graph_id, *band]
    )
    assert {s for s in result["labels"] if s in services} == services
    shown = {s: n for s, n in result["labels"].items() if s in services and n is not None}  # wholly in view
    assert len(shown) >= len(services) / 2 and all(n >= 40 for n in shown.values()), result["labels"]
    assert result["ink"] > 5000
    assert abs(result["inkPng"] - result["ink"]) < 0.1 * result["ink"], result
    assert result["miss"] < 0.25 * result["ink"], result  # anti-aliasing only


def render_svg(browser: Any, svg: bytes, path: Path) -> None:
    """Chromium draws the downloaded SVG (a screenshot to look at)."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    p = context.new_page()
    p.set_content(f"<html><body style='margin:0'>{svg.decode()}</body></html>")
    p.locator("svg").first.screenshot(path=str(path))
    context.close()


def test_overview_svg_and_png_show_the_service_names(
    demo: Served, page: Any, browser: Any, artifacts_dir: Path
) -> None:
    S = service_graph(build_graph(demo.inventory))
    services = set(S.nodes)
    assert {"auth", "messaging"} <= services
    page.goto(demo.url + "/")
    wait_drawn(page, OVERVIEW, S.number_of_nodes(), S.number_of_edges())
    canvas = page.locator(f"#{OVERVIEW}").bounding_box()
    open_menu(page)
    page.screenshot(path=str(artifacts_dir / "overview-export-menu.png"))
    assert page.locator(f"#{OVERVIEW}").bounding_box() == canvas  # the menu floats: no click-target drift

    name, svg = download(page, "#fk-export-svg", artifacts_dir)
    assert name == "fkmap-overview.svg"
    parts = framed_svg(svg)
    texts = parts["graph_texts"]
    assert services <= texts
    assert texts == shown_texts(page, OVERVIEW)
    check_frame(parts, "Service overview", "services", services)
    render_svg(browser, svg, artifacts_dir / "fkmap-overview.svg.png")

    name, png = download(page, "#fk-export-png", artifacts_dir)
    assert name == "fkmap-overview.png"
    check_png(page, OVERVIEW, png, parts, services)


def test_table_graph_svg_and_png_show_what_is_drawn(
    demo: Served, page: Any, browser: Any, artifacts_dir: Path
) -> None:
    G = build_graph(demo.inventory)
    view = table_view(build_app_data(demo.inventory), TableFilter())
    services = {e["data"]["service"] for e in view.elements if e["data"].get("kind") == "cluster"}
    page.goto(demo.url + "/tables")
    wait_drawn(page, TABLES, view.tables + view.clusters, view.edges)
    wait_settled(page, TABLES)
    canvas = page.locator(f"#{TABLES}").bounding_box()
    open_menu(page)
    page.screenshot(path=str(artifacts_dir / "tables-export-menu.png"))

    name, svg = download(page, "#fk-export-svg", artifacts_dir)
    assert name == "fkmap-tables.svg"
    parts = framed_svg(svg)
    texts = parts["graph_texts"]
    assert texts == shown_texts(page, TABLES)
    check_frame(parts, "Tables — all services", "tables", services)
    assert {t.split(" (")[0] for t in texts if t.endswith(")")} == services  # cluster labels 'auth (6)'
    # the demo's two users tables carry their database (model.names): the picture says which is which
    assert {"auth", "messaging"} <= services and {"legacy.users", "messaging-service.users"} <= set(texts)
    render_svg(browser, svg, artifacts_dir / "fkmap-tables.svg.png")

    name, png = download(page, "#fk-export-png", artifacts_dir)
    assert name == "fkmap-tables.png"
    check_png(page, TABLES, png, parts, services)

    # after a filter the client redraws in one batch: the export follows what is drawn now
    page.get_by_text("Only cross-service FKs").click()
    cross = cross_service_fks(G)
    page.wait_for_function(
        "(n) => document.getElementById('fk-table-graph')._cyreg.cy.edges().length === n", arg=len(cross)
    )
    page.wait_for_timeout(400)
    assert page.locator(f"#{TABLES}").bounding_box() == canvas
    open_menu(page)
    assert page.inner_text("#fk-export-scope") == "Scope: all services, cross-service FKs only"
    name, svg = download(page, "#fk-export-svg", artifacts_dir)
    assert name == "fkmap-tables-cross.svg"
    parts = framed_svg(svg)
    texts = parts["graph_texts"]
    assert texts == shown_texts(page, TABLES)
    drawn = set(
        page.evaluate(
            f"document.getElementById('{TABLES}')._cyreg.cy.nodes('.cluster').map(n => n.data('service'))"
        )
    )
    assert drawn and drawn <= services
    check_frame(parts, "Tables — all services, cross-service FKs only", "tables", drawn)
    labels = table_labels(build_app_data(demo.inventory))  # database-qualified where names collide
    crossing = {labels[t] for u, v, d in G.edges(data=True) if d["cross_service"] for t in (u, v)}
    assert {t for t in texts if not t.endswith(")")} == crossing
    render_svg(browser, svg, artifacts_dir / "fkmap-tables-cross.svg.png")


def test_markdown_and_csv_downloads(demo: Served, page: Any, artifacts_dir: Path) -> None:
    G = build_graph(demo.inventory, include_dropped=True)
    services = set(service_graph(G).nodes)
    coupled = {s for s in services if service_impact(G, s).outgoing or service_impact(G, s).incoming}
    assert {"auth", "messaging"} <= coupled
    page.goto(demo.url + "/")
    page.wait_for_selector("#fk-export-menu")
    open_menu(page)
    name, md = download(page, "#fk-export-menu button:text-is('Markdown report')", artifacts_dir)
    assert name == "fkmap-all.md"
    text = md.decode()
    assert text.startswith("# Cross-service foreign key inventory")
    assert f"- **Services:** {len(services)} (" in text
    # the report has a section for every service a cross-service FK (present or dropped) touches
    assert {line[4:] for line in text.splitlines() if line.startswith("### ")} >= coupled
    from remediation.service import inventory_view, report_phase_of
    from remediation.store import open_store
    from remediation.totals import report_totals

    expected = io.StringIO()  # the report shows the totals of the app's remediation store
    store = open_store(demo.state)
    phase_of, totals = (
        report_phase_of(demo.inventory, store),
        report_totals(inventory_view(demo.inventory, store)),
    )
    export("md", demo.inventory, expected, scope=Scope(), phase_of=phase_of, totals=totals)
    assert text == expected.getvalue()
    assert page.inner_text("#fk-export-status") == "Downloaded fkmap-all.md"

    page.goto(demo.url + "/tables?svc=messaging&cross=1")
    page.wait_for_selector("#fk-export-menu")
    open_menu(page)
    assert page.inner_text("#fk-export-scope") == (
        "Scope: service 'messaging' and the tables its FKs connect to, cross-service FKs only"
    )
    name, data = download(page, "#fk-export-menu button:text-is('CSV: FK list')", artifacts_dir)
    assert name == "fkmap-service-messaging-cross.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert rows and all(r["cross_service"] == "true" for r in rows)
    assert all("messaging" in (r["service"], r["ref_service"]) for r in rows)


def test_service_page_offers_graphviz_pictures(demo: Served, page: Any, artifacts_dir: Path) -> None:
    page.goto(demo.url + "/service/messaging")
    page.wait_for_selector("#fk-export-menu")
    open_menu(page)
    page.screenshot(path=str(artifacts_dir / "service-export-menu.png"))
    name, svg = download(page, "#fk-export-menu button:text-is('SVG (Graphviz)')", artifacts_dir)
    assert name == "fkmap-service-messaging.svg"
    _, texts = svg_texts(svg)
    assert {"messaging", "auth"} <= texts
    name, png = download(page, "#fk-export-menu button:text-is('PNG (Graphviz)')", artifacts_dir)
    assert name == "fkmap-service-messaging.png" and png_size(png)[0] > 100


@pytest.mark.parametrize("path", ["/", "/tables", "/service/auth"])
def test_presentation_mode_hides_the_menu(demo: Served, page: Any, path: str) -> None:
    page.goto(demo.url + path)
    page.wait_for_selector("#fk-export-menu")
    assert page.locator("#fk-export-menu > summary").is_visible()
    page.goto(demo.url + path + "?present=1")
    page.wait_for_selector(".app.present #fk-export-menu", state="attached")
    assert not page.locator("#fk-export-menu").is_visible()
