"""Callbacks of the selection details: the tapped table or arrow (table graph, overview), a service's row."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from remediation.handle import StoreHandle
from ui import ids
from ui.data import Loader
from ui.pages.selection import details_from_edge, overview_selection, phases
from ui.pages.table_details import details_from_rows, details_from_tap

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, handle: StoreHandle) -> None:
    """Register the details callbacks on ``app`` (``handle``: the store the phases come from)."""

    @app.callback(
        Output(ids.TABLE_DETAILS, "children"),
        Input(ids.TABLE_GRAPH, "tapNodeData"),
        prevent_initial_call=True,
    )
    def _tapped(node: dict[str, Any] | None) -> Any:
        data = loader.data
        found = details_from_tap(data, node, phases(data, handle))
        if found is None:  # a cluster: keep what the panel shows
            raise dash.exceptions.PreventUpdate
        return found

    @app.callback(
        Output(ids.TABLE_DETAILS, "children", allow_duplicate=True),
        Input(ids.TABLE_GRAPH, "tapEdgeData"),
        prevent_initial_call=True,
    )
    def _tapped_edge(edge: dict[str, Any] | None) -> Any:
        data = loader.data
        found = details_from_edge(data, edge, phases(data, handle))
        if found is None:
            raise dash.exceptions.PreventUpdate
        return found

    @app.callback(
        Output(ids.EDGE_DETAILS, "children"),
        Input(ids.SERVICE_GRAPH, "tapNodeData"),
        Input(ids.SERVICE_GRAPH, "tapEdgeData"),
        prevent_initial_call=True,
    )
    def _overview(node: dict[str, Any] | None, edge: dict[str, Any] | None) -> Any:
        data = loader.data
        on_node = dash.ctx.triggered[0]["prop_id"].endswith(".tapNodeData")  # the latest tap wins
        found = overview_selection(
            data, node if on_node else None, None if on_node else edge, phases(data, handle)
        )
        return found if found is not None else []  # a service tap (it expands): the panel empties

    @app.callback(
        Output(ids.SERVICE_TABLE_DETAILS, "children"),
        Input(ids.SERVICE_TABLES_GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def _selected(rows: Any) -> Any:
        return details_from_rows(loader.data, rows)
