"""The service page (``/service/<name>``): impact table, consequences, shared tables, its tables with
the evidence of their owner, cascades, diagnostics."""

from __future__ import annotations

import re
from typing import Any

from dash import dcc, html

from graph.analysis import CascadeChain, cascade_chains
from graph.impact import ImpactRow, service_impact, summary_sentences
from model.inventory import Diagnostic
from ui import ids
from ui.data import AppData
from ui.elements import services_graph, table_names
from ui.pages.common import text_grid
from ui.pages.diagnostics import diagnostic_rows, diagnostics_grid
from ui.pages.export_menu import build_export_menu
from ui.pages.service_remediation import service_remediation_card
from ui.pages.service_tables import build_shared_tables, build_tables_card, shared_rows
from ui.state import TableFilter, ViewState, href, service_href

__all__ = [
    "IMPACT_COLUMNS",
    "build_service_page",
    "chains_for",
    "csv_file_name",
    "diagnostics_for",
    "impact_rows",
]

IMPACT_COLUMNS = [
    {"field": "direction", "headerName": "Direction", "width": 120},
    {"field": "other_service", "headerName": "Other service", "width": 150},
    {"field": "source", "headerName": "Table.columns", "flex": 2, "minWidth": 220},
    {"field": "target", "headerName": "→ Referenced table.columns", "flex": 2, "minWidth": 220},
    {"field": "on_delete", "headerName": "ON DELETE", "width": 130},
    {"field": "state", "headerName": "State", "width": 110},
    {"field": "origin", "headerName": "Origin", "width": 110},
    {"field": "defined_at", "headerName": "Defined at", "flex": 2, "minWidth": 220},
    {"field": "name", "headerName": "Constraint", "flex": 1, "minWidth": 160},
]


def _cols(table: str, columns: tuple[str, ...]) -> str:
    inner = columns[0] if len(columns) == 1 else f"({', '.join(columns)})"
    return f"{table}.{inner}"


def impact_rows(data: AppData, service: str) -> list[dict[str, str]]:
    """Grid rows: each FK leaving ``service`` ("leaves") and each entering it ("enters")."""

    names = table_names(data)  # database-qualified where two tables share a name

    def row(r: ImpactRow, direction: str) -> dict[str, str]:
        return {
            "direction": direction,
            "other_service": r.other_service,
            "source": _cols(names.get(r.table, r.table.qualified), r.columns),
            "target": _cols(names.get(r.ref_table, r.ref_table.qualified), r.ref_columns),
            "on_delete": r.on_delete,
            "state": r.state,
            "origin": r.origin,
            "defined_at": r.defined_at,
            "name": r.name,
        }

    impact = service_impact(data.graph, service)
    return [row(r, "leaves") for r in impact.outgoing] + [row(r, "enters") for r in impact.incoming]


def chains_for(data: AppData, service: str) -> list[CascadeChain]:
    """Cascade chains that start in ``service`` or delete rows of it."""
    return [c for c in cascade_chains(data.graph) if service in c.services]


def diagnostics_for(data: AppData, service: str) -> list[Diagnostic]:
    """Diagnostics raised in files that define the service's tables or FKs."""
    G = data.graph
    paths = set()
    for _, d in G.nodes(data=True):
        t = d["table"]
        if t.service == service and t.defined_at is not None:
            paths.add(t.defined_at.path)
    for _, _, d in G.edges(data=True):
        if d["service"] == service and d["fk"].added_at is not None:
            paths.add(d["fk"].added_at.path)
    return [diag for diag in data.inventory.diagnostics if diag.path and diag.path in paths]


def csv_file_name(service: str) -> str:
    """A safe export file name.

    >>> csv_file_name("a/b <x>")
    'fkmap-a_b__x_-impact.csv'
    """
    return f"fkmap-{re.sub(r'[^A-Za-z0-9_.-]', '_', service)}-impact.csv"


def _chain(chain: CascadeChain) -> html.Li:
    steps = [
        html.Li(
            className="chain-step" + (" crossing" if step.cross_service else ""),
            style={"marginLeft": f"{(step.depth - 1) * 1.2}em"},
            children=[
                f"→ {step.table.qualified} ({step.service or 'unassigned'})",
                html.Span(" crosses a service boundary", className="tag danger")
                if step.cross_service
                else "",
            ],
        )
        for step in chain.steps
    ]
    return html.Li(
        className="chain",
        children=[
            html.Div(
                [
                    html.B(f"Deleting a row of {chain.root.qualified}"),
                    f" ({chain.service or 'unassigned'}) deletes rows in {len(chain.steps)} table"
                    f"{'s' if len(chain.steps) != 1 else ''} of {', '.join(chain.services)}:",
                ]
            ),
            html.Ul(steps, className="chain-steps"),
        ],
    )


def build_service_page(data: AppData, state: ViewState) -> html.Div:
    """The page of ``state.service``, or a list of known services when it does not exist."""
    name = state.service
    S = services_graph(data)
    if name not in S:
        return html.Div(
            className="panel status-panel",
            children=[
                html.H2("Unknown service"),
                html.P(f"No service is called {name!r}. Known services:"),
                html.Ul([html.Li(dcc.Link(s, href=service_href(s, present=state.present))) for s in S.nodes]),
            ],
        )
    description = next((s.description for s in data.inventory.services if s.name == name), "")
    rows = impact_rows(data, name)
    sentences = summary_sentences(service_impact(data.graph, name))
    chains = chains_for(data, name)
    diags = diagnostics_for(data, name)
    tables_link = href(ViewState(page="tables", filter=TableFilter(services=(name,)), present=state.present))
    declared = [r for r in rows if r["origin"] == "declared"]  # inferred references are counted apart
    leaves = sum(r["direction"] == "leaves" for r in declared)
    inferred = len(rows) - len(declared)
    shared = sum(map(len, shared_rows(data, name)))
    return html.Div(
        className="service-page",
        children=[
            html.Div(
                className="service-head",
                children=[
                    html.H2(name, className="service-name"),
                    html.P(description, className="muted") if description else None,
                    html.Div(
                        className="service-facts",
                        children=[
                            html.Span(f"{S.nodes[name]['tables']} tables"),
                            html.Span(f"{leaves} FKs leave"),
                            html.Span(f"{len(declared) - leaves} FKs enter"),
                            *([html.Span(f"{inferred} inferred references")] if inferred else []),
                            html.Span(f"{shared} shared-table access{'' if shared == 1 else 'es'}"),
                            *(
                                []
                                if S.nodes[name].get("code_only")  # no table, no FK: nothing to draw
                                else [
                                    dcc.Link("Show in the table graph", href=tables_link, className="btn"),
                                    build_export_menu(data, state),
                                ]
                            ),
                        ],
                    ),
                ],
            ),
            html.Div(
                className="card",
                children=[
                    html.H3("What this means", className="card-title"),
                    html.Ul([html.Li(s) for s in sentences], className="sentences")
                    if sentences
                    else html.P("No cross-service foreign keys: this service's database stands alone."),
                ],
            ),
            html.Div(
                className="card",
                children=[
                    html.Div(
                        className="card-title-row",
                        children=[
                            html.H3("Foreign keys crossing the boundary", className="card-title"),
                            html.Button("Export CSV", id=ids.IMPACT_EXPORT, className="btn"),
                        ],
                    ),
                    impact_grid(rows, name),
                ],
            ),
            service_remediation_card(name),
            build_shared_tables(data, name),
            build_tables_card(data, name),
            html.Div(
                className="card",
                children=[
                    html.H3(f"Cascade chains ({len(chains)})", className="card-title"),
                    html.Ul([_chain(c) for c in chains], className="chains")
                    if chains
                    else html.P(
                        "No ON DELETE CASCADE chain crosses this service's boundary.", className="muted"
                    ),
                ],
            ),
            html.Div(
                className="card",
                children=[
                    html.H3(f"Diagnostics ({len(diags)})", className="card-title"),
                    diagnostics_grid(diagnostic_rows(diags), grid_id=ids.SERVICE_DIAG_GRID, height=220)
                    if diags
                    else html.P("No diagnostics in this service's files.", className="muted"),
                ],
            ),
        ],
    )


def impact_grid(rows: list[dict[str, str]], service: str) -> Any:
    """The sortable, filterable, exportable impact grid (cells are plain text)."""
    short = len(rows) <= 12
    return text_grid(
        ids.IMPACT_GRID,
        rows,
        IMPACT_COLUMNS,
        options={"animateRows": False, "domLayout": "autoHeight" if short else "normal"},
        height=None if short else "480px",
        csvExportParams={"fileName": csv_file_name(service)},
    )
