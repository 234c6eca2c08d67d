"""Level of detail of the table graph: beyond :data:`LOD_TABLES` tables, services are drawn as one node each.

A browser paints a few thousand Cytoscape elements smoothly, not fifty
thousand. When a filtered view holds more than :data:`LOD_TABLES` tables,
each service becomes one *aggregate* node (its label says how many tables
it holds) and the FKs between two services one edge carrying their count
and the most dangerous ON DELETE. Services the user opens (tapping an
aggregate node) are drawn table by table beside the aggregates. Smaller
views are exactly :func:`ui.elements.table_view`. The user may lower the
threshold (:data:`LOD_CHOICES`); the opened services and that choice ride in
the URL (:class:`ui.state.ViewState` ``opened`` and ``lod``).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from typing import Any

from model.inventory import TableRef
from ui.data import AppData, service_of
from ui.elements import (
    Element,
    Kept,
    TableView,
    colour_of,
    node_id,
    table_elements,
    table_selection,
)
from ui.state import TableFilter
from ui.theme import danger_of, worst_action

__all__ = ["AGGREGATE_FONT", "LOD_CHOICES", "LOD_TABLES", "aggregate_id", "limit_of", "lod_view", "opened"]

#: Views with more tables than this draw services as aggregate nodes.
LOD_TABLES = 1500
#: Thresholds the user may choose (the URL's ``lod``): lower ones aggregate smaller views, none
#: draws more tables than :data:`LOD_TABLES`, what the browser was measured to handle smoothly.
LOD_CHOICES = (250, 500, 1000, LOD_TABLES)
#: Label size of an aggregate node (model units).
AGGREGATE_FONT = 22
_CELL = (240.0, 200.0)
#: Above this many summary edges they are drawn faint and without their count.
FAINT_EDGES = 150


def aggregate_id(data: AppData, service: str) -> str:
    """Cytoscape id of a service's aggregate node (``a3``)."""
    return "a" + node_id(data, service)[1:]


def opened(current: Any, service: Any) -> tuple[str, ...]:
    """The opened services after tapping ``service`` (a list from the page's store, or None).

    >>> opened(["auth"], "billing"), opened(None, "auth"), opened(["auth"], "auth")
    (('auth', 'billing'), ('auth',), ('auth',))
    """
    names = [str(s) for s in (current or []) if isinstance(s, str)]
    if isinstance(service, str) and service and service not in names:
        names.append(service)
    return tuple(names)


def limit_of(lod: int | None) -> int:
    """The threshold a URL's ``lod`` asks for, within the choices' range (None: the default).

    >>> limit_of(None), limit_of(500), limit_of(10), limit_of(99_999)
    (1500, 500, 250, 1500)
    """
    return LOD_TABLES if lod is None else max(LOD_CHOICES[0], min(lod, LOD_TABLES))


@functools.lru_cache(maxsize=32)
def lod_view(
    data: AppData, flt: TableFilter, open_: tuple[str, ...] = (), limit: int = LOD_TABLES
) -> TableView:
    """The table graph for ``flt``: every table up to ``limit`` tables, else aggregates plus ``open_``."""
    nodes, keep, focus = table_selection(data, flt)
    if len(nodes) <= limit:
        return table_elements(data, nodes, keep, focus)
    G = data.graph
    groups: dict[str, list[TableRef]] = defaultdict(list)
    for ref in nodes:
        groups[service_of(G.nodes[ref]["table"])].append(ref)
    shown = {s for s in open_ if s in groups}
    inner = table_elements(
        data,
        [r for s in shown for r in groups[s]],
        [e for e in keep if _service(data, e[0]) in shown and _service(data, e[1]) in shown],
        focus,
    )
    closed = sorted((s for s in groups if s not in shown), key=lambda s: (-len(groups[s]), s))
    aggregates, height = _aggregates(data, closed, groups)
    elements: list[Element] = aggregates
    for element in inner.elements:  # the opened services go below the aggregates
        if "position" in element:
            p = element["position"]
            element = {**element, "position": {"x": p["x"], "y": p["y"] + height}}
        elements.append(element)
    elements.extend(_summary_edges(data, keep, shown))
    bbox = _bbox(len(closed), height, inner.bbox)
    cross = sum(1 for e in keep if e[3]["cross_service"])
    inferred = sum(1 for e in keep if e[3]["origin"] != "declared")
    return TableView(
        tuple(elements),
        len(nodes),
        len(keep),
        cross,
        len(groups),
        bbox,
        aggregated=len(closed),
        inferred=inferred,
    )


def _service(data: AppData, ref: TableRef) -> str:
    return service_of(data.graph.nodes[ref]["table"])


def _aggregates(
    data: AppData, closed: list[str], groups: dict[str, list[TableRef]]
) -> tuple[list[Element], float]:
    """One node per closed service on a grid (largest first), and the grid's height."""
    cols = _columns(len(closed))
    biggest = max((len(groups[s]) for s in closed), default=1)
    nodes = []
    for i, service in enumerate(closed):
        n = len(groups[service])
        nodes.append(
            {
                "data": {
                    "id": aggregate_id(data, service),
                    "label": f"{service}\n{n:,} tables",
                    "kind": "aggregate",
                    "service": service,
                    "tables": n,
                    "colour": colour_of(data, service),
                    "size": round(40 + 70 * math.sqrt(n / biggest), 1),
                },
                "position": {"x": (i % cols + 0.5) * _CELL[0], "y": (i // cols + 0.5) * _CELL[1]},
                "classes": "aggregate",
            }
        )
    rows = math.ceil(len(closed) / cols) if closed else 0
    return nodes, rows * _CELL[1] + (120.0 if rows else 0.0)


def _summary_edges(data: AppData, keep: tuple[Kept, ...], shown: set[str]) -> list[Element]:
    """FKs with an end in a closed service, one edge per pair of drawn endpoints and origin (inferred
    references apart: class ``inferred``, drawn dashed)."""
    found: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
    for u, v, _, d in keep:
        su, sv = _service(data, u), _service(data, v)
        if su in shown and sv in shown:
            continue  # drawn table to table by table_elements
        src = data.table_ids[u] if su in shown else aggregate_id(data, su)
        dst = data.table_ids[v] if sv in shown else aggregate_id(data, sv)
        if src != dst:
            found[src, dst, d["origin"] != "declared"].append(d["on_delete"] if d["cross_service"] else "")
    edges = []
    faint = len(found) > FAINT_EDGES
    for (src, dst, inferred), actions in sorted(found.items()):
        cross = [a for a in actions if a]
        n = len(actions)
        classes = ["summary", "cross", danger_of(worst_action(cross))] if cross else ["summary", "internal"]
        classes += ["faint"] if faint else []
        classes += ["inferred"] if inferred else []
        edges.append(
            {
                "data": {
                    "id": f"{src}-{dst}" + ("-i" if inferred else ""),
                    "source": src,
                    "target": dst,
                    "count": n,
                    "label": str(n),
                    "width": round(min(14.0, 1.5 + 1.6 * math.sqrt(n)), 1),
                    "on_delete": worst_action(cross),
                    "cross": bool(cross),
                },
                "classes": " ".join(classes),
            }
        )
    return edges


def _columns(count: int) -> int:
    """Columns of the aggregate grid: about as wide as a 3:2 canvas.

    >>> _columns(40), _columns(1)
    (8, 1)
    """
    return max(1, min(count, math.ceil(math.sqrt(count * 1.5 * _CELL[1] / _CELL[0]))))


def _bbox(closed: int, height: float, inner: dict[str, float] | None) -> dict[str, float]:
    cols = _columns(closed)
    box = {"x1": -40.0, "y1": -40.0, "x2": min(closed, cols) * _CELL[0] + 40.0, "y2": height}
    if inner is not None:
        box = {
            "x1": min(box["x1"], inner["x1"]),
            "y1": box["y1"],
            "x2": max(box["x2"], inner["x2"]),
            "y2": inner["y2"] + height,
        }
    return box
