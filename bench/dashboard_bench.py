"""Dashboard speed: time to a painted table graph, and a filter change's server time.

Not a unit test. Run ``.venv/bin/python bench/dashboard_bench.py [SIZES...]``
(default 500 and 2000 tables). For each generated inventory it serves the app
on 127.0.0.1, opens ``/tables`` in headless Chromium (/usr/bin/chromium) and
reports, per size:

* ``paint``: milliseconds from navigation start until the table graph is
  drawn (every table, or one node per service beyond ``ui.lod.LOD_TABLES``)
  and two animation frames have passed (median of 3 warm loads; the first,
  cold load is reported too);
* ``filter server``: milliseconds the server spends on one filter-change
  callback (``POST /_dash-update-component``), uncached and cached;
* ``filter in browser``: unticking ON DELETE CASCADE until the new graph has
  painted.

Targets: 2,000 tables painted in under 2 s; a filter under 300 ms server time.
Screenshots of each view go to ``bench/out/`` (not versioned).

:func:`pages` measures one inventory the way a user meets it (``bench/run.py``
calls it for the demo, 2,000 and 20,000 tables): first paint and one
interaction on the overview (tapping its largest service open) and on the
table graph (unticking ON DELETE CASCADE), in milliseconds.
"""

from __future__ import annotations

import logging
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from tests.ui.fixtures import generated  # noqa: E402
from ui import ids  # noqa: E402
from ui.data import build_app_data  # noqa: E402
from ui.elements import table_view  # noqa: E402
from ui.state import ON_DELETE_KINDS, TableFilter  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
OUT = ROOT / "bench" / "out"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

OVERVIEW_PAINTED = """(n) => new Promise((resolve) => {
  const check = () => {
    const el = document.getElementById('fk-service-graph');
    const cy = el && el._cyreg && el._cyreg.cy;
    if (cy && cy.nodes().length === n) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else { setTimeout(check, 10); }
  };
  check();
})"""
#: Milliseconds until the table graph's n-th draw (``window.fkmapDraws``, assets/fkmap.js) has painted.
DRAWN = """(n) => new Promise((resolve) => {
  const check = () => {
    if ((window.fkmapDraws || 0) >= n) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else { setTimeout(check, 10); }
  };
  check();
})"""
TAP_LARGEST = """() => {
  const cy = document.getElementById('fk-service-graph')._cyreg.cy;
  const nodes = cy.nodes('.service').sort((a, b) => b.data('tables') - a.data('tables'));
  const before = cy.elements().length;
  nodes[0].emit('tap');
  return before;
}"""
ELEMENTS_CHANGED = """(n) => new Promise((resolve) => {
  const check = () => {
    const cy = document.getElementById('fk-service-graph')._cyreg.cy;
    if (cy.elements().length !== n) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else { setTimeout(check, 10); }
  };
  check();
})"""


TABLE_NODES = "(n) => document.getElementById('fk-table-graph')._cyreg.cy.nodes().length === n"


def _overview_nodes(inv: Any) -> int:
    from ui.pages.overview_scale import top_of
    from ui.service_elements import service_elements

    data = build_app_data(inv)
    return sum(1 for e in service_elements(data, top=top_of(data, None)) if "source" not in e["data"])


def _timed_click(page: Any, click: Any, wait: str, arg: Any) -> float:
    start = page.evaluate("() => performance.now()")
    before = click()
    end = page.evaluate(wait, before if arg is None else arg)
    return float(end - start)


def pages(inv: Any, browser: Any, *, loads: int = 3) -> dict[str, float]:
    """First paint and one interaction, overview and table graph, for ``inv`` (medians of warm runs).

    ``overview_paint_ms``/``tables_paint_ms``: navigation start until the graph
    holds its nodes and two frames have passed; ``overview_expand_ms``: tapping
    the largest service until its tables are drawn; ``tables_filter_ms``:
    unticking ON DELETE CASCADE (a change of the picture at every size) until
    the new graph has painted. The
    table graph is measured as drawn, aggregated or not (:mod:`ui.lod`).
    """
    from werkzeug.serving import make_server

    from ui.lod import lod_view

    nodes = _overview_nodes(inv)
    view = lod_view(build_app_data(inv), TableFilter())
    table_nodes = sum(1 for e in view.elements if "source" not in e["data"])
    app = create_app(inventory=inv)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    result: dict[str, list[float]] = {k: [] for k in ("op", "oe", "tp", "tf")}
    for _ in range(loads + 1):  # the first load is cold: left out
        page.goto(base + "/", wait_until="commit")
        result["op"].append(page.evaluate(OVERVIEW_PAINTED, nodes))
        result["oe"].append(_timed_click(page, lambda: page.evaluate(TAP_LARGEST), ELEMENTS_CHANGED, None))
        page.goto(base + "/tables", wait_until="commit")
        result["tp"].append(page.evaluate(DRAWN, 1))
        page.wait_for_function(TABLE_NODES, arg=table_nodes)
        result["tf"].append(
            _timed_click(page, lambda: page.locator(f"#{ids.FILTER_ON_DELETE} label").first.click(), DRAWN, 2)
        )
    context.close()
    server.shutdown()
    med = {k: statistics.median(v[1:]) for k, v in result.items()}
    return {
        "tables": len(inv.tables),
        "services": len({t.service for t in inv.tables}),
        "overview_paint_ms": med["op"],
        "overview_expand_ms": med["oe"],
        "tables_paint_ms": med["tp"],
        "tables_filter_ms": med["tf"],
        "tables_drawn_nodes": table_nodes,
        "tables_aggregated": view.aggregated,
    }


def _filter_body(client: Any, on_delete: list[str], checks: list[str]) -> dict[str, Any]:
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if d["output"].startswith(f"..{ids.TABLE_PAYLOAD}.data"))
    props = [part.split(".", 1) for part in dep["output"].strip(".").split("...")]
    values = {
        ids.FILTER_SERVICES: [],
        ids.FILTER_CROSS: checks,
        ids.FILTER_ON_DELETE: on_delete,
        ids.FILTER_ORIGIN: ["declared", "inferred"],
        ids.FILTER_FOCUS: None,
        ids.FILTER_HOPS: 1,
        ids.FILTER_LAYOUT: "preset",
    }
    return {
        "output": dep["output"],
        "outputs": [{"id": i, "property": p} for i, p in props],
        "inputs": [{"id": k, "property": "value", "value": v} for k, v in values.items()],
        "state": [
            {"id": ids.URL, "property": "pathname", "value": "/tables"},
            {"id": ids.URL, "property": "search", "value": ""},
            {"id": ids.TABLE_DRAWN, "property": "data", "value": {"drawn": 1}},
        ],
        "changedPropIds": [f"{ids.FILTER_CROSS}.value"],
    }


def filter_server_ms(app: Any) -> tuple[float, float]:
    """(uncached, cached) milliseconds of one filter-change callback through the WSGI app."""
    client = app.server.test_client()
    combos = [list(ON_DELETE_KINDS[:k]) for k in range(1, 5)]
    uncached, cached = [], []
    for kinds in combos:
        body = _filter_body(client, kinds, ["cross"])
        start = time.perf_counter()
        r = client.post("/_dash-update-component", json=body)
        uncached.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, r.status_code
        start = time.perf_counter()
        client.post("/_dash-update-component", json=body)
        cached.append((time.perf_counter() - start) * 1000)
    return statistics.median(uncached), statistics.median(cached)


def run(size: int, browser: Any) -> dict[str, float]:
    from werkzeug.serving import make_server

    inv = generated(size)
    t0 = time.perf_counter()
    data = build_app_data(inv)
    build_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    table_view(data, TableFilter())
    view_ms = (time.perf_counter() - t0) * 1000
    app = create_app(inventory=inv)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/tables"
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    paints = []
    for _ in range(4):
        page.goto(url, wait_until="commit")
        paints.append(page.evaluate(DRAWN, 1))  # drawn table by table or aggregated (ui.lod)
    page.wait_for_timeout(300)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"tables-{size}.png"))
    start = time.perf_counter()
    page.locator(
        f"#{ids.FILTER_ON_DELETE} label"
    ).first.click()  # untick CASCADE: a new picture at every size
    page.evaluate(DRAWN, 2)
    click_ms = (time.perf_counter() - start) * 1000
    context.close()
    server.shutdown()
    uncached, cached = filter_server_ms(create_app(inventory=inv))
    return {
        "tables": size,
        "fks": len(inv.foreign_keys),
        "build_ms": build_ms,
        "view_ms": view_ms,
        "paint_cold_ms": paints[0],
        "paint_ms": statistics.median(paints[1:]),
        "filter_server_ms": uncached,
        "filter_server_cached_ms": cached,
        "filter_browser_ms": click_ms,
    }


def _inventory(source: str) -> Any:
    """``demo`` (the bundled demo, scanned) or a scan saved with ``fkmap scan --format json``."""
    import json

    if source == "demo":
        from ownership.scan import scan

        return scan([str(ROOT / "examples" / "demo")])
    from ingest.saved import load_document

    return load_document(json.loads(Path(source).read_text(encoding="utf-8")))


def main_pages(sources: list[str]) -> int:
    """``dashboard_bench.py pages demo M.json L.json``: :func:`pages` of each, with ratios to the first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        results = [pages(_inventory(s), browser) for s in sources]
        browser.close()
    keys = ("overview_paint_ms", "overview_expand_ms", "tables_paint_ms", "tables_filter_ms")
    print(f"{'source':>24} {'tables':>7} " + " ".join(f"{k[:-3]:>22}" for k in keys))
    for source, r in zip(sources, results, strict=True):
        cells = [f"{r[k]:>8.0f}ms ({r[k] / results[0][k]:>4.1f}x)" for k in keys]
        print(f"{source[-24:]:>24} {r['tables']:>7} " + " ".join(f"{c:>22}" for c in cells))
    return 0


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if argv[:1] == ["pages"]:
        return main_pages(argv[1:] or ["demo"])
    sizes = [int(a) for a in argv] or [500, 2000]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        results = [run(size, browser) for size in sizes]
        browser.close()
    head = f"{'tables':>7} {'FKs':>6} {'data':>7} {'view':>7} {'paint(cold)':>12} {'paint':>7} "
    head += f"{'filter srv':>11} {'(cached)':>9} {'filter UI':>10}"
    print(head)
    for r in results:
        print(
            f"{r['tables']:>7} {r['fks']:>6} {r['build_ms']:>6.0f}ms {r['view_ms']:>6.0f}ms "
            f"{r['paint_cold_ms']:>10.0f}ms {r['paint_ms']:>5.0f}ms {r['filter_server_ms']:>9.0f}ms "
            f"{r['filter_server_cached_ms']:>7.0f}ms {r['filter_browser_ms']:>8.0f}ms"
        )
    big = max(results, key=lambda r: r["tables"])
    ok_paint = big["paint_ms"] < 2000
    ok_filter = all(r["filter_server_ms"] < 300 for r in results)
    print(f"target paint {big['tables']} tables < 2000 ms: {'OK' if ok_paint else 'MISSED'}")
    print(f"target filter server time < 300 ms: {'OK' if ok_filter else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
