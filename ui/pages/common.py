"""Pieces several pages use: ``data-*`` attributes, and the grid of plain-text rows.

Examples
--------
>>> grid = text_grid("g", [{"a": "<b>x</b>"}], [{"field": "a"}], options={}, height="200px")
>>> grid.defaultColDef["floatingFilter"], grid.style
(True, {'height': '200px', 'width': '100%'})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag

__all__ = ["FILTERABLE", "data_attrs", "text_grid"]

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
