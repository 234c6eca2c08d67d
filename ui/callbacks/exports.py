"""Callbacks of the Export menu: server-side downloads, the scope line, client-side pictures."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State

from exports import FORMATS
from remediation.handle import StoreHandle, tracked_phases
from ui import ids
from ui.data import Loader
from ui.exports import export_download, menu_outputs, triggered_format
from ui.pages.remediation.view import tracked_view

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, handle: StoreHandle) -> None:
    """Register the Export menu's callbacks on ``app``; the report shows ``handle``'s phases."""

    @app.callback(
        Output(ids.EXPORT_DOWNLOAD, "data"),
        Output(ids.EXPORT_STATUS, "children"),
        Input({"type": ids.EXPORT_BUTTON, "format": ALL}, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _download(_clicks: list[int | None], pathname: str | None, search: str | None) -> tuple[Any, str]:
        fmt = triggered_format(dash.ctx.triggered)
        if fmt is None or loader.status != "ready":
            raise dash.exceptions.PreventUpdate
        phase_of = tracked_phases(loader.data.inventory, handle) if FORMATS[fmt].phases else None
        view = tracked_view(loader.data, handle) if FORMATS[fmt].totals else None
        content, message = export_download(loader.data, pathname, search, fmt, phase_of, view)
        return (dash.no_update if content is None else content), message

    @app.callback(
        Output(ids.EXPORT_SCOPE, "children"),
        Output(ids.EXPORT_NOTE, "children"),
        Output(ids.EXPORT_TARGET, "data"),
        Input(ids.URL, "search"),
        State(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    def _scope(search: str | None, pathname: str | None) -> tuple[str, str, Any]:
        if loader.status != "ready":
            raise dash.exceptions.PreventUpdate
        return menu_outputs(loader.data.services, pathname, search)

    app.clientside_callback(  # type: ignore[no-untyped-call]
        ClientsideFunction(namespace="fkmap", function_name="exportImage"),
        Output(ids.EXPORT_IMAGE_DONE, "data"),
        Input(ids.EXPORT_PNG, "n_clicks"),
        Input(ids.EXPORT_SVG, "n_clicks"),
        State(ids.EXPORT_TARGET, "data"),
        State(ids.EXPORT_LEGEND, "data"),
        prevent_initial_call=True,
    )
