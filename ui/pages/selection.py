"""The selection panel's edge half: one foreign key explained, and the phase of each key a panel lists.

Tapping an edge of the table graph shows its constraint name, both ends with
their columns and services (links to the service pages), ON DELETE / ON
UPDATE, origin, state, where it was added (and dropped), and the remediation
phase of a tracked cross-service key. Tapping a table shows
:func:`ui.pages.table_details.build_table_details`, whose FK lists take the
same ``phase_of``. Every name is a text child, never HTML.

Examples
--------
>>> from model.inventory import ForeignKey, Inventory, Location, Table, TableRef
>>> from ui.data import build_app_data
>>> u, p = TableRef("m", "public", "users"), TableRef("m", "public", "posts")
>>> fk = ForeignKey("posts_user_fk", p, ("user_id",), u, ("id",), "CASCADE", added_at=Location("m/1.sql", 3))
>>> data = build_app_data(Inventory(tables=(Table(u, service="auth"), Table(p, service="content")),
...                                 foreign_keys=(fk,)))
>>> [f[1] for f in edge_facts(data, "e0", None)][:4]
['posts_user_fk', 'public.posts (user_id)', 'public.users (id)', 'CASCADE']
>>> edge_facts(data, "e9", None)
[]
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from dash import dcc, html

from model.inventory import ForeignKey, TableRef
from remediation.handle import StoreHandle
from remediation.phases import statuses_phase_of
from remediation.store.schema import StoreError
from ui.data import AppData, service_of
from ui.elements import table_names
from ui.pages.common import data_attrs
from ui.pages.remediation.view import remediation_view
from ui.pages.table_details import PhaseOf, build_table_details, path_code
from ui.state import service_href

__all__ = [
    "LIST_LIMIT",
    "PhaseOf",
    "build_edge_details",
    "build_pair_details",
    "details_from_edge",
    "edge_facts",
    "edge_of",
    "overview_selection",
    "pair_fks",
    "phase_text",
    "phases",
]

#: At most this many FKs of one overview arrow are listed; the rest is counted.
LIST_LIMIT = 25


@functools.lru_cache(maxsize=8)
def _tables_by_id(data: AppData) -> dict[str, TableRef]:
    return {tid: ref for ref, tid in data.table_ids.items()}


@functools.lru_cache(maxsize=8)
def _edges_by_id(data: AppData) -> dict[str, tuple[TableRef, TableRef, int]]:
    return {eid: key for key, eid in data.edge_ids.items()}


def edge_of(data: AppData, edge_id: str | None) -> tuple[TableRef, TableRef, Mapping[str, Any]] | None:
    """The graph edge whose short id (``e12``) is ``edge_id``: ``(table, referenced table, data)``."""
    key = _edges_by_id(data).get(edge_id or "")
    return None if key is None else (key[0], key[1], data.graph.edges[key])


def phases(data: AppData, handle: StoreHandle) -> PhaseOf | None:
    """The phase of each key by the store's records (None when the store cannot be opened).

    One read of the store; the scan's tracked keys are the remediation page's,
    cached per scan, so a click costs the store query only (at 20,000 tables
    finding the keys takes seconds, reading the store a tenth of one).
    """
    try:
        return statuses_phase_of(remediation_view(data, handle.get()).statuses)
    except StoreError:
        return None


def phase_text(d: Mapping[str, Any], phase_of: PhaseOf | None) -> str:
    """The phase of a cross-service key; '' within one service (nothing to remediate) or without a store."""
    if not d.get("cross_service") or phase_of is None:
        return ""
    return phase_of(d["fk"])


def _at(loc: Any) -> str:
    return str(loc) if loc is not None else ""


def edge_facts(data: AppData, edge_id: str | None, phase_of: PhaseOf | None) -> list[tuple[str, str]]:
    """``(label, value)`` rows of one FK, in panel order; [] for an unknown id."""
    found = edge_of(data, edge_id)
    if found is None:
        return []
    u, v, d = found
    fk: ForeignKey = d["fk"]
    names = table_names(data)
    rows = [
        ("Constraint", fk.name or "(unnamed)"),
        ("From", f"{names[u]} ({', '.join(fk.columns)})"),
        ("To", f"{names[v]} ({', '.join(fk.ref_columns)})"),
        ("ON DELETE", fk.on_delete),
        ("ON UPDATE", fk.on_update),
        ("Origin", fk.origin),
        ("State", fk.state + ("" if fk.validated else ", not validated")),
        ("Added at", _at(fk.added_at)),
        ("Dropped at", _at(fk.dropped_at)),
        ("Phase", phase_text(d, phase_of)),
    ]
    return [(label, value) for label, value in rows if value]


def _service_link(service: str) -> Any:
    return dcc.Link(service, href=service_href(service), className="service-link")


def build_edge_details(data: AppData, edge_id: str | None, phase_of: PhaseOf | None) -> html.Div | None:
    """The panel for one tapped FK; None for an unknown id."""
    found = edge_of(data, edge_id)
    if found is None:
        return None
    u, v, d = found
    items: list[Any] = []
    for label, value in edge_facts(data, edge_id, phase_of):
        shown: Any = path_code(value) if label in ("Added at", "Dropped at") else value
        items += [html.Dt(label), html.Dd(shown)]
    source, target = service_of(data.graph.nodes[u]["table"]), service_of(data.graph.nodes[v]["table"])
    services = [_service_link(source), " → ", _service_link(target)]
    tags = [
        html.Span("cross-service", className="tag danger") if d.get("cross_service") else None,
        html.Span("inferred", className="tag") if d["fk"].origin == "inferred" else None,
    ]
    return html.Div(
        className="table-info edge-info",
        children=[
            html.H4("Foreign key", className="table-info-name"),
            html.Div([*services, " ", *tags], className="edge-services"),
            html.Dl(items, className="facts"),
        ],
        **data_attrs({"data-edge": str(edge_id)}),
    )


def details_from_edge(
    data: AppData, edge: Mapping[str, Any] | None, phase_of: PhaseOf | None
) -> html.Div | None:
    """The panel for a tapped edge's data (Cytoscape's ``tapEdgeData``: its ``id``); None for nothing."""
    return build_edge_details(data, str((edge or {}).get("id") or ""), phase_of)


# ---------------------------------------------------------------------------------------------- overview


def _end(data: AppData, end: str) -> tuple[str, TableRef | None] | None:
    """An overview element id as (service, table): ``s3`` a service, ``t12`` a table of an open one."""
    if end.startswith("t"):
        ref = _tables_by_id(data).get(end)
        return None if ref is None else (service_of(data.graph.nodes[ref]["table"]), ref)
    if end.startswith("s") and end[1:].isdigit() and int(end[1:]) < len(data.services):
        return data.services[int(end[1:])], None
    return None


def pair_fks(data: AppData, edge_id: str | None) -> list[tuple[TableRef, TableRef, Mapping[str, Any]]]:
    """The present FKs an overview arrow (``s2-s0``, ``t12-s0``, ``t12-t3``) stands for, in table order.

    [] for anything else (shared-access and unowned arrows, unknown ids).
    """
    parts = (edge_id or "").split("-")
    if len(parts) != 2:
        return []
    first, second = _end(data, parts[0]), _end(data, parts[1])
    if first is None or second is None:
        return []
    (src, src_ref), (dst, dst_ref) = first, second
    G = data.graph
    found = []
    for u, v, d in G.edges(data=True):
        if d["state"] != "present":
            continue
        su, sv = service_of(G.nodes[u]["table"]), service_of(G.nodes[v]["table"])
        if (src_ref or u) == u and (dst_ref or v) == v and (su, sv) == (src, dst):
            found.append((u, v, d))
    return sorted(found, key=lambda e: (e[0], e[1], e[2]["fk"].name))


def _pair_line(
    data: AppData, u: TableRef, v: TableRef, d: Mapping[str, Any], phase_of: PhaseOf | None
) -> Any:
    fk: ForeignKey = d["fk"]
    names = table_names(data)
    phase = phase_text(d, phase_of)
    return html.Li(
        [
            f"{names[u]} ({', '.join(fk.columns)}) → {names[v]} ON DELETE {fk.on_delete}",
            html.Span(phase, className="tag phase") if phase else None,
            html.Div([fk.name or "(unnamed)", " · ", path_code(_at(fk.added_at))], className="muted"),
        ]
    )


def build_pair_details(data: AppData, edge_id: str | None, phase_of: PhaseOf | None) -> html.Div | None:
    """The panel for a tapped overview arrow: every FK it stands for; None when it stands for none."""
    fks = pair_fks(data, edge_id)
    if not fks:
        return None
    G = data.graph
    src, dst = service_of(G.nodes[fks[0][0]]["table"]), service_of(G.nodes[fks[0][1]]["table"])
    items = [_pair_line(data, u, v, d, phase_of) for u, v, d in fks[:LIST_LIMIT]]
    if len(fks) > LIST_LIMIT:
        items.append(html.Li(f"… and {len(fks) - LIST_LIMIT} more", className="muted"))
    return html.Div(
        className="table-info edge-info",
        children=[
            html.H4(f"Foreign keys ({len(fks)})", className="table-info-name"),
            html.Div([_service_link(src), " → ", _service_link(dst)], className="edge-services"),
            html.Ul(items, className="plain-list"),
        ],
        **data_attrs({"data-edge": str(edge_id), "data-count": str(len(fks))}),
    )


def overview_selection(
    data: AppData, node: Mapping[str, Any] | None, edge: Mapping[str, Any] | None, phase_of: PhaseOf | None
) -> html.Div | None:
    """The overview's selection panel for a tapped table of an open service (``node``) or an arrow (``edge``).

    None when the tap shows nothing here (a service, which the tap expands; shared-access arrows).
    """
    if node is not None:
        ref = _tables_by_id(data).get(str(node.get("id"))) if node.get("kind") == "table" else None
        return None if ref is None else build_table_details(data, ref, phase_of)
    return build_pair_details(data, str((edge or {}).get("id") or ""), phase_of)
