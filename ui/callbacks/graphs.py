"""Callbacks of the graph and grid pages: overview clusters, table-graph filters, grid tools."""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State

from ui import ids
from ui.callbacks.prevent import or_prevent
from ui.data import Loader
from ui.layouts import SavedLayouts
from ui.pages.diagnostics import quick_filter_options
from ui.pages.overview import expand
from ui.pages.tables_graph import filter_change

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, layouts: SavedLayouts) -> None:
    """Register the overview, table-graph, service-page and diagnostics callbacks on ``app``
    (``layouts``: the saved node positions the graphs are drawn with)."""

    def saved(key: str) -> dict[str, tuple[float, float]]:
        return layouts.by_id(loader.data, key)

    @app.callback(
        Output(ids.SERVICE_GRAPH, "elements"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.SERVICE_GRAPH, "tapNode"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        State(ids.OVERVIEW_TOP, "value"),
        prevent_initial_call=True,
    )
    def _expand(node: dict[str, Any] | None, pathname: str | None, search: str | None, top: Any) -> Any:
        return or_prevent(expand(loader.data, pathname, search, node, top, saved))

    @app.callback(
        Output(ids.TABLE_PAYLOAD, "data"),
        Output(ids.TABLE_GRAPH, "stylesheet"),
        Output(ids.TABLE_STATS, "children"),
        Output(ids.FILTER_LAYOUT, "options"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.FILTER_SERVICES, "value"),
        Input(ids.FILTER_CROSS, "value"),
        Input(ids.FILTER_ON_DELETE, "value"),
        Input(ids.FILTER_ORIGIN, "value"),
        Input(ids.FILTER_FOCUS, "value"),
        Input(ids.FILTER_HOPS, "value"),
        Input(ids.FILTER_LAYOUT, "value"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        State(ids.TABLE_DRAWN, "data"),
        prevent_initial_call="initial_duplicate",  # runs at page insertion too: sends the elements
    )
    def _filter(*values: Any) -> Any:  # the seven controls, then pathname, search, drawn
        *controls, pathname, search, drawn = values
        return or_prevent(filter_change(loader.data, pathname, search, drawn, *controls, saved=saved))

    app.clientside_callback(  # type: ignore[no-untyped-call]
        ClientsideFunction(namespace="fkmap", function_name="drawGraph"),
        Output(ids.TABLE_DRAWN, "data"),
        Input(ids.TABLE_PAYLOAD, "data"),
    )

    @app.callback(
        Output(ids.IMPACT_GRID, "exportDataAsCsv"),
        Input(ids.IMPACT_EXPORT, "n_clicks"),
        prevent_initial_call=True,
    )
    def _export(_clicks: int | None) -> bool:
        return True

    @app.callback(
        Output(ids.DIAG_GRID, "dashGridOptions"),
        Input(ids.DIAG_QUICK, "value"),
        prevent_initial_call=True,
    )
    def _quick(text: str | None) -> dict[str, Any]:
        return quick_filter_options(text)
