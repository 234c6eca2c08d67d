"""All Dash wiring, registered on one app instance. Each callback is a thin shell
around a plain function of :mod:`ui` that is unit-tested without a browser."""

from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Input, Output, State

from ui import ids
from ui.data import Loader
from ui.diagnostics import quick_filter_options
from ui.exports import register_export_callbacks
from ui.layout import POLL, build_nav, render_page, root_class, toggled_present
from ui.overview import overview_click
from ui.state import parse_url, to_search
from ui.tables_graph import filter_from_controls, focus_options, update_table_view

__all__ = ["register_callbacks"]


def register_callbacks(app: dash.Dash, loader: Loader) -> None:
    """Register every callback of the dashboard on ``app`` (never the global registry)."""

    @app.callback(
        Output(ids.PAGE, "children"),
        Output(POLL, "disabled"),
        Input(ids.URL, "pathname"),
        Input(POLL, "n_intervals"),
        State(ids.URL, "search"),
    )
    def _page(pathname: str | None, _tick: int | None, search: str | None) -> tuple[Any, bool]:
        return render_page(loader, pathname, search)

    @app.callback(
        Output(ids.ROOT, "className"),
        Output(ids.NAV, "children"),
        Output(ids.PRESENT_TOGGLE, "children"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
    )
    def _chrome(pathname: str | None, search: str | None) -> tuple[str, list[Any], str]:
        state = parse_url(pathname, search)
        return (
            root_class(state),
            build_nav(state),
            "Exit presentation" if state.present else "Presentation mode",
        )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.PRESENT_TOGGLE, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _present(_clicks: int | None, pathname: str | None, search: str | None) -> str:
        return toggled_present(pathname, search)

    @app.callback(
        Output(ids.SERVICE_GRAPH, "elements"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.SERVICE_GRAPH, "tapNode"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _expand(node: dict[str, Any] | None, pathname: str | None, search: str | None) -> tuple[Any, str]:
        result = overview_click(loader.data, parse_url(pathname, search), node)
        if result is None:
            raise dash.exceptions.PreventUpdate
        state, elements = result
        return elements, to_search(state)

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
    def _filter(
        services: list[str] | None,
        checks: list[str] | None,
        on_delete: list[str] | None,
        origins: list[str] | None,
        focus: str | None,
        hops: int | None,
        layout: str | None,
        pathname: str | None,
        search: str | None,
        drawn: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        flt = filter_from_controls(services, checks, on_delete, origins, focus, hops)
        state = parse_url(pathname, search)
        result = update_table_view(loader.data, state, flt, layout, drawn=drawn is not None)
        if result is None:
            raise dash.exceptions.PreventUpdate
        new_search = result[-1]
        return (*result[:-1], dash.no_update if new_search == (search or "") else new_search)

    @app.callback(
        Output(ids.FILTER_FOCUS, "options"),
        Input(ids.FILTER_FOCUS, "search_value"),
        State(ids.FILTER_FOCUS, "value"),
        prevent_initial_call=True,
    )
    def _focus_options(search: str | None, value: str | None) -> list[dict[str, str]]:
        if not search:
            raise dash.exceptions.PreventUpdate
        return focus_options(loader.data, search, value)

    app.clientside_callback(
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

    register_export_callbacks(app, loader)
