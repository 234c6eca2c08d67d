"""Two cards of the service page: the service's tables with why they are its own, and shared tables.

*Tables*: a grid of the tables the service holds, each with its owner and the
decisive evidence; selecting a row shows the whole explanation
(:mod:`ui.pages.table_details`). *Shared tables*: what the service's code reads
or writes in other services' tables, and which other services use its tables,
each with the first place in the code (path:line).

Examples
--------
>>> from model.inventory import Inventory, SharedAccess, Table, TableRef
>>> from ui.data import build_app_data
>>> users = TableRef("db", "public", "users")
>>> inv = Inventory(tables=(Table(users, service="auth"),),
...                 shared_access=(SharedAccess(users, "auth", "feed", "read", "feed/src/q.rs", 8),))
>>> uses, used_by = shared_rows(build_app_data(inv), "feed")
>>> [(r["table"], r["service"], r["access"], r["at"]) for r in uses], used_by
([('public.users', 'auth', 'read', 'feed/src/q.rs:8')], [])
"""

from __future__ import annotations

from typing import Any

from dash import html

from model.inventory import SharedAccess, Table
from ui import ids
from ui.data import AppData
from ui.elements import present_table, table_names
from ui.pages.common import text_grid
from ui.pages.table_details import details_hint

__all__ = [
    "SHARED_COLUMNS",
    "TABLE_COLUMNS",
    "build_shared_tables",
    "build_tables_card",
    "shared_rows",
    "table_rows",
]

TABLE_COLUMNS = [
    {"field": "table", "headerName": "Table", "flex": 2, "minWidth": 180},
    {"field": "database", "headerName": "Database", "flex": 1, "minWidth": 140, "tooltipField": "database"},
    {"field": "owner", "headerName": "Owner", "width": 130},
    {"field": "why", "headerName": "Why this owner", "flex": 3, "minWidth": 240, "tooltipField": "why"},
    {"field": "evidence", "headerName": "Evidence", "width": 100},
]
SHARED_COLUMNS = [
    {"field": "table", "headerName": "Table", "flex": 2, "minWidth": 180},
    {"field": "service", "headerName": "Service", "width": 150},
    {"field": "access", "headerName": "Access", "width": 100},
    {"field": "at", "headerName": "First at (path:line)", "flex": 3, "minWidth": 240},
]


def table_rows(data: AppData, service: str) -> list[dict[str, str]]:
    """One row per existing table ``service`` holds: owner, the decisive evidence, how many pieces.

    ``id`` is the table's label (``database:schema.name``), the key the details panel looks up;
    ``table`` carries the database where two tables share a name, ``database`` always.
    """
    names = table_names(data)
    rows = []
    for ref, d in sorted(data.graph.nodes(data=True), key=lambda nd: (nd[0].qualified, nd[0])):
        t: Table = d["table"]
        if t.service != service or not present_table(t):
            continue
        first = t.owner_evidence[0] if t.owner_evidence else None
        rows.append(
            {
                "id": str(ref),
                "table": names[ref],
                "database": ref.database,
                "owner": t.owner or "(none)",
                "why": f"{first.kind}: {first.detail}" if first else "",
                "evidence": str(len(t.owner_evidence)),
            }
        )
    return rows


def _grid_height(rows: int) -> tuple[str | None, str]:
    """CSS height and dom layout: as tall as the rows when few, else a scrolling box."""
    return (None, "autoHeight") if rows <= 10 else ("340px", "normal")


def build_tables_card(data: AppData, service: str) -> html.Div:
    """The *Tables* card: the grid and, beside it, the selected table's details."""
    rows = table_rows(data, service)
    height, layout = _grid_height(len(rows))
    grid = text_grid(
        ids.SERVICE_TABLES_GRID,
        rows,
        TABLE_COLUMNS,
        options={
            "animateRows": False,
            "domLayout": layout,
            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
            "tooltipShowDelay": 300,
        },
        height=height,
        getRowId="params.data.id",
    )
    return html.Div(
        className="card",
        children=[
            html.H3(f"Tables ({len(rows)})", className="card-title"),
            html.Div(
                className="tables-split",
                children=[
                    html.Div(grid, className="tables-split-grid"),
                    html.Div(
                        id=ids.SERVICE_TABLE_DETAILS,
                        className="details-panel",
                        children=details_hint("Select a table to see why it belongs here."),
                    ),
                ],
            ),
        ],
    )


def _row(a: SharedAccess, other: str) -> dict[str, str]:
    return {
        "table": a.table.qualified,
        "database": a.table.database,
        "service": other,
        "access": a.access,
        "at": f"{a.path}:{a.line}" if a.line else a.path,
    }


def shared_rows(data: AppData, service: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """``(uses, used_by)``: other services' tables ``service`` reads or writes (``service`` column:
    their owner), and ``service``'s tables other services read or write (``service``: the reader/writer).
    """
    access = data.inventory.shared_access
    uses = [_row(a, a.owner) for a in access if a.service == service and a.owner != service]
    used_by = [_row(a, a.service) for a in access if a.owner == service and a.service != service]
    return uses, used_by


def _shared_grid(grid_id: str, rows: list[dict[str, str]], service_header: str, empty: str) -> Any:
    if not rows:
        return html.P(empty, className="muted")
    columns = [dict(c, headerName=service_header) if c["field"] == "service" else c for c in SHARED_COLUMNS]
    height, layout = _grid_height(len(rows))
    return text_grid(
        grid_id, rows, columns, options={"animateRows": False, "domLayout": layout}, height=height
    )


def build_shared_tables(data: AppData, service: str) -> html.Div:
    """The *Shared tables* card: both directions, each row with the first place in the code."""
    uses, used_by = shared_rows(data, service)
    return html.Div(
        id=ids.SHARED_TABLES,
        className="card",
        children=[
            html.H3(f"Shared tables ({len(uses) + len(used_by)})", className="card-title"),
            html.P(
                "Coupling without a foreign key: code of one service reading or writing a table "
                "another service owns.",
                className="muted",
            ),
            html.H4(f"Other services' tables that {service} reads or writes ({len(uses)})", className="sub"),
            _shared_grid(ids.SHARED_OUT_GRID, uses, "Owner", f"{service} uses no other service's table."),
            html.H4(
                f"Tables of {service} that other services read or write ({len(used_by)})", className="sub"
            ),
            _shared_grid(
                ids.SHARED_IN_GRID, used_by, "Used by", f"No other service uses a table of {service}."
            ),
        ],
    )
