"""The overview page: the unowned-tables banner, headline figures, the service graph, the coupling matrix."""

from __future__ import annotations

import html as htmllib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import dash_cytoscape as cyto
import plotly.graph_objects as go
from dash import dcc, html

from graph.analysis import headline_figures
from remediation.service import load_view
from remediation.totals import DEFINITIONS, SCAN_DEFINITIONS, format_total, view_totals
from ui import ids
from ui.data import AppData
from ui.elements import services_graph
from ui.layouts import SavedPositions, apply_positions, reset_layout_button
from ui.pages.common import build_graph_legend, data_attrs
from ui.pages.export_menu import build_export_menu
from ui.pages.overview_scale import (
    build_ranked_list,
    build_top_control,
    chosen_top,
    is_large,
    top_of,
    top_search,
)
from ui.pages.remediation.view import tracked_items
from ui.pages.unowned import build_unowned_banner
from ui.service_elements import FONT, PRESENT_FONT, service_elements
from ui.state import ViewState, parse_url, service_href, to_search, toggle_expanded, view_key
from ui.theme import service_stylesheet
from ui.unowned import unowned_of

__all__ = [
    "HEADLINES",
    "INFERRED_HEADLINE",
    "TOTAL_OF",
    "UNOWNED_HEADLINE",
    "build_headlines",
    "build_legend",
    "build_matrix_figure",
    "build_overview",
    "build_service_list",
    "expand",
    "font_of",
    "format_figure",
    "matrix_counts",
    "overview_click",
    "overview_elements",
    "overview_totals",
    "threshold_change",
]

#: (key of :func:`graph.analysis.headline_figures`, label) in display order.
HEADLINES = (
    ("services", "Services"),
    ("tables", "Tables"),
    ("foreign_keys", "Foreign keys"),
    ("cross_service_fks", DEFINITIONS["present"].label),
    ("services_coupled", "Services coupled"),
    ("cross_service_cascades", "Cross-service ON DELETE CASCADE"),
    ("share_remediated", DEFINITIONS["remediated"].label),
)
#: The cards that show a remediation total (:mod:`remediation.totals`: one definition for every page).
TOTAL_OF = {"cross_service_fks": "present", "share_remediated": "remediated"}
#: The ownership figure shown after "Cross-service FKs": present FKs whose referenced table has no owner.
UNOWNED_HEADLINE = ("fks_into_unowned", "FKs into tables no service owns")
#: Shown right after "Cross-service FKs" when the scan inferred references: counted apart, never as FKs.
INFERRED_HEADLINE = ("inferred_references", "Inferred references (no constraint)")


def format_figure(key: str, value: int | float | None) -> str:
    """Display text of a headline figure.

    >>> format_figure("tables", 1834), format_figure("share_remediated", 0.0526)
    ('1,834', '5.3%')
    >>> format_figure("share_remediated", None)
    '–'
    """
    return format_total(TOTAL_OF.get(key, key), value)


def _definition(key: str) -> str:
    return DEFINITIONS[TOTAL_OF[key]].text if key in TOTAL_OF else SCAN_DEFINITIONS.get(key, "")


def overview_totals(data: AppData) -> dict[str, int | float | None]:
    """The values of the :data:`TOTAL_OF` cards: the tracked keys' totals (no store needed)."""
    totals = view_totals(load_view(tracked_items(data), None))
    return {card: totals.value(key) for card, key in TOTAL_OF.items()}


def build_headlines(figures: Mapping[str, int | float | None]) -> html.Div:
    """One card per headline figure; ``data-figure`` names the figure for tests and CSS.

    The :data:`UNOWNED_HEADLINE` card follows "Cross-service FKs" when ``figures`` has it, the
    :data:`INFERRED_HEADLINE` card (dashed, like the edges) when the scan inferred any reference:
    "Cross-service FKs" and the share remediated count declared constraints only.
    """
    shown = list(HEADLINES)
    if UNOWNED_HEADLINE[0] in figures:
        shown.insert(4, UNOWNED_HEADLINE)
    if figures.get(INFERRED_HEADLINE[0]):
        shown.insert(4, INFERRED_HEADLINE)
    cards = []
    for key, label in shown:
        danger = key == "cross_service_cascades" and bool(figures.get(key))
        warn = key == UNOWNED_HEADLINE[0] and bool(figures.get(key))
        extra = (" danger" if danger else "") + (" warn" if warn else "")
        cards.append(
            html.Div(
                className="card figure" + extra + (" inferred" if key == INFERRED_HEADLINE[0] else ""),
                title=f"{label}: {_definition(key)}",
                children=[
                    html.Div(format_figure(key, figures.get(key)), className="figure-value"),
                    html.Div(label, className="figure-label"),
                ],
                **data_attrs({"data-figure": key}),
            )
        )
    return html.Div(id=ids.HEADLINES, className=f"headlines n{len(cards)}", children=cards)


def build_legend() -> html.Div:
    """Legend of edge colours, widths and direction."""
    return build_graph_legend("services")


def build_service_list(data: AppData, state: ViewState) -> html.Div:
    """Services with their coupling counts (declared FKs; inferred references apart), each linking to
    its service page."""
    S = services_graph(data)
    rows = []
    for name in sorted(S.nodes, key=lambda n: (-S.in_degree(n, weight="declared"), n)):
        out_fk = S.out_degree(name, weight="declared")
        in_fk = S.in_degree(name, weight="declared")
        guessed = S.out_degree(name, weight="inferred") + S.in_degree(name, weight="inferred")
        rows.append(
            html.Li(
                className="service-row" + (" expanded" if name in state.expanded else ""),
                children=[
                    dcc.Link(name, href=service_href(name, present=state.present), className="service-link"),
                    html.Span(
                        f"{in_fk} in · {out_fk} out" + (f" · {guessed} inferred" if guessed else ""),
                        className="muted",
                    ),
                ],
            )
        )
    return html.Div(
        className="service-list",
        children=[
            html.H4("Services"),
            html.Ul(rows),
            html.P("Click a node to show its tables.", className="hint"),
        ],
    )


def matrix_counts(S: Any, names: list[str]) -> tuple[list[list[int]], list[list[str]], list[list[int]]]:
    """Declared FK counts (the colour), cell texts and inferred counts of the matrix rows x columns.

    Inferred references are counted apart: a pair with 2 declared FKs and 3
    inferred references reads ``2 +3?``; one with inferred references only
    reads ``+3?`` on an uncoloured cell.

    >>> import networkx as nx
    >>> S = nx.DiGraph()
    >>> S.add_edge("a", "b", weight=5, declared=2, inferred=3)
    >>> S.add_edge("b", "a", weight=1, declared=0, inferred=1)
    >>> matrix_counts(S, ["a", "b"])
    ([[0, 2], [0, 0]], [['', '2 +3?'], ['+1?', '']], [[0, 3], [1, 0]])
    """

    def edge(a: str, b: str, key: str) -> int:
        return int(S.edges[a, b].get(key, 0)) if S.has_edge(a, b) else 0

    z = [[edge(a, b, "declared") for b in names] for a in names]
    inferred = [[edge(a, b, "inferred") for b in names] for a in names]
    text = [
        [" ".join(([str(d)] if d else []) + ([f"+{i}?"] if i else [])) for d, i in zip(zr, ir, strict=True)]
        for zr, ir in zip(z, inferred, strict=True)
    ]
    return z, text, inferred


def build_matrix_figure(data: AppData, *, present: bool = False) -> go.Figure:
    """Heatmap of cross-service FK counts: rows depend on columns.

    Names are HTML-escaped because Plotly reads a few tags in its text.
    """
    S = services_graph(data)
    names = sorted(S.nodes)
    z, text, inferred = matrix_counts(S, names)
    labels = [htmllib.escape(n) for n in names]
    font = 18 if present else 14
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": font},
            colorscale=[[0, "#f5f7fa"], [0.001, "#fde0d2"], [1, "#b2182b"]],
            zmin=0,
            zmax=max([1, *(v for row in z for v in row)]),  # all zeros: every cell the neutral colour
            showscale=False,
            xgap=2,
            ygap=2,
            customdata=inferred,
            hovertemplate="%{y} → %{x}: %{z} declared FKs, %{customdata} inferred references<extra></extra>",
        )
    )
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=max(260, 44 * len(names) + 120),
        font={"size": font, "family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "color": "#1d2330"},
        xaxis={"title": {"text": "owner (referenced)"}, "side": "top", "tickangle": -30},
        yaxis={"title": {"text": "dependent"}, "autorange": "reversed"},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
    )
    return fig


def font_of(state: ViewState) -> float:
    """Size of the service labels: larger in presentation mode."""
    return PRESENT_FONT if state.present else FONT


def build_overview(data: AppData, state: ViewState, saved: SavedPositions | None = None) -> html.Div:
    """The overview page for ``state`` (its ``expanded`` services shown as clusters), its nodes where
    they were saved for the view (``saved``: positions of a view key by element id).

    From :data:`~ui.service_elements.MANY_SERVICES` services on, the side card
    leads with the ranked dependencies and the graph draws the strongest ones.
    """
    figures = {
        **headline_figures(data.graph),
        **overview_totals(data),
        UNOWNED_HEADLINE[0]: unowned_of(data).fks_into,
    }
    side = [
        html.Div(id=ids.EDGE_DETAILS, className="details-panel compact"),  # the selection
        build_legend(),
        build_service_list(data, state),
    ]
    if is_large(data):
        side.insert(1, build_ranked_list(data, state))
    return html.Div(
        className="overview",
        children=[
            build_unowned_banner(data, state),
            build_headlines(figures),
            html.Div(
                className="graph-row",
                children=[
                    html.Div(
                        className="card graph-card",
                        children=[
                            html.H3("Service coupling", className="card-title"),
                            build_top_control(data, state),
                            html.Div(
                                className="canvas",
                                children=[
                                    cyto.Cytoscape(
                                        id=ids.SERVICE_GRAPH,
                                        elements=overview_elements(
                                            data, state, saved, top_of(data, chosen_top(data, state))
                                        ),
                                        layout={
                                            "name": "preset",
                                            "fit": True,
                                            "padding": 40,
                                            "animate": False,
                                        },
                                        stylesheet=service_stylesheet(font_of(state)),
                                        style={"width": "100%", "height": "100%"},
                                        minZoom=0.1,
                                        maxZoom=3,
                                        autoungrabify=False,
                                        boxSelectionEnabled=False,
                                        responsive=True,
                                    ),
                                    build_export_menu(data, state),
                                    reset_layout_button(),
                                ],
                            ),
                        ],
                    ),
                    html.Div(
                        id=ids.DETAILS,
                        className="card side-card",
                        children=side,
                    ),
                ],
            ),
            html.Div(
                className="card matrix-card",
                children=[
                    html.H3(
                        "Who depends on whom (cross-service FKs"
                        + ("; +n?: inferred references" if figures.get(INFERRED_HEADLINE[0]) else "")
                        + ")",
                        className="card-title",
                    ),
                    dcc.Graph(
                        id=ids.MATRIX,
                        figure=build_matrix_figure(data, present=state.present),
                        config={"displayModeBar": False, "responsive": True},
                    ),
                ],
            ),
        ],
    )


def overview_elements(
    data: AppData, state: ViewState, saved: SavedPositions | None, top: int | None
) -> list[dict[str, Any]]:
    elements = service_elements(data, state.expanded, font=font_of(state), top=top)
    return apply_positions(elements, saved(view_key(state))) if saved is not None else elements


def overview_click(
    data: AppData,
    state: ViewState,
    node: Mapping[str, Any] | None,
    top: Any = None,
    saved: SavedPositions | None = None,
) -> tuple[ViewState, list[dict[str, Any]]] | None:
    """Toggle the tapped service (or cluster) on the overview.

    Returns the new state and elements, or None when the tap changes nothing
    (a table inside a cluster, or no node).
    """
    info = (node or {}).get("data") or {}
    if info.get("kind") not in ("service", "cluster") or not info.get("service"):
        return None
    new = replace(toggle_expanded(state, str(info["service"])), viewport=None)  # a new view: fitted
    return new, overview_elements(data, new, saved, top_of(data, top))


def expand(
    data: AppData,
    pathname: str | None,
    search: str | None,
    node: Mapping[str, Any] | None,
    top: Any = None,
    saved: SavedPositions | None = None,
) -> tuple[list[dict[str, Any]], str] | None:
    """The graph's new elements and the URL query after a tap (None: the tap changes nothing).

    ``top`` is the value of the threshold control (:mod:`ui.pages.overview_scale`).
    """
    result = overview_click(data, parse_url(pathname, search), node, top, saved)
    if result is None:
        return None
    state, elements = result
    return elements, to_search(state)


def threshold_change(
    data: AppData, state: ViewState, value: Any, saved: SavedPositions | None = None
) -> tuple[list[dict[str, Any]], str] | None:
    """The graph's elements and the URL query once the threshold control is set to ``value`` (None
    when it asks for what the URL already says: the page was drawn again, nothing was chosen, and
    writing the URL then would push a history entry that cuts off Forward)."""
    if value is None or int(value) == chosen_top(data, state):
        return None
    return overview_elements(data, state, saved, top_of(data, value)), top_search(data, state, value)
