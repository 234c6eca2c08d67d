"""Dark mode: the colour swaps that turn the graphs' light stylesheets dark, and the header's switch.

The page's own colours are CSS variables (``assets/uiinspect.css`` sets their
dark values under ``html.dark``). Cytoscape draws on a canvas and takes no CSS,
so its stylesheets are swapped colour by colour: :data:`DARK_SWAPS` maps every
light-theme colour of :mod:`ui.theme` that would vanish on a dark background to
its dark counterpart; service colours and the danger colours of the edges stay
as they are, so the legend still holds (the one swapped line colour, shared-table
access, is swapped in the legend's swatch by the same CSS). The map travels to the browser in the
switch's ``data-swaps`` attribute; ``assets/uiinspect.js`` applies it to every
stylesheet a graph is given while dark mode is on (and keeps the choice in
``localStorage``), so nothing about the theme goes through the server.

Examples
--------
>>> sheet = [{"selector": "node.table", "style": {"background-color": "#FFFFFF", "width": "data(w)"}}]
>>> dark_stylesheet(sheet)[0]["style"]
{'background-color': '#1f2633', 'width': 'data(w)'}
>>> sheet[0]["style"]["background-color"]  # the input is left alone
'#FFFFFF'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from ui import ids
from ui.pages.common import data_attrs

__all__ = ["DARK_SWAPS", "build_theme_toggle", "dark_stylesheet", "swap_colour"]

#: Light colour (lower-case hex) -> dark colour, for the graphs' stylesheets.
DARK_SWAPS: dict[str, str] = {
    "#ffffff": "#1f2633",  # node fill, label outline, edge-label background
    "#1d2330": "#e6e9ef",  # text
    "#b9c0cc": "#5f6a7d",  # edges within a service
    "#eef0f3": "#2a3140",  # the unowned node's fill
    "#f1f3f6": "#2a3140",  # external tables' fill
    "#4a5263": "#c3c9d4",  # the unowned node's label
    "#5b3a9e": "#b39ddb",  # shared-table access
}


def swap_colour(value: Any) -> Any:
    """``value`` with its dark counterpart when it is a light colour of :data:`DARK_SWAPS`.

    >>> swap_colour("#1D2330"), swap_colour("data(colour)"), swap_colour(3)
    ('#e6e9ef', 'data(colour)', 3)
    """
    return DARK_SWAPS.get(value.lower(), value) if isinstance(value, str) else value


def dark_stylesheet(sheet: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A copy of a Cytoscape stylesheet with every light colour swapped (the same rules, in order)."""
    return [
        {**rule, "style": {k: swap_colour(v) for k, v in rule.get("style", {}).items()}} for rule in sheet
    ]


def build_theme_toggle() -> html.Button:
    """The header's dark-mode switch; ``assets/uiinspect.js`` handles its clicks and keeps the choice."""
    return html.Button(
        "Dark mode",
        id=ids.THEME_TOGGLE,
        className="btn btn-present btn-theme",
        title="Switch between light and dark colours (kept in this browser)",
        type="button",
        **data_attrs({"data-swaps": json.dumps(DARK_SWAPS, sort_keys=True)}),
    )
