"""Callbacks of the dashboard at size: the overview's threshold control, the table graph's level of detail."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State

from ui import ids
from ui.callbacks.prevent import or_prevent
from ui.data import Loader
from ui.layouts import SavedLayouts
from ui.pages.overview import threshold_change
from ui.pages.tables_lod import change_detail, open_service
from ui.state import parse_url

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, layouts: SavedLayouts) -> None:
    """Register the threshold and level-of-detail callbacks on ``app`` (``layouts``: the saved node
    positions the overview is drawn with)."""

    def saved(key: str) -> dict[str, tuple[float, float]]:
        return layouts.by_id(loader.data, key)

    @app.callback(
        Output(ids.SERVICE_GRAPH, "elements", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.OVERVIEW_TOP, "value"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _threshold(top: Any, pathname: str | None, search: str | None) -> Any:
        return or_prevent(threshold_change(loader.data, parse_url(pathname, search), top, saved))

    @app.callback(
        Output(ids.TABLE_PAYLOAD, "data", allow_duplicate=True),
        Output(ids.TABLE_STATS, "children", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.TABLE_GRAPH, "tapNodeData"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _open(node: dict[str, Any] | None, pathname: str | None, search: str | None) -> Any:
        return or_prevent(open_service(loader.data, parse_url(pathname, search), node, saved))

    @app.callback(
        Output(ids.TABLE_PAYLOAD, "data", allow_duplicate=True),
        Output(ids.TABLE_GRAPH, "stylesheet", allow_duplicate=True),
        Output(ids.TABLE_STATS, "children", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.FILTER_LOD, "value"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _detail(value: Any, pathname: str | None, search: str | None) -> Any:
        return or_prevent(change_detail(loader.data, parse_url(pathname, search), value, saved))
