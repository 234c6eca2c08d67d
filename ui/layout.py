"""The page shell and the page router: header, navigation, status panels.

Every builder returns Dash components and takes plain values, so tests call
them directly. Names from scanned SQL are passed as component *children*
(text), never as HTML.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import dcc, html

from ui import ids
from ui.data import Loader
from ui.state import ViewState, href, parse_url

__all__ = [
    "build_error",
    "build_layout",
    "build_loading",
    "build_nav",
    "build_not_found",
    "render_page",
    "root_class",
]

NAV_ITEMS = (
    ("overview", "Overview"),
    ("tables", "Table graph"),
    ("diagnostics", "Diagnostics"),
    ("remediation", "Remediation"),
)
POLL = "fk-poll"


def root_class(state: ViewState) -> str:
    """CSS class of the root element (``present`` switches presentation mode on).

    >>> root_class(ViewState(present=True))
    'app present'
    """
    return "app present" if state.present else "app"


def build_nav(state: ViewState) -> list[Any]:
    """Navigation links that keep presentation mode; the current page is marked."""
    links: list[Any] = []
    for page, label in NAV_ITEMS:
        target = ViewState(page=page, present=state.present)  # type: ignore[arg-type]
        current = state.page == page
        links.append(
            dcc.Link(label, href=href(target), className="nav-link current" if current else "nav-link")
        )
    if state.page == "service":
        links.append(html.Span(f"Service: {state.service}", className="nav-link current"))
    return links


def build_layout(label: str = "") -> html.Div:
    """The app shell: URL, header with navigation and presentation toggle, page area."""
    return html.Div(
        id=ids.ROOT,
        className="app",
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            html.Header(
                className="topbar",
                children=[
                    html.Div([html.Span("fk", className="brand-fk"), "map"], className="brand"),
                    html.Span(label, className="source-label", title=label),
                    html.Nav(id=ids.NAV, className="nav", children=build_nav(ViewState())),
                    html.Button(
                        "Presentation mode",
                        id=ids.PRESENT_TOGGLE,
                        className="btn btn-present",
                        title="Large type, controls hidden (?present=1)",
                    ),
                ],
            ),
            html.Main(id=ids.PAGE, className="page", children=build_loading("", 0.0)),
            dcc.Interval(id=POLL, interval=600, disabled=True),
        ],
    )


def build_loading(label: str, elapsed: float) -> html.Div:
    """What a long ingest shows instead of a blank page."""
    return html.Div(
        className="panel status-panel",
        children=[
            html.H2("Scanning…"),
            html.P(f"Reading {label}" if label else "Preparing the dashboard"),
            html.Div(className="progress", children=html.Div(className="progress-bar")),
            html.P(f"{elapsed:.0f} s elapsed", className="muted"),
        ],
    )


def build_error(message: str) -> html.Div:
    """An ingest error as a readable panel (message only, no stack trace)."""
    return html.Div(
        id=ids.ERROR_PANEL,
        className="panel status-panel error-panel",
        children=[
            html.H2("The scan failed"),
            html.P("fkmap could not read the sources it was given:"),
            html.Pre(message, className="error-text"),
            html.P("Check the paths or connection strings and restart `fkmap serve`.", className="muted"),
        ],
    )


def build_not_found(pathname: str) -> html.Div:
    """The page for an unknown address."""
    return html.Div(
        className="panel status-panel",
        children=[
            html.H2("Page not found"),
            html.P(f"Nothing lives at {pathname}."),
            dcc.Link("Back to the overview", href="/"),
        ],
    )


def render_page(loader: Loader, pathname: str | None, search: str | None) -> tuple[Any, bool]:
    """The page for a URL, plus whether the progress poll must keep running.

    Returns the loading panel while a scan runs, the error panel when it
    failed, otherwise the page the path names, built from the URL's state.
    """
    from ui.diagnostics import build_diagnostics_page
    from ui.overview import build_overview
    from ui.service_page import build_service_page
    from ui.tables_graph import build_tables_page

    if loader.status == "loading":
        return build_loading(loader.label, loader.elapsed), False
    if loader.status == "error":
        return build_error(loader.error), True
    state = parse_url(pathname, search)
    data = loader.data
    if state.page == "overview":
        return build_overview(data, state), True
    if state.page == "tables":
        return build_tables_page(data, state), True
    if state.page == "service":
        return build_service_page(data, state), True
    if state.page == "diagnostics":
        return build_diagnostics_page(data, state), True
    if state.page == "remediation":
        from ui.remediation import build_remediation_page

        return build_remediation_page(data, search), True
    return build_not_found(pathname or "/"), True


def toggled_present(pathname: str | None, search: str | None) -> str:
    """The query string after pressing the presentation toggle.

    >>> toggled_present("/tables", "?cross=1")
    '?cross=1&present=1'
    """
    from ui.state import to_search

    state = parse_url(pathname, search)
    return to_search(replace(state, present=not state.present))
