"""The table-level graph page: services as clusters, filters, search, layout, the tapped table's details.

The canvas sits in a fixed-height container; every control and every piece of
text whose height varies lives in the sidebar beside it (the details of the
tapped table at its top), so Cytoscape's click targets never drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import dash_cytoscape as cyto
from dash import dcc, html, no_update

from ui import ids
from ui.data import AppData
from ui.elements import TableView, cytoscape_layout, layout_options, table_options, table_view
from ui.layouts import SavedPositions, reset_layout_button
from ui.pages.common import data_attrs
from ui.pages.export_menu import build_export_menu
from ui.pages.table_details import details_hint
from ui.state import ON_DELETE_KINDS, ORIGINS, TableFilter, ViewState, parse_url, to_search, view_key
from ui.theme import DANGER_COLOUR, DANGER_LABEL, INFERRED_COLOUR, table_stylesheet

__all__ = [
    "build_stats",
    "build_tables_page",
    "filter_change",
    "filter_from_controls",
    "focus_options",
    "graph_payload",
    "update_table_view",
]


def build_stats(view: TableView) -> html.Div:
    """Counts of the current view; ``data-*`` attributes carry them for tests.

    Foreign keys and cross-service ones are declared constraints; inferred
    references drawn are counted apart (``data-edges`` counts every edge drawn).
    """
    inferred = [html.Div([html.B(f"{view.inferred:,}"), " inferred references"])] if view.inferred else []
    return html.Div(
        className="stats",
        children=[
            html.Div([html.B(f"{view.tables:,}"), " tables"]),
            html.Div([html.B(f"{view.edges - view.inferred:,}"), " foreign keys"]),
            html.Div([html.B(f"{view.cross - view.inferred:,}"), " cross-service"]),
            html.Div([html.B(f"{view.clusters:,}"), " services"]),
            *inferred,
        ],
        **data_attrs(
            {
                "data-tables": str(view.tables),
                "data-edges": str(view.edges),
                "data-cross": str(view.cross),
                "data-inferred": str(view.inferred),
            }
        ),
    )


def _legend() -> html.Div:
    return html.Div(
        className="legend compact",
        children=[
            html.H4("Legend"),
            *[
                html.Div(
                    className="legend-item",
                    children=[html.Span(className="swatch", style={"background": c}), DANGER_LABEL[k]],
                )
                for k, c in DANGER_COLOUR.items()
            ],
            html.Div(
                className="legend-item",
                children=[html.Span(className="swatch", style={"background": "#b9c0cc"}), "Within a service"],
            ),
            html.Div(
                className="legend-item",
                children=[
                    html.Span(className="swatch line dashed", style={"borderColor": INFERRED_COLOUR}),
                    "Inferred reference (no constraint)",
                ],
            ),
            html.Div("Dotted: dropped", className="legend-note"),
            html.Div("Dashed border: external table", className="legend-note"),
        ],
    )


def build_tables_page(data: AppData, state: ViewState) -> html.Div:
    """The table graph page, controls initialised from the URL state."""
    view = table_view(data, state.filter)
    sidebar = html.Div(
        className="card sidebar",
        children=[
            html.Div(id=ids.TABLE_DETAILS, className="details-panel compact", children=details_hint()),
            html.Div(className="filter-controls", children=_controls(data, state, view)),
            html.Div(id=ids.TABLE_STATS, children=build_stats(view)),
            _legend(),
        ],
    )
    canvas = html.Div(
        className="card graph-card",
        children=html.Div(
            className="canvas tall",
            children=[
                cyto.Cytoscape(
                    id=ids.TABLE_GRAPH,
                    elements=[],
                    layout={"name": "preset", "fit": False},  # assets/fkmap.js places the viewport
                    stylesheet=table_stylesheet(large=view.large),
                    style={"width": "100%", "height": "100%"},
                    minZoom=0.02,
                    maxZoom=4,
                    boxSelectionEnabled=False,
                    responsive=True,
                ),
                build_export_menu(data, state),
                reset_layout_button(),
            ],
        ),
    )
    stores = [
        dcc.Store(id=ids.TABLE_PAYLOAD),
        dcc.Store(id=ids.TABLE_DRAWN),
    ]
    return html.Div(className="tables-page", children=[sidebar, canvas, *stores])


def graph_payload(
    view: TableView,
    layout: str,
    *,
    key: str = "",
    viewport: tuple[float, float, float] | None = None,
    saved: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """What ``assets/fkmap.js`` draws: the elements and the layout to run.

    Elements go to Cytoscape through one batched ``cy.add`` in the browser rather
    than the component's ``elements`` prop, which adds them one by one (measured:
    seconds at 2,000 tables). ``key`` names the view (:func:`ui.state.view_key`:
    dragged positions are saved under it), ``viewport`` is the URL's pan and zoom
    (None: fit), ``saved`` the view's saved positions by element id, placed after
    the layout ran.
    """
    return {
        "elements": list(view.elements),
        "layout": cytoscape_layout(layout, view.tables),
        "bbox": view.bbox,
        "key": key,
        "viewport": list(viewport) if viewport is not None else None,
        "saved": {i: {"x": x, "y": y} for i, (x, y) in sorted((saved or {}).items())},
    }


def _controls(data: AppData, state: ViewState, view: TableView) -> list[Any]:
    flt = state.filter
    checks = (["cross"] if flt.cross_only else []) + (["dropped"] if flt.include_dropped else [])
    return [
        html.Label("Services", htmlFor=ids.FILTER_SERVICES),
        dcc.Dropdown(
            id=ids.FILTER_SERVICES,
            options=[{"label": s, "value": s} for s in data.services],
            value=list(flt.services),
            multi=True,
            placeholder="All services",
        ),
        dcc.Checklist(
            id=ids.FILTER_CROSS,
            options=[
                {"label": " Only cross-service FKs", "value": "cross"},
                {"label": " Include dropped FKs", "value": "dropped"},
            ],
            value=checks,
            className="checks",
        ),
        html.Label("ON DELETE"),
        dcc.Checklist(
            id=ids.FILTER_ON_DELETE,
            options=[{"label": f" {k}", "value": k} for k in ON_DELETE_KINDS],
            value=list(flt.on_delete or ON_DELETE_KINDS),
            className="checks",
        ),
        html.Label("Origin"),
        dcc.Checklist(
            id=ids.FILTER_ORIGIN,
            options=[{"label": f" {o}", "value": o} for o in ORIGINS],
            value=list(flt.origins),
            className="checks inline",
        ),
        html.Label("Focus on a table", htmlFor=ids.FILTER_FOCUS),
        dcc.Dropdown(
            id=ids.FILTER_FOCUS,
            options=focus_options(data, "", flt.focus),
            value=flt.focus or None,
            placeholder="Search a table…",
            clearable=True,
        ),
        html.Div(
            className="hops",
            children=[
                html.Span("Neighbourhood: "),
                dcc.RadioItems(
                    id=ids.FILTER_HOPS,
                    options=[{"label": f" {n} hop{'s' if n > 1 else ''}", "value": n} for n in (1, 2, 3)],
                    value=min(flt.hops, 3),
                    inline=True,
                ),
            ],
        ),
        html.Label("Layout", htmlFor=ids.FILTER_LAYOUT),
        dcc.Dropdown(
            id=ids.FILTER_LAYOUT,
            options=layout_options(view.tables),
            value=cytoscape_layout(state.layout, view.tables)["name"],
            clearable=False,
        ),
    ]


def focus_options(
    data: AppData, search: str | None, value: str | None, limit: int = 40
) -> list[dict[str, str]]:
    """Options of the table search box: the tables matching ``search`` (and the current value).

    Offered as the user types, never all at once: a dropdown holding thousands of
    options makes the page seconds slower to appear.
    """
    needle = (search or "").strip().lower()
    everything = table_options(data)
    chosen = [o for o in everything if value and o["value"] == value]
    if not needle:
        return chosen
    found = [o for o in everything if needle in o["label"].lower() and o not in chosen]
    found.sort(key=lambda o: (not o["label"].lower().startswith(needle), o["label"]))
    return chosen + found[:limit]


def filter_from_controls(
    services: list[str] | None,
    checks: list[str] | None,
    on_delete: list[str] | None,
    origins: list[str] | None,
    focus: str | None,
    hops: int | None,
) -> TableFilter:
    """Control values -> :class:`TableFilter` (all ON DELETE kinds ticked means no filter).

    >>> filter_from_controls(["auth"], ["cross"], list(ON_DELETE_KINDS), ["declared"], None, 2)
    TableFilter(services=('auth',), cross_only=True, on_delete=(), origins=('declared',), \
include_dropped=False, focus='', hops=2)
    """
    kinds = tuple(k for k in ON_DELETE_KINDS if k in (on_delete or []))
    return TableFilter(
        services=tuple(services or ()),
        cross_only="cross" in (checks or []),
        on_delete=() if len(kinds) == len(ON_DELETE_KINDS) else kinds,
        origins=tuple(o for o in ORIGINS if o in (origins or [])),
        include_dropped="dropped" in (checks or []),
        focus=focus or "",
        hops=int(hops or 1),
    )


def update_table_view(
    data: AppData,
    state: ViewState,
    flt: TableFilter,
    layout: str | None,
    *,
    drawn: bool = True,
    saved: SavedPositions | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]], Any, list[dict[str, str]], str] | None:
    """Everything a filter change updates: graph payload, stylesheet, stats, layout options, URL query.

    The page is inserted without elements (a small, fast response) and this
    runs once at insertion (``drawn=False``) to send them. Afterwards it returns
    None when the controls say what the URL already says: nothing to redraw.
    The URL's pan and zoom are kept for the view it names and dropped for a new
    one (which is fitted); ``saved`` gives the positions saved for a view key.
    """
    view = table_view(data, flt)
    lay = cytoscape_layout(layout or "preset", view.tables)
    same = flt == state.filter and lay["name"] == cytoscape_layout(state.layout, view.tables)["name"]
    if drawn and same:
        return None
    new = replace(
        state, page="tables", filter=flt, layout=lay["name"], viewport=state.viewport if same else None
    )
    key = view_key(new)
    return (
        graph_payload(
            view, lay["name"], key=key, viewport=new.viewport, saved=saved(key) if saved is not None else None
        ),
        table_stylesheet(large=view.large),
        build_stats(view),
        layout_options(view.tables),
        to_search(new),
    )


def filter_change(
    data: AppData,
    pathname: str | None,
    search: str | None,
    drawn: Any,
    services: list[str] | None,
    checks: list[str] | None,
    on_delete: list[str] | None,
    origins: list[str] | None,
    focus: str | None,
    hops: int | None,
    layout: str | None,
    *,
    saved: SavedPositions | None = None,
) -> tuple[Any, ...] | None:
    """The outputs of a change of the filter controls (None: nothing to redraw).

    As :func:`update_table_view`, with the URL query left alone (``no_update``)
    when it does not change; ``drawn`` is what the browser reports it drew
    (None right after the page was inserted).
    """
    flt = filter_from_controls(services, checks, on_delete, origins, focus, hops)
    state = parse_url(pathname, search)
    result = update_table_view(data, state, flt, layout, drawn=drawn is not None, saved=saved)
    if result is None:
        return None
    new_search = result[-1]
    same = new_search == (search or "") or parse_url(pathname, new_search) == state  # "at=1,2" is "at=1%2C2"
    return (*result[:-1], no_update if same else new_search)
