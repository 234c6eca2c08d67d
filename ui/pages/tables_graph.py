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
from ui.elements import TableView, cytoscape_layout, layout_options
from ui.layouts import SavedPositions, reset_layout_button
from ui.lod import AGGREGATE_FONT, LOD_CHOICES, limit_of, lod_view
from ui.pages.common import build_graph_legend, data_attrs
from ui.pages.export_menu import build_export_menu
from ui.pages.focus_search import build_focus_search, build_minimap, focus_options
from ui.pages.table_details import details_hint
from ui.state import ON_DELETE_KINDS, ORIGINS, TableFilter, ViewState, parse_url, to_search, view_key
from ui.theme import TABLE_FONT, table_stylesheet

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
            *(
                [
                    html.P(
                        f"{view.aggregated} services drawn as one node each: tap one to open it.",
                        className="hint",
                    )
                ]
                if view.aggregated
                else []
            ),
        ],
        **data_attrs(
            {
                "data-tables": str(view.tables),
                "data-edges": str(view.edges),
                "data-cross": str(view.cross),
                "data-aggregated": str(view.aggregated),
                "data-inferred": str(view.inferred),
            }
        ),
    )


def _legend() -> html.Div:
    return build_graph_legend("tables", compact=True)


def build_tables_page(data: AppData, state: ViewState) -> html.Div:
    """The table graph page, controls initialised from the URL state."""
    view = lod_view(data, state.filter, state.opened, limit_of(state.lod))
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
                build_minimap(),
                reset_layout_button(),
            ],
        ),
    )
    stores = [dcc.Store(id=ids.TABLE_PAYLOAD), dcc.Store(id=ids.TABLE_DRAWN)]
    return html.Div(className="tables-page", children=[sidebar, canvas, *stores])


#: Smallest label size (px on screen) presentation mode opens the table graph at.
READABLE_PX = 12.5


def graph_payload(
    view: TableView,
    layout: str,
    *,
    present: bool = False,
    key: str = "",
    viewport: tuple[float, float, float] | None = None,
    saved: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """What ``assets/fkmap.js`` draws: the elements, the layout to run, the bounding box.

    Elements go to Cytoscape through one batched ``cy.add`` in the browser rather
    than the component's ``elements`` prop, which adds them one by one (measured:
    seconds at 2,000 tables). In presentation mode ``readable`` is the zoom at
    which the smallest node label is :data:`READABLE_PX` on screen: the graph
    opens at least that close (its top left corner first) instead of fitting
    labels too small to read on a projector. ``key`` names the view
    (:func:`ui.state.view_key`: dragged positions are saved under it),
    ``viewport`` is the URL's pan and zoom (None: fit), ``saved`` the view's
    saved positions by element id, placed after the layout ran.
    """
    tables = any(e["data"].get("kind") == "table" for e in view.elements)
    return {
        "elements": list(view.elements),
        "layout": cytoscape_layout(layout, view.tables),
        "bbox": view.bbox,
        "readable": READABLE_PX / (TABLE_FONT if tables else AGGREGATE_FONT) if present else None,
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
        *build_focus_search(data, flt.focus),
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
        _detail_control(data, state),
    ]


def _detail_control(data: AppData, state: ViewState) -> html.Div:
    """Above how many tables services are drawn as one node each (:mod:`ui.lod`); hidden (but there
    for its callback) when the whole inventory has no more tables than the lowest choice."""
    limit = limit_of(state.lod)
    return html.Div(
        className="detail-control",
        style=None if data.graph.number_of_nodes() > LOD_CHOICES[0] else {"display": "none"},
        children=[
            html.Label("One node per service above", htmlFor=ids.FILTER_LOD),
            dcc.RadioItems(
                id=ids.FILTER_LOD,
                options=[{"label": f" {n:,} tables", "value": n} for n in sorted({*LOD_CHOICES, limit})],
                value=limit,
                className="checks",
            ),
        ],
    )


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
) -> tuple[Any, Any, Any, list[dict[str, str]], str] | None:
    """Everything a filter change updates: graph payload, stylesheet, stats, layout options, URL query.

    The stylesheet is ``no_update`` unless the view changes between small and large; the
    payload is ``no_update`` when the new filter draws exactly what is drawn.

    The page is inserted without elements (a small, fast response) and this
    runs once at insertion (``drawn=False``) to send them. Afterwards it returns
    None when the controls say what the URL already says: nothing to redraw.
    The URL's pan and zoom are kept for the view it names and dropped for a new
    one (which is fitted); ``saved`` gives the positions saved for a view key. The services
    opened on an aggregated graph and its threshold are the state's (``opened``, ``lod``).
    """
    open_, limit = state.opened, limit_of(state.lod)
    view = lod_view(data, flt, open_, limit)
    lay = cytoscape_layout(layout or "preset", view.tables)
    same = flt == state.filter and lay["name"] == cytoscape_layout(state.layout, view.tables)["name"]
    if drawn and same:
        return None
    new = replace(
        state, page="tables", filter=flt, layout=lay["name"], viewport=state.viewport if same else None
    )
    key = view_key(new)
    drawn_before = lod_view(data, state.filter, open_, limit)  # cached: the view on the screen
    unchanged = drawn and lay["name"] == state.layout and view.elements == drawn_before.elements
    return (
        # the same picture (an aggregated graph of cross-service FKs only, say): nothing to send again
        no_update
        if unchanged
        else graph_payload(
            view,
            lay["name"],
            present=state.present,
            key=key,
            viewport=new.viewport,
            saved=saved(key) if saved is not None else None,
        ),
        # a new stylesheet restyles every element (measured: a second at 20,000 tables): only on a change
        table_stylesheet(large=view.large) if view.large != drawn_before.large or not drawn else no_update,
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
    (None right after the page was inserted). The services opened on an aggregated
    graph (:mod:`ui.lod`) are the URL's, kept across filter changes.
    """
    flt = filter_from_controls(services, checks, on_delete, origins, focus, hops)
    state = parse_url(pathname, search)
    result = update_table_view(data, state, flt, layout, drawn=drawn is not None, saved=saved)
    if result is None:
        return None
    new_search = result[-1]
    same = new_search == (search or "") or parse_url(pathname, new_search) == state  # "at=1,2" is "at=1%2C2"
    return (*result[:-1], no_update if same else new_search)
