"""The Export menu of the overview, the table graph and the service pages (hidden in presentation mode).

A button opens a panel over the page: pictures of the graph as shown (made in
the browser, with a title and the graph's legend, which the menu carries in a
store) or of the service (Graphviz on the server), and the data files of the
page's scope (:mod:`ui.exports` decides scope, names and titles).
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from exports import FORMATS
from exports.legend import screen_legend_data
from ui import ids
from ui.data import AppData
from ui.exports import (
    DATA_FORMATS,
    SERVICE_IMAGE_FORMATS,
    export_scope,
    export_target,
    scope_note,
    scope_text,
)
from ui.state import ViewState

__all__ = ["build_export_menu"]


def _button(label: str, fmt: str) -> html.Button:
    return html.Button(
        label,
        id={"type": ids.EXPORT_BUTTON, "format": fmt},
        className="btn btn-small",
        title=FORMATS[fmt].description,
    )


def build_export_menu(data: AppData, state: ViewState) -> html.Details:
    """The Export menu of ``state``'s page: a button that opens a panel over the page.

    The panel is absolutely positioned, so opening it, or the scope line
    changing with the filters, never moves the graph canvas.
    """
    target = export_target(state)
    scope = export_scope(state, data.services)
    sections: list[Any] = []
    if target is not None:
        sections += [
            html.Div("Picture of this view, as shown", className="export-heading"),
            html.Div(
                className="export-buttons",
                children=[
                    html.Button(
                        "PNG", id=ids.EXPORT_PNG, className="btn btn-small", title="PNG at 2× screen size"
                    ),
                    html.Button(
                        "SVG", id=ids.EXPORT_SVG, className="btn btn-small", title="SVG with text labels"
                    ),
                ],
            ),
            dcc.Store(id=ids.EXPORT_IMAGE_DONE),
            dcc.Store(
                id=ids.EXPORT_LEGEND,
                data=screen_legend_data("services" if state.page == "overview" else "tables"),
            ),
        ]
    elif state.page == "service":
        sections += [
            html.Div("Diagram of this service", className="export-heading"),
            html.Div(
                className="export-buttons", children=[_button(lab, f) for f, lab in SERVICE_IMAGE_FORMATS]
            ),
        ]
    sections += [
        html.Div("Data of this scope", className="export-heading"),
        html.Div(scope_text(scope), id=ids.EXPORT_SCOPE, className="export-scope"),
        html.Div(scope_note(state), id=ids.EXPORT_NOTE, className="export-note"),
        html.Div(className="export-buttons", children=[_button(lab, f) for f, lab in DATA_FORMATS]),
        html.Div(id=ids.EXPORT_STATUS, className="export-status", role="status"),
        dcc.Download(id=ids.EXPORT_DOWNLOAD),
        dcc.Store(id=ids.EXPORT_TARGET, data=target),
    ]
    return html.Details(
        id=ids.EXPORT_MENU,
        className="export-menu",
        children=[
            html.Summary("Export", className="btn export-summary", title="Download pictures and data files"),
            html.Div(className="export-panel", children=sections),
        ],
    )
