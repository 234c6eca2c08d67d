"""What the overview's service graph adds about ownership: the "unowned" node and shared-table edges.

FKs into tables no service owns are never hidden: every service with such FKs
gets a dashed edge into one grey, dashed "unowned (N tables)" node. A service
reading or writing another service's table in its code
(:attr:`~model.inventory.Inventory.shared_access`) gets a dotted edge to that
owner. Ids are generated (``unowned``, ``sh-s1-s0``, ``s1-unowned``), never names.
"""

from __future__ import annotations

import math
from collections import defaultdict

from model.inventory import TableRef
from ui.data import AppData, service_of
from ui.elements import Element, Pos, node_id, present_table, services_graph
from ui.unowned import unowned_of

__all__ = [
    "UNOWNED_ID",
    "UNOWNED_KEY",
    "shared_edges",
    "unowned_edges",
    "unowned_node",
    "unowned_position",
    "unowned_position_of",
]

#: Cytoscape id of the "unowned" node.
UNOWNED_ID = "unowned"
#: Its key among the service positions (no service can be called this).
UNOWNED_KEY = "\x00unowned"


def _edge_width(n: int) -> float:
    return round(min(16.0, 1.5 + 2.2 * math.sqrt(n)), 1)


def unowned_node(data: AppData, size: float, pos: Pos) -> Element | None:
    """The "unowned (N tables)" node, or None when every table and every FK target has an owner."""
    u = unowned_of(data)
    if not u.any:
        return None
    return {
        "data": {
            "id": UNOWNED_ID,
            "label": f"unowned ({u.tables} table{'s' if u.tables != 1 else ''})",
            "kind": "unowned",
            "tables": u.tables,
            "fks": u.fks_into,
            "size": size,
        },
        "position": {"x": round(pos[0], 1), "y": round(pos[1], 1)},
        "classes": "unowned",
    }


def unowned_position(data: AppData, pos: dict[str, Pos]) -> Pos:
    """Where the unowned node starts: outside the graph, beyond the services whose FKs point into it.

    The direction runs from the centre of all services through the centre of
    those services, so the dashed edges lead outwards instead of across the
    graph; :func:`ui.overview_layout.separate` then pushes the node clear of
    every other.

    >>> unowned_position_of({"a": (0.0, 0.0), "b": (100.0, 0.0)}, ["b"])
    (290.0, 0.0)
    >>> unowned_position_of({"a": (0.0, 0.0), "b": (100.0, 0.0)}, ["a", "b"])
    (50.0, 190.0)
    """
    return unowned_position_of(pos, [s for s, _ in unowned_of(data).by_service])


def unowned_position_of(pos: dict[str, Pos], sources: list[str]) -> Pos:
    """:func:`unowned_position` for service positions ``pos`` and the dependent services ``sources``."""
    if not pos:
        return (0.0, 0.0)
    cx = sum(p[0] for p in pos.values()) / len(pos)
    cy = sum(p[1] for p in pos.values()) / len(pos)
    near = [pos[s] for s in sources if s in pos] or list(pos.values())
    sx, sy = sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near)
    dx, dy = sx - cx, sy - cy
    length = math.hypot(dx, dy)
    spread = max(math.hypot(p[0] - cx, p[1] - cy) for p in pos.values())
    if length <= 0.15 * spread or length < 1.0:  # the dependents sit around the centre:
        (dx, dy), length = _narrowest(list(pos.values())), 1.0  # leave across the narrowest spread
    ux, uy = dx / length, dy / length
    reach = max((p[0] - cx) * ux + (p[1] - cy) * uy for p in pos.values()) + 190.0  # beyond the last node
    return (round(cx + ux * reach, 1), round(cy + uy * reach, 1))


def _narrowest(points: list[Pos]) -> Pos:
    """Unit vector of the direction in which ``points`` spread least (downwards when it is vertical).

    >>> _narrowest([(0.0, 0.0), (100.0, 0.0)])
    (0.0, 1.0)
    """
    n = len(points)
    mx, my = sum(p[0] for p in points) / n, sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    syy = sum((p[1] - my) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    angle = 0.5 * math.atan2(2 * sxy, sxx - syy) + math.pi / 2  # the major axis, turned a right angle
    dx, dy = math.cos(angle), math.sin(angle)
    if dy < 0 or (dy == 0 and dx < 0):
        dx, dy = -dx, -dy
    return (round(dx, 6) + 0.0, round(dy, 6) + 0.0)


def unowned_edges(data: AppData, open_: set[str]) -> list[Element]:
    """One dashed edge per service (or per table of an expanded service) into the unowned node."""
    G = data.graph
    counts: dict[str, int] = defaultdict(int)
    for u, _, d in G.edges(data=True):
        if d["state"] != "present" or d["ref_service"] or not d["service"]:
            continue
        src = data.table_ids[u] if d["service"] in open_ else node_id(data, d["service"])
        counts[src] += 1
    return [
        {
            "data": {
                "id": f"{src}-{UNOWNED_ID}",
                "source": src,
                "target": UNOWNED_ID,
                "count": n,
                "width": _edge_width(n) if src.startswith("s") else 1.5 + n,
                "label": str(n),
            },
            "classes": "unowned",
        }
        for src, n in sorted(counts.items())
    ]


def _target(data: AppData, ref: TableRef, owner: str, open_: set[str]) -> str:
    """The node an access to ``ref`` ends at: the table inside an expanded owner, else the owner."""
    G = data.graph
    if owner in open_ and ref in data.table_ids and ref in G:
        table = G.nodes[ref]["table"]
        if service_of(table) == owner and present_table(table):
            return data.table_ids[ref]
    return node_id(data, owner)


def shared_edges(data: AppData, open_: set[str]) -> list[Element]:
    """One dotted edge per (accessing service, owner node): the tables it writes and reads there."""
    S = services_graph(data)
    found: dict[tuple[str, str], dict[str, set[TableRef]]] = defaultdict(lambda: defaultdict(set))
    for a in data.inventory.shared_access:
        if a.service not in S or a.owner not in S:
            continue
        src, dst = node_id(data, a.service), _target(data, a.table, a.owner, open_)
        if src != dst:
            found[src, dst][a.access].add(a.table)
    edges = []
    for (src, dst), access in sorted(found.items()):
        writes, reads = len(access["write"]), len(access["read"])
        parts = ([f"writes {writes}"] if writes else []) + ([f"reads {reads}"] if reads else [])
        tables = len(access["write"] | access["read"])
        edges.append(
            {
                "data": {
                    "id": f"sh-{src}-{dst}",
                    "source": src,
                    "target": dst,
                    "count": tables,
                    "writes": writes,
                    "reads": reads,
                    "width": 3,
                    "label": " · ".join(parts),
                },
                "classes": "shared",
            }
        )
    return edges
