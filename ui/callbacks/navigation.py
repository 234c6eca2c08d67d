"""Callbacks of the shell: the page a URL names, the navigation, presentation mode."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State

from ui import ids
from ui.data import Loader
from ui.layouts import SavedLayouts
from ui.shell import chrome, present_switched, render_page
from ui.state import history_url

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, layouts: SavedLayouts) -> None:
    """Register the shell's callbacks on ``app`` (``layouts``: the saved node positions)."""

    @app.callback(
        Output(ids.PAGE, "children"),
        Output(ids.POLL, "disabled"),
        Input(ids.URL, "pathname"),
        Input(ids.POLL, "n_intervals"),
        Input(ids.HISTORY, "data"),  # Back/Forward within a page: the whole view again from the URL
        State(ids.URL, "search"),
    )
    def _page(pathname: str | None, _tick: int | None, back: Any, search: str | None) -> tuple[Any, bool]:
        pathname, search = history_url(back, pathname, search, dash.ctx.triggered_id == ids.HISTORY)
        return render_page(loader, pathname, search, lambda key: layouts.by_id(loader.data, key))

    @app.callback(
        Output(ids.ROOT, "className"),
        Output(ids.NAV, "children"),
        Output(ids.PRESENT_TOGGLE, "children"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
    )
    def _chrome(pathname: str | None, search: str | None) -> tuple[str, list[Any], str]:
        return chrome(pathname, search)

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.PAGE, "children", allow_duplicate=True),
        Input(ids.PRESENT_TOGGLE, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _present(_clicks: int | None, pathname: str | None, search: str | None) -> tuple[str, Any]:
        # the graphs are drawn again: label sizes and the opening zoom follow presentation mode
        return present_switched(loader, pathname, search, lambda key: layouts.by_id(loader.data, key))
