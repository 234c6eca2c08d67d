"""Inventory graph -> Cytoscape elements, with positions computed on the server.

Large views paint fast only with a ``preset`` layout, so positions are computed
here: each service's tables on a compact grid (most referenced first), the
service clusters packed in rows. Results are cached per inventory fingerprint
and filter (:func:`table_view` is an ``lru_cache``), so switching back to a view
costs nothing. Node and edge ids are short generated ids (``t12``, ``e40``,
``s3``) that never contain names; names travel only in ``data.label``, which
Cytoscape draws on a canvas as text.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict, deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.analysis import service_graph
from model.inventory import Table, TableRef
from model.names import distinct_labels
from ui.data import AppData, service_of
from ui.state import ORIGINS, TableFilter
from ui.theme import danger_of, service_colour

__all__ = [
    "DAGRE_MAX",
    "SMALL_VIEW",
    "TableView",
    "colour_of",
    "cytoscape_layout",
    "label_of",
    "layout_options",
    "node_id",
    "present_table",
    "services_graph",
    "table_elements",
    "table_labels",
    "table_names",
    "table_options",
    "table_selection",
    "table_view",
    "text_width",
]

#: Views up to this many tables also offer client-side force/concentric layouts.
SMALL_VIEW = 300
#: dagre crashes on large compound graphs: offered only up to this many tables.
DAGRE_MAX = 200
Element = dict[str, Any]
Pos = tuple[float, float]


@functools.lru_cache(maxsize=16)
def services_graph(data: AppData) -> nx.DiGraph:
    """:func:`graph.analysis.service_graph` of ``data``, cached per fingerprint.

    A service that holds no table but reads or writes another service's table
    (:attr:`~model.inventory.Inventory.shared_access`) is a node too, with 0
    tables and ``code_only=True`` (the exports, which follow FKs, do not know it).
    """
    S = service_graph(data.graph)
    for access in data.inventory.shared_access:
        if access.service not in S:
            S.add_node(access.service, tables=0, code_only=True)
    return S


def node_id(data: AppData, service: str) -> str:
    return f"s{data.services.index(service)}" if service in data.services else f"s-{len(data.services)}"


def colour_of(data: AppData, service: str) -> str:
    return service_colour(data.services.index(service)) if service in data.services else "#bab0ac"


def label_of(ref: TableRef) -> str:
    return ref.name if ref.schema in ("public", "", "dbo", "main") else ref.qualified


@functools.lru_cache(maxsize=8)
def table_labels(data: AppData) -> dict[TableRef, str]:
    """Every table's graph label (:func:`label_of`), database-qualified where two would collide."""
    return distinct_labels(data.graph.nodes, label_of)


@functools.lru_cache(maxsize=8)
def table_names(data: AppData) -> dict[TableRef, str]:
    """Every table's ``schema.name`` for lists and grids, database-qualified where two would collide."""
    return distinct_labels(data.graph.nodes)


def text_width(label: str, size: int) -> int:
    """Approximate pixel width of ``label`` at ``size`` px (Cytoscape needs a number)."""
    return int(len(label) * size * 0.6) + 14


def present_table(table: Table) -> bool:
    return table.dropped_at is None and not table.external


# ------------------------------------------------------------- table view ---


@dataclass(frozen=True)
class TableView:
    """One filtered table-level view: elements with preset positions and its counts."""

    elements: tuple[Element, ...]
    tables: int
    edges: int
    cross: int
    clusters: int
    bbox: dict[str, float] | None = None
    #: Services drawn as one aggregate node each (:mod:`ui.lod`); 0 when every table is drawn.
    aggregated: int = 0
    #: Inferred references among ``edges`` (and ``cross``): counted apart, drawn dashed.
    inferred: int = 0

    @property
    def large(self) -> bool:
        """True when the view is too big for client-side force layouts."""
        return self.tables > SMALL_VIEW


def _edge_filtered(flt: TableFilter) -> bool:
    return flt.cross_only or bool(flt.on_delete) or tuple(flt.origins) != ORIGINS


def _neighbourhood(start: TableRef, edges: Iterable[tuple[TableRef, TableRef]], hops: int) -> set[TableRef]:
    adj: dict[TableRef, set[TableRef]] = defaultdict(set)
    for u, v in edges:
        adj[u].add(v)
        adj[v].add(u)
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        node, depth = queue.popleft()
        if depth == hops:
            continue
        for nxt in sorted(adj[node]):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, depth + 1))
    return seen


@functools.lru_cache(maxsize=64)
def table_view(data: AppData, flt: TableFilter) -> TableView:
    """The table-level view for ``flt`` (cached per inventory fingerprint and filter).

    Services become compound nodes holding their tables. With an edge filter
    (cross-service only, ON DELETE kinds, origins) only tables touching a kept
    edge are shown; with ``focus`` only the ``hops``-neighbourhood of that table.
    """
    nodes, keep, focus = table_selection(data, flt)
    return table_elements(data, nodes, keep, focus)


Kept = tuple[TableRef, TableRef, int, dict[str, Any]]


@functools.lru_cache(maxsize=16)
def table_selection(
    data: AppData, flt: TableFilter
) -> tuple[frozenset[TableRef], tuple[Kept, ...], TableRef | None]:
    """The tables and FKs (``(u, v, key, attributes)``) ``flt`` keeps, and the focused table."""
    G = data.graph
    chosen = set(flt.services) & set(data.services)
    keep = []
    for u, v, k, d in G.edges(keys=True, data=True):
        if d["state"] != "present" and not flt.include_dropped:
            continue
        if d["origin"] not in flt.origins or (flt.on_delete and d["on_delete"] not in flt.on_delete):
            continue
        if flt.cross_only and not d["cross_service"]:
            continue
        if chosen and not {service_of(G.nodes[u]["table"]), service_of(G.nodes[v]["table"])} & chosen:
            continue
        keep.append((u, v, k, d))
    nodes = {x for u, v, _, _ in keep for x in (u, v)}
    if not _edge_filtered(flt):
        for ref, d in G.nodes(data=True):
            t = d["table"]
            shown = (not chosen or service_of(t) in chosen) and not t.external
            if shown and (t.dropped_at is None or flt.include_dropped):
                nodes.add(ref)
    focus = data.by_label.get(flt.focus)
    if focus is not None:
        nodes = _neighbourhood(focus, ((u, v) for u, v, _, _ in keep), flt.hops)
        keep = [e for e in keep if e[0] in nodes and e[1] in nodes]
    return frozenset(nodes), tuple(keep), focus


def table_elements(
    data: AppData, nodes: Collection[TableRef], keep: Collection[Kept], focus: TableRef | None
) -> TableView:
    """Every table of ``nodes`` and FK of ``keep`` as elements, services packed as clusters."""
    G = data.graph
    groups: dict[str, list[TableRef]] = defaultdict(list)
    for ref in nodes:
        groups[service_of(G.nodes[ref]["table"])].append(ref)
    order = sorted(groups, key=lambda s: (data.services.index(s) if s in data.services else 1 << 30, s))
    large = len(nodes) > SMALL_VIEW
    labels = table_labels(data)
    positions, rects = _pack(
        [sorted(groups[s], key=lambda r: (-G.in_degree(r), r.name)) for s in order], large, labels
    )
    elements: list[Element] = []
    for service, (cx, cy, w, h) in zip(order, rects, strict=True):
        cluster: Element = {
            "data": {
                "id": f"c{node_id(data, service)[1:]}",
                "label": f"{service} ({len(groups[service])})",
                "kind": "cluster",
                "service": service,
                "colour": colour_of(data, service),
            },
            "classes": "cluster",
        }
        if large:  # a plain rectangle behind the tables: compound nodes are too slow to paint at scale
            cluster["data"].update(cw=round(w, 1), ch=round(h, 1))
            cluster["position"] = {"x": cx, "y": cy}
            cluster["classes"] = "cluster flat"
        elements.append(cluster)
    for service in order:
        for ref in groups[service]:
            t: Table = G.nodes[ref]["table"]
            classes = ["table"]
            if t.external:
                classes.append("external")
            if t.replica_of:
                classes.append("replica")
            if ref == focus:
                classes.append("focus")
            x, y = positions[ref]
            extra = {} if large else {"parent": f"c{node_id(data, service)[1:]}"}
            elements.append(
                {
                    "data": {
                        "id": data.table_ids[ref],
                        "label": labels[ref],
                        "w": 18 if large else text_width(labels[ref], 11),
                        "full": str(ref),
                        "kind": "table",
                        "service": service,
                        "colour": colour_of(data, service),
                        **extra,
                    },
                    "position": {"x": x, "y": y},
                    "classes": " ".join(classes),
                }
            )
    cross = 0
    for u, v, k, d in keep:
        classes = ["cross", danger_of(d["on_delete"])] if d["cross_service"] else ["internal"]
        cross += d["cross_service"]
        if d["origin"] == "inferred":
            classes.append("inferred")
        if d["state"] == "dropped":
            classes.append("dropped")
        elements.append(
            {
                "data": {
                    "id": data.edge_ids[u, v, k],
                    "source": data.table_ids[u],
                    "target": data.table_ids[v],
                    "on_delete": d["on_delete"],
                    "cross": bool(d["cross_service"]),
                },
                "classes": " ".join(classes),
            }
        )
    inferred = sum(1 for *_, d in keep if d["origin"] != "declared")
    return TableView(
        tuple(elements), len(nodes), len(keep), cross, len(order), _bbox(rects), inferred=inferred
    )


def _bbox(rects: list[Rect]) -> dict[str, float] | None:
    """Bounding box of the cluster rectangles, with room for their labels."""
    if not rects:
        return None
    return {
        "x1": min(cx - w / 2 for cx, _, w, _ in rects) - 20,
        "y1": min(cy - h / 2 for _, cy, _, h in rects) - 40,
        "x2": max(cx + w / 2 for cx, _, w, _ in rects) + 20,
        "y2": max(cy + h / 2 for _, cy, _, h in rects) + 20,
    }


Rect = tuple[float, float, float, float]


def _pack(
    groups: list[list[TableRef]], large: bool, labels: dict[TableRef, str]
) -> tuple[dict[TableRef, Pos], list[Rect]]:
    """Grid each group, then pack the groups in rows (shelf packing).

    Returns table centres and, per group, its rectangle ``(cx, cy, width, height)``
    around the tables (with room for the node size and a margin).
    """
    height = 44.0 if large else 56.0
    boxes = []
    for refs in groups:
        width = (
            64.0 if large else max(90.0, max((text_width(labels[r], 11) for r in refs), default=40) + 30.0)
        )
        cols = max(1, min(len(refs), math.ceil(math.sqrt(len(refs) * height / width * 1.6))))
        rows = math.ceil(len(refs) / cols)
        boxes.append((refs, cols, width, cols * width, rows * height))
    gap = 70.0 if large else 90.0
    area = sum((b[3] + gap) * (b[4] + gap) for b in boxes)
    row_width = max([b[3] for b in boxes] + [math.sqrt(area * 1.8)])
    positions: dict[TableRef, Pos] = {}
    rects: list[Rect] = []
    x = y = row_height = 0.0
    for refs, cols, width, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + gap, 0.0
        for i, ref in enumerate(refs):  # cell centres, so a group never reaches into the next one
            cx, cy = x + width / 2 + (i % cols) * width, y + height / 2 + (i // cols) * height
            positions[ref] = (round(cx, 1), round(cy, 1))
        rows = math.ceil(len(refs) / cols)
        rects.append((round(x + w / 2, 1), round(y + rows * height / 2, 1), w, rows * height))
        x += w + gap
        row_height = max(row_height, h)
    return positions, rects


@functools.lru_cache(maxsize=8)
def table_options(data: AppData) -> tuple[dict[str, str], ...]:
    """Options of the table search box: every table, labelled ``schema.name · service``.

    Same-name tables carry their database (:func:`table_names`).
    """
    G = data.graph
    names = table_names(data)
    return tuple(
        {"label": f"{names[ref]} · {service_of(d['table'])}", "value": str(ref)}
        for ref, d in sorted(G.nodes(data=True), key=lambda nd: (nd[0].name, nd[0]))
    )


_LAYOUTS = {
    "preset": ("Clustered (server)", {"name": "preset", "fit": True, "padding": 24, "animate": False}),
    "cose": (
        "Force-directed (cose)",
        {"name": "cose", "animate": False, "nodeDimensionsIncludeLabels": True, "randomize": False},
    ),
    "concentric": ("Concentric", {"name": "concentric", "animate": False, "minNodeSpacing": 16}),
    "breadthfirst": ("Tree (breadth-first)", {"name": "breadthfirst", "directed": True, "animate": False}),
    "grid": ("Grid", {"name": "grid", "animate": False}),
    "circle": ("Circle", {"name": "circle", "animate": False}),
    "dagre": ("Hierarchical (dagre)", {"name": "dagre", "rankDir": "LR", "animate": False}),
}


def layout_options(tables: int) -> list[dict[str, str]]:
    """Layouts offered for a view of ``tables`` tables (dagre only when small).

    >>> [o["value"] for o in layout_options(5000)]
    ['preset', 'grid', 'circle']
    >>> "dagre" in [o["value"] for o in layout_options(150)]
    True
    """
    allowed = ["preset", "grid", "circle"]
    if tables <= SMALL_VIEW:
        allowed = ["preset", "cose", "concentric", "breadthfirst", "grid", "circle"]
    if tables <= DAGRE_MAX:
        allowed.append("dagre")
    return [{"label": _LAYOUTS[name][0], "value": name} for name in allowed]


def cytoscape_layout(name: str, tables: int) -> dict[str, Any]:
    """The Cytoscape layout dict for ``name``, falling back to ``preset`` when not offered.

    >>> cytoscape_layout("cose", 2000)["name"]
    'preset'
    """
    if name not in {o["value"] for o in layout_options(tables)}:
        name = "preset"
    return dict(_LAYOUTS[name][1])
