"""Callbacks of saved layouts: store the nodes a drag moved, forget a view's layout on "Reset layout"."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State

from ui import ids
from ui.auth import edit_identity
from ui.data import Loader
from ui.layouts import LayoutSaved, SavedLayouts

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader, layouts: SavedLayouts) -> None:
    """Register the saved-layout callbacks on ``app``."""

    @app.callback(
        Output(ids.LAYOUT_SAVED, "data"),
        Input(ids.LAYOUT_MOVED, "data"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _save(moved: Any, pathname: str | None, search: str | None) -> dict[str, Any]:
        if loader.status != "ready" or not isinstance(moved, dict):
            raise dash.exceptions.PreventUpdate
        who, refusal = edit_identity(None)
        if refusal:  # a viewer arranges the graph for themselves only
            return LayoutSaved("", 0, refusal.replace("Not saved", "Layout not saved")).as_data()
        return layouts.save(loader.data, pathname, search, moved.get("moved"), who).as_data()

    @app.callback(
        Output(ids.LAYOUT_SAVED, "data", allow_duplicate=True),
        Output(ids.HISTORY, "data", allow_duplicate=True),
        Input(ids.LAYOUT_RESET, "n_clicks"),
        State(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _reset(clicks: int | None, pathname: str | None, search: str | None) -> tuple[dict[str, Any], Any]:
        if not clicks or loader.status != "ready":
            raise dash.exceptions.PreventUpdate
        _, refusal = edit_identity(None)
        if refusal:
            return LayoutSaved(
                "", 0, refusal.replace("Not saved", "Layout not reset")
            ).as_data(), dash.no_update
        done = layouts.reset(pathname, search)
        # drawn again from the URL, as Back/Forward does
        return done.as_data(), {"n": -(clicks or 0), "pathname": pathname, "search": search or ""}
