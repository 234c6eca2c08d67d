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
from ui.elements import Element, Pos, colour_of, label_of, node_id, present_table, services_graph, text_width
from ui.ownership_elements import (
    UNOWNED_KEY,
    shared_edges,
    unowned_edges,
    unowned_node,
    unowned_position,
)
from ui.theme import danger_of, worst_action
from ui.unowned import unowned_of

__all__ = ["service_elements"]


@functools.lru_cache(maxsize=16)
def _service_base_positions(data: AppData) -> dict[str, Pos]:
    S = services_graph(data)
    if S.number_of_nodes() == 0:
        return {}
    if S.number_of_nodes() == 1:
        return {next(iter(S.nodes)): (0.0, 0.0)}
    U = nx.Graph()
    U.add_nodes_from(S.nodes)
    for u, v, w in S.edges(data="weight"):
        U.add_edge(u, v, weight=math.log1p(w) + (U.edges[u, v]["weight"] if U.has_edge(u, v) else 0))
    for a in data.inventory.shared_access:  # code coupling pulls a little too
        if not U.has_edge(a.service, a.owner) and a.owner in U and a.service in U and a.owner != a.service:
            U.add_edge(a.service, a.owner, weight=0.5)
    n = S.number_of_nodes()
    raw = _widest_across(nx.spring_layout(U, seed=7, weight="weight", k=1.6 / math.sqrt(n), iterations=200))
    radius = 60 * math.sqrt(n) + 90
    pos = {name: (float(p[0]) * radius * 1.9, float(p[1]) * radius) for name, p in sorted(raw.items())}
    return _separate(pos, {name: _service_size(t) / 2 for name, t in S.nodes(data="tables")})


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


def _separate(pos: dict[str, Pos], radius: dict[str, float], gap: float = 56.0) -> dict[str, Pos]:
    """Push apart nodes (circles of ``radius``, plus room for a label below) until none overlap.

    Vectorised pairwise relaxation: fast enough for a few hundred nodes on every click.
    """
    names = list(pos)
    if len(names) < 2:
        return dict(pos)
    P = np.array([pos[n] for n in names], dtype=float)
    R = np.array([radius.get(n, 30.0) for n in names], dtype=float)
    need = R[:, None] + R[None, :] + gap
    np.fill_diagonal(need, 0.0)
    for _ in range(200):
        diff = P[:, None, :] - P[None, :, :]
        diff[:, :, 1] /= 1.5  # labels sit below nodes (and edge labels between): vertical room counts more
        dist = np.sqrt((diff**2).sum(axis=2))
        overlap = need - dist
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() <= 0.5:
            break
        dist[dist == 0] = 1e-3
        push = np.clip(overlap, 0, None) / dist / 2
        step = (diff * push[:, :, None]).sum(axis=1)
        P += step + (overlap.max() > 0) * np.where(dist < 1e-2, 1.0, 0.0).sum(axis=1)[:, None] * 0.5
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(names, P, strict=True)}


def _grid(count: int, cell: Pos, centre: Pos) -> list[Pos]:
    cols = max(1, min(count, math.ceil(math.sqrt(count * cell[1] / cell[0] * 2.5))))
    rows = math.ceil(count / cols)
    x0 = centre[0] - (cols - 1) * cell[0] / 2
    y0 = centre[1] - (rows - 1) * cell[1] / 2
    return [(x0 + (i % cols) * cell[0], y0 + (i // cols) * cell[1]) for i in range(count)]


def _service_size(tables: int) -> float:
    """Diameter of a collapsed service node: grows with the square root of its tables."""
    return round(min(150.0, 40 + 16 * math.sqrt(tables)), 1)


def _tables_of(data: AppData, service: str) -> list[TableRef]:
    G = data.graph
    refs = [
        r for r, d in G.nodes(data=True) if service_of(d["table"]) == service and present_table(d["table"])
    ]
    return sorted(refs, key=lambda r: (-G.in_degree(r), r.name))


def service_elements(data: AppData, expanded: Sequence[str] = ()) -> list[Element]:
    """Service graph elements; each service in ``expanded`` becomes a cluster of its tables.

    A collapsed service is one node sized by its table count; an expanded one is
    a compound node whose children are its tables. Coupling edges run from the
    dependent to the owner, one per pair of visible endpoints, ``width`` growing
    with the FK count and the class naming the most dangerous ON DELETE. When
    tables have no owner, the "unowned" node and the dashed edges into it come
    last but one; dotted shared-access edges last.
    """
    S = services_graph(data)
    open_ = [s for s in dict.fromkeys(expanded) if s in S]
    pos = dict(_service_base_positions(data))
    elements: list[Element] = []
    layouts = {}
    radius = {n: _service_size(t) / 2 for n, t in S.nodes(data="tables")}
    for name in open_:
        refs = _tables_of(data, name)
        width = max([text_width(label_of(r), 12) for r in refs] + [60]) + 40
        cells = _grid(len(refs), (width, 56), (0.0, 0.0))
        radius[name] = math.hypot(
            max((abs(x) for x, _ in cells), default=0) + width / 2,
            max((abs(y) for _, y in cells), default=0) + 40,
        )
        layouts[name] = (refs, cells)
    unowned_size = _service_size(unowned_of(data).tables)
    if unowned_of(data).any:
        pos[UNOWNED_KEY] = unowned_position(data, pos)
        radius[UNOWNED_KEY] = unowned_size / 2
    pos = _separate(pos, radius)
    for name, (refs, cells) in layouts.items():
        cx, cy = pos[name]
        for ref, (x, y) in zip(refs, cells, strict=True):
            elements.append(
                {
                    "data": {
                        "id": data.table_ids[ref],
                        "label": label_of(ref),
                        "w": text_width(label_of(ref), 12),
                        "parent": node_id(data, name),
                        "kind": "table",
                        "service": name,
                        "colour": colour_of(data, name),
                    },
                    "position": {"x": round(cx + x, 1), "y": round(cy + y, 1)},
                    "classes": "table",
                }
            )
    for name, tables in S.nodes(data="tables"):
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
                label=f"{name}\n{tables} table{'s' if tables != 1 else ''}",
                kind="service",
                size=_service_size(tables),
            )
            node["classes"] = "service"
            node["position"] = {"x": round(pos[name][0], 1), "y": round(pos[name][1], 1)}
        elements.append(node)
    unowned = unowned_node(data, unowned_size, pos.get(UNOWNED_KEY, (0.0, 0.0)))
    if unowned is not None:
        elements.append(unowned)
    elements.sort(key=lambda e: e["data"].get("kind") == "table")  # parents before children
    elements.extend(_overview_edges(data, set(open_)))
    if unowned is not None:
        elements.extend(unowned_edges(data, set(open_)))
    elements.extend(shared_edges(data, set(open_)))
    return elements


def _overview_edges(data: AppData, open_: set[str]) -> list[Element]:
    """Coupling edges, one per pair of visible endpoints and origin: inferred references get an
    edge of their own (class ``inferred``, id ending ``-i``), drawn dashed and never counted as FKs."""
    G = data.graph
    found: dict[tuple[str, str, bool], list[str]] = defaultdict(list)
    internal: set[tuple[str, str]] = set()
    for u, v, d in G.edges(data=True):
        if d["state"] != "present":
            continue
        su, sv = G.nodes[u]["service"], G.nodes[v]["service"]
        if d["cross_service"]:
            src = data.table_ids[u] if su in open_ else node_id(data, d["service"])
            dst = data.table_ids[v] if sv in open_ else node_id(data, d["ref_service"])
        elif su and su == sv and su in open_:
            src, dst = data.table_ids[u], data.table_ids[v]
            internal.add((src, dst))
        else:
            continue
        found[src, dst, d["origin"] != "declared"].append(d["on_delete"])
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
