"""What the browser tests share: the served app, the demo inventory and the waits on Cytoscape graphs.

Every wait polls the page for the state a test asserts and fails with a message when it never comes;
none sleeps a fixed time in the hope that the page has caught up.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path
from typing import Any

from model.inventory import Inventory

ROOT = Path(__file__).resolve().parents[2]

#: True when the graph's pan and zoom are the same on two reads 300 ms apart: its fit or animation is over.
SETTLED = """(id) => new Promise(resolve => {
  const cy = document.getElementById(id)._cyreg.cy;
  const at = () => JSON.stringify([cy.zoom(), cy.pan()]);
  const first = at(); setTimeout(() => resolve(first === at()), 300); })"""


def demo_inventory() -> Inventory:
    """The bundled demo (examples/demo) as ``fkmap scan`` reads it."""
    from ownership.scan import scan

    inv = scan([str(ROOT / "examples" / "demo")])
    assert inv.tables and inv.foreign_keys, "the demo scanned to nothing"
    return inv


class Served:
    """A create_app instance served by werkzeug on 127.0.0.1 and a free port."""

    def __init__(
        self,
        inventory: Inventory | None = None,
        *,
        sources: list[str] | None = None,
        state: str | None = None,
        **options: Any,
    ) -> None:
        """Serve ``inventory``, or a scan of ``sources`` (``options`` go to ``create_app``: ``infer``...)."""
        from werkzeug.serving import make_server

        from app import create_app

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._inventory = inventory
        # a store of its own, never the checkout's
        self.state = state or str(Path(tempfile.mkdtemp(prefix="fkmap-served-")) / "state.db")
        app = create_app(sources, inventory=inventory, state=self.state, **options)
        self.server = make_server("127.0.0.1", 0, app.server, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def inventory(self) -> Inventory:
        """The inventory served (not kept when the app scanned ``sources`` itself)."""
        assert self._inventory is not None, "served from sources: the app holds the scan"
        return self._inventory

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


def cy_count(page: Any, graph_id: str, what: str) -> int:
    """How many elements ``cy.<what>`` selects in the graph ``graph_id``."""
    return int(page.evaluate(f"() => document.getElementById('{graph_id}')._cyreg.cy.{what}.length"))


def wait_for_graph(page: Any, graph_id: str, nodes: int) -> None:
    """Until the graph draws ``nodes`` owned nodes, then until its first fit is over."""
    page.wait_for_function(
        "([id, n]) => { const el = document.getElementById(id);"
        " return !!(el && el._cyreg && el._cyreg.cy && el._cyreg.cy.nodes().not('.unowned').length === n); }",
        arg=[graph_id, nodes],
        timeout=15000,
    )
    wait_settled(page, graph_id)


def wait_settled(page: Any, graph_id: str) -> None:
    """Until the graph's pan and zoom stop moving (:data:`SETTLED`); fails after about 12 s."""
    for _ in range(40):
        if page.evaluate(SETTLED, graph_id):
            return
    raise AssertionError(f"{graph_id} never settled")


def click_node(page: Any, graph_id: str, service: str) -> None:
    """Click the node of ``service`` (the corner of its box when it is an expanded cluster)."""
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
