"""Pieces several pages use: ``data-*`` attributes, the grid of plain-text rows, a graph's legend.

Examples
--------
>>> grid = text_grid("g", [{"a": "<b>x</b>"}], [{"field": "a"}], options={}, height="200px")
>>> grid.defaultColDef["floatingFilter"], grid.style
(True, {'height': '200px', 'width': '100%'})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import dash_ag_grid as dag
from dash import html

from exports.legend import screen_legend

__all__ = ["FILTERABLE", "build_graph_legend", "data_attrs", "text_grid"]

#: Every column sortable, filterable (with a filter row) and resizable.
FILTERABLE = {"sortable": True, "filter": True, "floatingFilter": True, "resizable": True}


def data_attrs(values: dict[str, str]) -> dict[str, Any]:
    """``data-*`` attributes for an html component (typed for mypy).

    >>> data_attrs({"data-figure": "tables"})
    {'data-figure': 'tables'}
    """
    return values


def text_grid(
    grid_id: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Mapping[str, Any]],
    *,
    options: dict[str, Any],
    height: str | None,
    **extra: Any,
) -> Any:
    """A sortable, filterable grid whose cells are plain text (no cell renderer: names stay text).

    ``options`` are the grid's ``dashGridOptions``, ``height`` its CSS height
    (None: as tall as the rows with ``domLayout: autoHeight``), ``extra`` more
    AgGrid properties (``csvExportParams``).
    """
    return dag.AgGrid(
        id=grid_id,
        rowData=list(rows),
        columnDefs=list(columns),
        defaultColDef=dict(FILTERABLE),
        dashGridOptions=options,
        style={"height": height, "width": "100%"},
        className="grid",
        **extra,
    )


def build_graph_legend(level: Literal["services", "tables"], *, compact: bool = False) -> html.Div:
    """The legend beside the overview (``services``) or the table graph (``tables``): the entries of
    :func:`exports.legend.screen_legend`, which the Export menu's pictures draw too."""
    items: list[Any] = [html.H4("Legend")]
    for entry in screen_legend(level):
        if entry.mark == "note":
            items.append(html.Div(entry.text, className="legend-note"))
        elif entry.mark == "line":
            swatch = html.Span(className="swatch", style={"background": entry.colour})
            items.append(html.Div(className="legend-item", children=[swatch, entry.text]))
        else:
            swatch = html.Span(className=f"swatch line {entry.mark}", style={"borderColor": entry.colour})
            items.append(html.Div(className="legend-item", children=[swatch, entry.text]))
    return html.Div(className="legend compact" if compact else "legend", children=items)
