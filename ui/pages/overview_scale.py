"""The overview at size: the ranked list of dependencies and the threshold of the service graph.

From :data:`~ui.service_elements.MANY_SERVICES` services on, a drawing of
every coupling is a hairball: the overview then leads with the dependencies
ranked by FK count and draws only the strongest ``top`` of them, with a
control to draw more. Smaller overviews draw everything and hide the control.
The choice lives in the URL (``top=N``, ``top=all``; :class:`ui.state.ViewState` ``top``) when it
differs from the default, so a reload or a shared link draws the same couplings.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import dcc, html

from ui import ids
from ui.data import AppData
from ui.elements import services_graph
from ui.pages.common import data_attrs
from ui.service_elements import DEFAULT_TOP, MANY_SERVICES
from ui.state import ViewState, service_href, to_search

__all__ = [
    "TOP_CHOICES",
    "build_ranked_list",
    "build_top_control",
    "chosen_top",
    "is_large",
    "ranked_pairs",
    "top_of",
    "top_search",
]

#: Couplings the threshold control offers (0: all of them).
TOP_CHOICES = (10, 20, 40, 0)
#: Rows of the ranked list.
RANKED_ROWS = 25


def is_large(data: AppData) -> bool:
    """True when the overview has :data:`MANY_SERVICES` services or more."""
    return bool(services_graph(data).number_of_nodes() >= MANY_SERVICES)


def top_of(data: AppData, value: Any) -> int | None:
    """The threshold the control's ``value`` asks for: None (draw all) on a small overview, for 0, or
    when there are no more couplings than that."""
    if not is_large(data):
        return None
    top = DEFAULT_TOP if value is None else int(value)
    if top <= 0 or top >= services_graph(data).number_of_edges():
        return None  # all of them, or no fewer than there are: nothing is left out
    return top


def _choices(data: AppData) -> tuple[int, ...]:
    """The values the threshold control offers for ``data``: fewer than there are couplings, and all."""
    total = services_graph(data).number_of_edges()
    return tuple(n for n in TOP_CHOICES if n == 0 or n < total)


def _default(data: AppData) -> int:
    return DEFAULT_TOP if services_graph(data).number_of_edges() > DEFAULT_TOP else 0


def chosen_top(data: AppData, state: ViewState) -> int:
    """The control's value for ``state``: the URL's ``top`` when the control offers it, else the default."""
    return state.top if state.top is not None and state.top in _choices(data) else _default(data)


def top_search(data: AppData, state: ViewState, value: Any) -> str:
    """The URL query once the control is set to ``value`` (``top`` left out when it is the default)."""
    top = int(value) if value is not None else _default(data)
    return to_search(replace(state, top=None if top == _default(data) else top))


def ranked_pairs(data: AppData) -> list[tuple[str, str, int, int, int]]:
    """``(dependent, owner, declared FKs, ON DELETE CASCADE among them, inferred references)``,
    heaviest first (declared FKs, then inferred references), ties by name."""
    S = services_graph(data)
    rows = [
        (u, v, int(d["declared"]), int(d.get("cascade", 0)), int(d["inferred"]))
        for u, v, d in S.edges(data=True)
    ]
    return sorted(rows, key=lambda r: (-r[2], -r[4], r[0], r[1]))


def build_ranked_list(data: AppData, state: ViewState) -> html.Div:
    """The strongest dependencies as an ordered list, each service linking to its page."""
    pairs = ranked_pairs(data)
    rows = [
        html.Li(
            className="ranked-row",
            children=[
                dcc.Link(dep, href=service_href(dep, present=state.present)),
                html.Span(" → ", className="muted"),
                dcc.Link(owner, href=service_href(owner, present=state.present)),
                html.Span(
                    f"{fks} FK{'s' if fks != 1 else ''}"
                    + (f" · {cascade} CASCADE" if cascade else "")
                    + (f" + {inferred} inferred" if inferred else ""),
                    className="ranked-count" + (" danger" if cascade else ""),
                ),
            ],
            **data_attrs({"data-fks": str(fks), "data-inferred": str(inferred)}),
        )
        for dep, owner, fks, cascade, inferred in pairs[:RANKED_ROWS]
    ]
    more = len(pairs) - len(rows)
    return html.Div(
        id=ids.OVERVIEW_RANKED,
        className="ranked",
        children=[
            html.H4("Strongest dependencies"),
            html.Ol(rows) if rows else html.P("No service depends on another.", className="muted"),
            *([html.P(f"… and {more} more in the matrix below", className="hint")] if more > 0 else []),
        ],
    )


def build_top_control(data: AppData, state: ViewState) -> html.Div:
    """The threshold control above the graph, set as ``state`` says; hidden (but present for
    callbacks) on a small overview and where it would offer one choice."""
    total = services_graph(data).number_of_edges()
    options = [{"label": f" {n} strongest" if n else f" all {total}", "value": n} for n in _choices(data)]
    return html.Div(
        className="top-control",
        # a small overview draws everything; with no more couplings than the least choice, nothing to choose
        style=None if is_large(data) and len(options) > 1 else {"display": "none"},
        children=[
            html.Span("Couplings drawn: "),
            dcc.RadioItems(
                id=ids.OVERVIEW_TOP,
                options=options,
                value=chosen_top(data, state),
                inline=True,
            ),
        ],
    )
