"""The table graph opens fitted to its canvas, also when the canvas resizes before the first frame.

dash-cytoscape's responsive helper puts back, at each "resize", the viewport it saw at the last
"render"; the graph's first frame can come late (a large graph, a busy machine), and a resize
before it took the graph back to the empty canvas's zoom 1 (seen on half the page loads of a
loaded two-CPU machine). The test makes that resize happen at the worst moment, right after the
draw, before any frame."""

from __future__ import annotations

from typing import Any

from tests.ui.browser import Served, wait_settled
from ui import ids

#: Emit a "resize" on the table graph right when fkmap.js counts a finished draw.
RESIZE_AT_DRAW = """
(() => {
  let draws = 0;
  Object.defineProperty(window, "fkmapDraws", {
    configurable: true,
    get() { return draws; },
    set(value) {
      draws = value;
      const el = document.getElementById("fk-table-graph");
      const cy = el && el._cyreg && el._cyreg.cy;
      if (cy) { cy.emit("resize"); }
    },
  });
})();
"""

VIEW = """(id) => { const cy = document.getElementById(id)._cyreg.cy;
  const b = cy.elements().renderedBoundingBox({includeLabels: false});
  return {zoom: cy.zoom(), x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2, w: cy.width(), h: cy.height()}; }"""


def test_the_table_graph_opens_fitted_even_when_resized_before_its_first_frame(
    demo: Served, page: Any
) -> None:
    page.add_init_script(RESIZE_AT_DRAW)
    page.goto(demo.url + "/tables")
    page.wait_for_function("() => window.fkmapDraws >= 1", timeout=20000)
    wait_settled(page, ids.TABLE_GRAPH)
    view = page.evaluate(VIEW, ids.TABLE_GRAPH)
    slack = 2
    assert -slack <= view["x1"] and view["x2"] <= view["w"] + slack, view  # the whole graph in view
    assert -slack <= view["y1"] and view["y2"] <= view["h"] + slack, view
    # and fitted: it spans the canvas on one axis, less its padding
    assert max((view["x2"] - view["x1"]) / view["w"], (view["y2"] - view["y1"]) / view["h"]) > 0.8, view
