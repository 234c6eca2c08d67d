"""Callbacks of the table details: the table graph's tapped node, the selected row of a service's tables."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from ui import ids
from ui.data import Loader
from ui.pages.table_details import details_from_rows, details_from_tap

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader) -> None:
    """Register the two details callbacks on ``app``."""

    @app.callback(
        Output(ids.TABLE_DETAILS, "children"),
        Input(ids.TABLE_GRAPH, "tapNodeData"),
        prevent_initial_call=True,
    )
    def _tapped(node: dict[str, Any] | None) -> Any:
        found = details_from_tap(loader.data, node)
        if found is None:  # a cluster: keep what the panel shows
            raise dash.exceptions.PreventUpdate
        return found

    @app.callback(
        Output(ids.SERVICE_TABLE_DETAILS, "children"),
        Input(ids.SERVICE_TABLES_GRID, "selectedRows"),
        prevent_initial_call=True,
    )
    def _selected(rows: Any) -> Any:
        return details_from_rows(loader.data, rows)
