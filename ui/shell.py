"""The page shell and the page router: header, navigation, status panels, the shared-ingest bar.

Every builder returns Dash components and takes plain values, so tests call
them directly. Names from scanned SQL are passed as component *children*
(text), never as HTML. :func:`render_page` picks the page of :mod:`ui.pages`
a URL names.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import dcc, html, no_update

from ui import ids
from ui.dark import build_theme_toggle
from ui.data import Loader
from ui.layouts import SavedPositions
from ui.pages.diagnostics import build_diagnostics_page
from ui.pages.overview import build_overview
from ui.pages.remediation.layout import build_remediation_page
from ui.pages.service import build_service_page
from ui.pages.tables_graph import build_tables_page
from ui.state import ViewState, href, parse_url, to_search

__all__ = [
    "INGEST_HIDDEN",
    "INGEST_SHOWN",
    "build_error",
    "build_layout",
    "build_loading",
    "build_nav",
    "build_not_found",
    "chrome",
    "present_switched",
    "render_page",
    "root_class",
    "toggled_present",
]

NAV_ITEMS = (
    ("overview", "Overview"),
    ("tables", "Table graph"),
    ("diagnostics", "Diagnostics"),
    ("remediation", "Remediation"),
)
#: Styles of the shared-ingest progress panel while its job runs, and otherwise.
INGEST_SHOWN = {"maxWidth": "760px", "margin": "24px auto 0", "padding": "16px 32px"}
INGEST_HIDDEN = {"display": "none"}


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


def _ingest_panel() -> list[Any]:
    """The progress bar of a shared ingest (:mod:`ui.shared`) and the stores of its job."""
    return [
        html.Div(
            id=ids.INGEST_PANEL,
            className="status-panel",
            style=INGEST_HIDDEN,
            role="status",
            children=[
                html.Div(
                    className="progress", children=html.Div(id=ids.INGEST_BAR, className="progress-bar")
                ),
                html.P(id=ids.INGEST_TEXT, className="muted", children="Preparing the scan…"),
            ],
        ),
        dcc.Store(id=ids.INGEST_GO),
        dcc.Store(id=ids.INGEST_DONE),
        dcc.Store(id=ids.INGEST_RUNNING, data=False),
    ]


def build_layout(label: str = "", *, shared: bool = False) -> html.Div:
    """The app shell: URL, header with navigation and presentation toggle, page area.

    ``shared``: the workers share one ingest, whose progress bar sits above the page.
    """
    return html.Div(
        id=ids.ROOT,
        className="app",
        children=[
            dcc.Location(id=ids.URL, refresh="callback-nav"),
            dcc.Store(id=ids.HISTORY),  # Back/Forward (assets/uistate.js)
            dcc.Store(id=ids.LAYOUT_MOVED),  # dragged nodes (assets/uistate.js)
            dcc.Store(id=ids.LAYOUT_SAVED),
            html.Header(
                className="topbar",
                children=[
                    html.Div([html.Span("fk", className="brand-fk"), "map"], className="brand"),
                    html.Span(label, className="source-label", title=label),
                    html.Nav(id=ids.NAV, className="nav", children=build_nav(ViewState())),
                    build_theme_toggle(),
                    html.Button(
                        "Presentation mode",
                        id=ids.PRESENT_TOGGLE,
                        className="btn btn-present",
                        title="Large type, controls hidden (?present=1)",
                    ),
                ],
            ),
            *(_ingest_panel() if shared else []),
            html.Main(id=ids.PAGE, className="page", children=build_loading("", 0.0)),
            dcc.Interval(id=ids.POLL, interval=600, disabled=True),
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


def render_page(
    loader: Loader, pathname: str | None, search: str | None, saved: SavedPositions | None = None
) -> tuple[Any, bool]:
    """The page for a URL, plus whether the progress poll must keep running.

    Returns the loading panel while a scan runs, the error panel when it
    failed, otherwise the page the path names, built from the URL's state
    (``saved``: the saved node positions of a view key, by element id).
    """
    if loader.status == "loading":
        return build_loading(loader.label, loader.elapsed), False
    if loader.status == "error":
        return build_error(loader.error), True
    state = parse_url(pathname, search)
    data = loader.data
    if state.page == "overview":
        return build_overview(data, state, saved), True
    if state.page == "tables":
        return build_tables_page(data, state), True
    if state.page == "service":
        return build_service_page(data, state), True
    if state.page == "diagnostics":
        return build_diagnostics_page(data, state), True
    if state.page == "remediation":
        return build_remediation_page(data, search), True
    return build_not_found(pathname or "/"), True


def chrome(pathname: str | None, search: str | None) -> tuple[str, list[Any], str]:
    """Root class, navigation links and the presentation toggle's label for a URL.

    >>> chrome("/tables", "?present=1")[::2]
    ('app present', 'Exit presentation')
    """
    state = parse_url(pathname, search)
    return root_class(state), build_nav(state), "Exit presentation" if state.present else "Presentation mode"


def toggled_present(pathname: str | None, search: str | None) -> str:
    """The query string after pressing the presentation toggle.

    >>> toggled_present("/tables", "?cross=1")
    '?cross=1&present=1'
    """
    state = parse_url(pathname, search)
    return to_search(replace(state, present=not state.present))


#: Pages drawn again when presentation mode is switched: their graphs' label sizes and opening zoom
#: depend on it (other pages only restyle, through the root element's class).
REDRAWN_ON_PRESENT = ("overview", "tables")


def present_switched(
    loader: Loader, pathname: str | None, search: str | None, saved: SavedPositions | None = None
) -> tuple[str, Any]:
    """The query string after pressing the presentation toggle, and the page drawn again for it
    (``no_update`` on a page without a graph, whose controls keep what the user typed)."""
    new = toggled_present(pathname, search)
    if parse_url(pathname, new).page not in REDRAWN_ON_PRESENT:
        return new, no_update
    return new, render_page(loader, pathname, new, saved)[0]
