"""Callbacks of the table graph's search box: the matches as the user types, a pick, a clear."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State

from ui import ids
from ui.data import Loader
from ui.pages.focus_search import chosen_focus, first_match, pick_value, search_results

__all__ = ["register"]


def register(app: dash.Dash, loader: Loader) -> None:
    """Register the search box's callbacks on ``app``."""

    @app.callback(
        Output(ids.FOCUS_RESULTS, "children"),
        Input(ids.FOCUS_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def _results(text: str | None) -> list[Any]:
        return search_results(loader.data, text)

    @app.callback(
        Output(ids.FILTER_FOCUS, "value"),
        Output(ids.FOCUS_SEARCH, "value"),
        Output(ids.FOCUS_CHOSEN, "children"),
        Input({"type": ids.FOCUS_PICK, "table": ALL}, "n_clicks"),
        Input(ids.FOCUS_SEARCH, "n_submit"),
        Input(ids.FOCUS_CLEAR, "n_clicks"),
        State(ids.FOCUS_SEARCH, "value"),
        prevent_initial_call=True,
    )
    def _pick(clicks: list[int | None], _submit: Any, _clear: Any, text: str | None) -> Any:
        trigger = dash.ctx.triggered_id
        if isinstance(trigger, dict):  # a match was clicked (or the list was redrawn: no click)
            if not any(clicks):
                raise dash.exceptions.PreventUpdate
            focus = pick_value(loader.data, trigger.get("table"))
        elif trigger == ids.FOCUS_SEARCH:  # Enter: the best match
            focus = first_match(loader.data, text)
        else:
            focus = ""
        if trigger != ids.FOCUS_CLEAR and not focus:
            raise dash.exceptions.PreventUpdate
        return focus or None, "", chosen_focus(loader.data, focus)
