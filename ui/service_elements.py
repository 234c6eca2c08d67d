"""The overview's service graph as Cytoscape elements, with server-side positions.

One node per service (sized by its tables), one edge per coupled pair; a service
listed in ``expanded`` becomes a cluster (compound node) of its tables and their
coupling edges. FKs into tables no service owns end at one "unowned" node, and
code reading or writing another service's table draws a dotted edge
(:mod:`ui.ownership_elements`). Base positions come from a seeded spring layout,
cached per inventory fingerprint; clusters push their neighbours away so
nothing overlaps.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np

from model.inventory import TableRef
from ui.data import AppData, service_of
from ui.elements import (
    Element,
    Pos,
    colour_of,
    node_id,
    present_table,
    services_graph,
    table_labels,
    text_width,
)
from ui.overview_layout import Box, compact, footprint, label_box, label_sides, make_room, separate
from ui.ownership_elements import (
    UNOWNED_KEY,
    shared_edges,
    unowned_edges,
    unowned_node,
    unowned_position,
)
from ui.theme import danger_of, worst_action
from ui.unowned import unowned_of

__all__ = [
    "DEFAULT_TOP",
    "FONT",
    "MANY_SERVICES",
    "PRESENT_FONT",
    "service_elements",
    "shown_services",
    "strongest_pairs",
]


#: At this many services the overview draws only the strongest couplings (:func:`strongest_pairs`).
MANY_SERVICES = 15
#: Couplings drawn by default on a large overview.
DEFAULT_TOP = 20
#: Font size of service labels (model units), normal and presentation mode.
FONT, PRESENT_FONT = 17.0, 32.0


def strongest_pairs(data: AppData, top: int | None) -> frozenset[tuple[str, str]]:
    """The ``top`` heaviest dependent -> owner pairs (all of them for None): declared FKs first, then
    inferred references, ties by name."""
    S = services_graph(data)
    pairs = sorted(S.edges(data=True), key=lambda e: (-e[2]["declared"], -e[2]["inferred"], e[0], e[1]))
    return frozenset((u, v) for u, v, _ in (pairs if top is None else pairs[:top]))


def shown_services(data: AppData, top: int | None) -> tuple[str, ...]:
    """Services drawn for ``top``: every one when None, else those the strongest pairs touch."""
    S = services_graph(data)
    if top is None:
        return tuple(sorted(S.nodes))
    return tuple(sorted({x for pair in strongest_pairs(data, top) for x in pair}))


def _service_lines(name: str, tables: int) -> list[str]:
    return [name, f"{tables} table{'s' if tables != 1 else ''}"]


#: An expanded service on the overview draws at most this many tables, half in presentation mode
#: (the table graph has them all).
CLUSTER_TABLES = 60


@functools.lru_cache(maxsize=32)
def _service_base_positions(
    data: AppData, font: float = FONT, top: int | None = None
) -> tuple[dict[str, Pos], dict[str, str]]:
    """Positions and label sides of the collapsed services shown for ``top``, cached.

    A seeded spring layout, turned to run across, compacted, then spread
    until no two footprints (circle plus label at ``font``) overlap; labels
    go where no edge crosses them, and the nodes are spread once more.
    """
    S = services_graph(data)
    names = shown_services(data, top)
    if len(names) < 2:
        return dict.fromkeys(names, (0.0, 0.0)), dict.fromkeys(names, "bottom")
    U = nx.Graph()
    U.add_nodes_from(names)
    for u, v in strongest_pairs(data, top):
        w = math.log1p(S.edges[u, v]["weight"])
        U.add_edge(u, v, weight=w + (U.edges[u, v]["weight"] if U.has_edge(u, v) else 0))
    for a in data.inventory.shared_access:  # code coupling pulls a little too
        if not U.has_edge(a.service, a.owner) and a.owner in U and a.service in U and a.owner != a.service:
            U.add_edge(a.service, a.owner, weight=0.5)
    sizes = {n: _service_size(S.nodes[n]["tables"]) for n in names}
    labels = {n: label_box(_service_lines(n, S.nodes[n]["tables"]), font) for n in names}
    k = 1.6 / math.sqrt(len(names))
    raw = _widest_across(nx.spring_layout(U, seed=7, weight="weight", k=k, iterations=200))
    area = sum((max(sizes[n], labels[n][0]) + 20) * (sizes[n] + labels[n][1] + 26) for n in names)
    spread = math.sqrt(area / 2.2) * 0.8  # compact: the separation below makes the room it needs
    pos = {n: (float(p[0]) * spread * 2.2, float(p[1]) * spread) for n, p in sorted(raw.items())}
    sides = dict.fromkeys(names, "bottom")
    for _ in range(2):
        pos = compact(pos, {n: footprint(sizes[n], labels[n], sides[n]) for n in names})
        sides = label_sides(pos, sizes, labels, U.edges)
    pos = compact(pos, {n: footprint(sizes[n], labels[n], sides[n]) for n in names})
    return pos, sides


def _widest_across(raw: dict[str, Any]) -> dict[str, Any]:
    """The spring layout turned so that its widest spread runs across: the canvas is wider than tall.

    >>> turned = _widest_across({"a": np.array([0.0, -1.0]), "b": np.array([0.0, 1.0])})
    >>> [round(abs(float(turned[k][0])), 3) for k in "ab"], [round(float(turned[k][1]), 3) for k in "ab"]
    ([1.0, 1.0], [0.0, 0.0])
    """
    names = sorted(raw)
    P = np.array([raw[k] for k in names], dtype=float)
    P -= P.mean(axis=0)
    _, vectors = np.linalg.eigh(P.T @ P)  # ascending: the last one is the widest direction
    major, minor = vectors[:, 1], vectors[:, 0]
    turned = np.column_stack((P @ major, P @ minor))
    return dict(zip(names, turned, strict=True))


def _grid(count: int, cell: Pos, centre: Pos) -> list[Pos]:
    cols = max(1, min(count, math.ceil(math.sqrt(count * cell[1] / cell[0] * 2.5))))
    rows = math.ceil(count / cols)
    x0 = centre[0] - (cols - 1) * cell[0] / 2
    y0 = centre[1] - (rows - 1) * cell[1] / 2
    return [(x0 + (i % cols) * cell[0], y0 + (i // cols) * cell[1]) for i in range(count)]


def _service_size(tables: int) -> float:
    """Diameter of a collapsed service node: grows with the square root of its tables."""
    return round(min(110.0, 40 + 16 * math.sqrt(tables)), 1)


@functools.lru_cache(maxsize=64)
def _tables_of(data: AppData, service: str) -> list[TableRef]:
    """Present tables of ``service``, most referenced first (cached: read, never changed)."""
    G = data.graph
    refs = [
        r for r, d in G.nodes(data=True) if service_of(d["table"]) == service and present_table(d["table"])
    ]
    return sorted(refs, key=lambda r: (-G.in_degree(r), r.name))


def _more_id(data: AppData, service: str) -> str:
    return "m" + node_id(data, service)[1:]


def _table_font(font: float) -> int:
    """Size of table labels in a cluster: 12 beside service labels of :data:`FONT`, scaled with them."""
    return round(12 * font / FONT)


def _clusters(
    data: AppData, open_: list[str], font: float = FONT
) -> dict[str, tuple[list[TableRef], list[Pos], Box]]:
    """The tables of each expanded service drawn on a grid around (0, 0), and the cluster's footprint.

    At most :data:`CLUSTER_TABLES` of them, the most referenced first; the
    grid keeps one more cell for the "+N more tables" node.
    """
    found = {}
    labels = table_labels(data)  # database-qualified where names collide
    for name in open_:
        refs = _tables_of(data, name)[: CLUSTER_TABLES if font <= FONT else CLUSTER_TABLES // 2]
        size = _table_font(font)
        width = max([text_width(labels[r], size) for r in refs] + [60]) + 40
        hidden = len(_tables_of(data, name)) - len(refs)
        cells = _grid(len(refs) + (hidden > 0), (width, 34 + 2 * size), (0.0, 0.0))
        widths = [text_width(labels[r], size) for r in refs] + [text_width(f"+{hidden} more tables", size)]
        if cells:  # centre the drawn boxes, not the cells: labels differ in length
            lo = min(x - w / 2 for (x, _), w in zip(cells, widths, strict=False))
            hi = max(x + w / 2 for (x, _), w in zip(cells, widths, strict=False))
            cells = [(round(x - (lo + hi) / 2, 1), y) for x, y in cells]
        half_w = max((abs(x) for x, _ in cells), default=0) + width / 2
        half_h = max((abs(y) for _, y in cells), default=0) + 40
        found[name] = (refs, cells, (-half_w, -half_h - 30, half_w, half_h))  # 30: the title above
    return found


def service_elements(
    data: AppData, expanded: Sequence[str] = (), *, font: float = FONT, top: int | None = None
) -> list[Element]:
    """Service graph elements; each service in ``expanded`` becomes a cluster of its tables.

    A collapsed service is one node sized by its table count, its label
    (``font`` units) on the side no edge crosses (class ``lbl-<side>``); an
    expanded one is a compound node whose children are its tables, centred
    where its node was: only the nodes it covers move. Coupling edges run
    from the dependent to the owner, one per pair of visible endpoints,
    ``width`` growing with the FK count and the class naming the most
    dangerous ON DELETE. With ``top``, only the ``top`` heaviest service pairs
    (and the services they join) are drawn. When tables have no owner, the
    "unowned" node and the dashed edges into it come last but one; dotted
    shared-access edges last.
    """
    S = services_graph(data)
    base, sides = _service_base_positions(data, font, top)
    open_ = [s for s in dict.fromkeys(expanded) if s in S]
    pos = dict(base)
    right = max((x for x, _ in pos.values()), default=0.0)
    for name in open_:  # an expanded service the threshold hides comes in at the right
        if name not in pos:
            right += 400.0
            pos[name] = (right, 0.0)
    clusters = _clusters(data, open_, font)
    boxes = {
        n: clusters[n][2]
        if n in clusters
        else footprint(
            _service_size(S.nodes[n]["tables"]),
            label_box(_service_lines(n, S.nodes[n]["tables"]), font),
            sides.get(n, "bottom"),
        )
        for n in pos
    }
    u = unowned_of(data)
    unowned_size = _service_size(u.tables)
    if u.any:
        pos[UNOWNED_KEY] = unowned_position(data, pos)
        boxes[UNOWNED_KEY] = footprint(unowned_size, label_box(["unowned (000 tables)"], font), "bottom")
    for name in open_:  # the others make room for each cluster, keeping their order
        collapsed = footprint(
            _service_size(S.nodes[name]["tables"]),
            label_box(_service_lines(name, S.nodes[name]["tables"]), font),
            sides.get(name, "bottom"),
        )
        pos = make_room(pos, name, collapsed, boxes[name])
    pos = separate(pos, boxes, pinned=open_)
    elements = [*_table_nodes(data, clusters, pos, _table_font(font))]
    for name in pos:
        if name == UNOWNED_KEY:
            continue
        tables = S.nodes[name]["tables"]
        node: Element = {
            "data": {
                "id": node_id(data, name),
                "service": name,
                "tables": tables,
                "colour": colour_of(data, name),
            },
        }
        if name in open_:
            node["data"].update(label=f"{name} ({tables} tables)", kind="cluster")
            node["classes"] = "cluster"
        else:
            node["data"].update(
                label="\n".join(_service_lines(name, tables)), kind="service", size=_service_size(tables)
            )
            node["classes"] = f"service lbl-{sides.get(name, 'bottom')}"
            node["position"] = {"x": round(pos[name][0], 1), "y": round(pos[name][1], 1)}
        elements.append(node)
    unowned = unowned_node(data, unowned_size, pos.get(UNOWNED_KEY, (0.0, 0.0)))
    if unowned is not None:
        elements.append(unowned)
    elements.sort(key=lambda e: e["data"].get("kind") == "table")  # parents before children
    pairs = None if top is None else strongest_pairs(data, top)
    edges = _overview_edges(data, set(open_), pairs, {n: c[0] for n, c in clusters.items()})
    if unowned is not None:
        edges.extend(unowned_edges(data, set(open_)))
    edges.extend(shared_edges(data, set(open_)))
    drawn = {e["data"]["id"] for e in elements}
    return elements + [e for e in edges if e["data"]["source"] in drawn and e["data"]["target"] in drawn]


def _table_nodes(
    data: AppData,
    clusters: dict[str, tuple[list[TableRef], list[Pos], Box]],
    pos: dict[str, Pos],
    size: int = 12,
) -> list[Element]:
    nodes = []
    labels = table_labels(data)
    for name, (refs, cells, _) in clusters.items():
        cx, cy = pos[name]
        hidden = len(_tables_of(data, name)) - len(refs)
        if hidden:
            x, y = cells[-1]
            label = f"+{hidden} more tables"
            nodes.append(
                {
                    "data": {
                        "id": _more_id(data, name),
                        "label": label,
                        "w": text_width(label, size),
                        "parent": node_id(data, name),
                        "kind": "more",
                        "service": name,
                        "colour": colour_of(data, name),
                    },
                    "position": {"x": round(cx + x, 1), "y": round(cy + y, 1)},
                    "classes": "table more",
                }
            )
        for ref, (x, y) in zip(refs, cells, strict=False):
            nodes.append(
                {
                    "data": {
                        "id": data.table_ids[ref],
                        "label": labels[ref],
                        "w": text_width(labels[ref], size),
                        "parent": node_id(data, name),
                        "kind": "table",
                        "service": name,
                        "colour": colour_of(data, name),
                    },
                    "position": {"x": round(cx + x, 1), "y": round(cy + y, 1)},
                    "classes": "table",
                }
            )
    return nodes


@functools.lru_cache(maxsize=16)
def _edge_rows(data: AppData) -> tuple[tuple[TableRef, TableRef, str, str, str, str, bool, str, bool], ...]:
    """Present FKs as ``(u, v, u's and v's service, dependent, owner, cross, ON DELETE, inferred)``."""
    G = data.graph
    rows = []
    for u, v, d in G.edges(data=True):
        if d["state"] == "present":
            su, sv = G.nodes[u]["service"], G.nodes[v]["service"]
            row = (u, v, su, sv, d["service"], d["ref_service"], bool(d["cross_service"]), d["on_delete"])
            rows.append((*row, d["origin"] != "declared"))
    return tuple(rows)


def _overview_edges(
    data: AppData,
    open_: set[str],
    pairs: frozenset[tuple[str, str]] | None = None,
    drawn: dict[str, list[TableRef]] | None = None,
) -> list[Element]:
    """Coupling edges between the drawn endpoints, one per pair and origin; a table an expanded service
    leaves out counts at its "+N more" node (``drawn``: the tables each expanded service draws).
    Inferred references get an edge of their own (class ``inferred``, id ending ``-i``), drawn dashed
    and never counted as FKs."""
    shown = {r for refs in (drawn or {}).values() for r in refs}

    def end(ref: TableRef, service: str) -> str:
        return data.table_ids[ref] if drawn is None or ref in shown else _more_id(data, service)

    found: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
    internal: set[tuple[str, str]] = set()
    for u, v, su, sv, dep, owner, cross, action, inferred in _edge_rows(data):
        if cross:
            if pairs is not None and (dep, owner) not in pairs:  # the threshold holds for clusters too
                continue
            src = end(u, su) if su in open_ else node_id(data, dep)
            dst = end(v, sv) if sv in open_ else node_id(data, owner)
        elif su and su == sv and su in open_:
            src, dst = end(u, su), end(v, sv)
            internal.add((src, dst))
        else:
            continue
        if src != dst:
            found[src, dst, inferred].append(action)
    edges = []
    for (src, dst, inferred), actions in sorted(found.items()):
        n = len(actions)
        collapsed = src.startswith("s") and dst.startswith("s")
        classes = danger_of(worst_action(actions)) + (" internal" if (src, dst) in internal else "")
        edges.append(
            {
                "data": {
                    "id": f"{src}-{dst}" + ("-i" if inferred else ""),
                    "source": src,
                    "target": dst,
                    "count": n,
                    "origin": "inferred" if inferred else "declared",
                    "on_delete": worst_action(actions),
                    "width": round(min(16.0, 1.5 + 2.2 * math.sqrt(n)) if collapsed else 1.5 + n, 1),
                    "label": (f"{n} inferred" if inferred else str(n)) if collapsed or n > 1 else "",
                },
                "classes": classes + (" inferred" if inferred else ""),
            }
        )
    return edges
