"""The table graph's search: a plain text box, the matching tables under it, the chosen focus table.

Typing stays in the browser's own ``<input>``: the server only answers with the
list of matches below it and never writes the box while the user types, so no
keystroke can be lost to a round trip (the dropdown it replaces opened its
search field one animation frame after the first key, and dropped the second
key when it came sooner). The matches sit *in* the sidebar's flow, under the
box, so they push the controls below them down rather than cover them. The
chosen table lives in a hidden input (:data:`ui.ids.FILTER_FOCUS`, property
``value``), which the filter callback reads. ``assets/uiinspect.js`` adds the
keys: ``/`` focuses the box, Esc clears it (and, when it is empty, the focus),
arrow keys walk the matches.

Examples
--------
>>> from model.inventory import Inventory, Table, TableRef
>>> from ui.data import build_app_data
>>> data = build_app_data(Inventory(tables=(Table(TableRef("db", "public", "users"), service="auth"),)))
>>> [b.children for b in search_results(data, "USE")]
['public.users · auth']
>>> pick_value(data, "t0"), pick_value(data, "t99")
('db:public.users', '')
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from ui import ids
from ui.data import AppData
from ui.elements import table_options
from ui.pages.common import data_attrs

__all__ = [
    "RESULT_LIMIT",
    "build_focus_search",
    "build_minimap",
    "chosen_focus",
    "first_match",
    "focus_options",
    "pick_value",
    "search_results",
]

#: At most this many matches are listed under the box (the best first).
RESULT_LIMIT = 12


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


def _matches(data: AppData, text: str | None, limit: int) -> list[dict[str, str]]:
    return focus_options(data, text, None, limit)


def search_results(data: AppData, text: str | None, limit: int = RESULT_LIMIT) -> list[Any]:
    """The buttons listed under the box for ``text`` (nothing for an empty box).

    Each button's id carries the table's short id (never its name); its text is
    the label (a text child, never HTML).
    """
    if not (text or "").strip():
        return []
    found = _matches(data, text, limit)
    if not found:
        return [html.Div("No table matches.", className="muted focus-none")]
    return [
        html.Button(
            o["label"],
            id={"type": ids.FOCUS_PICK, "table": data.table_ids[data.by_label[o["value"]]]},
            className="focus-result",
            type="button",
            **data_attrs({"data-table": o["value"]}),
        )
        for o in found
    ]


def first_match(data: AppData, text: str | None) -> str:
    """The label (``database:schema.name``) of the best match for ``text``; '' for none."""
    found = _matches(data, text, 1) if (text or "").strip() else []
    return found[0]["value"] if found else ""


def pick_value(data: AppData, table_id: str | None) -> str:
    """The label of the table whose short id is ``table_id``; '' when no table has it."""
    for ref, tid in data.table_ids.items():
        if tid == table_id:
            return str(ref)
    return ""


def chosen_focus(data: AppData, focus: str | None) -> list[Any]:
    """The line under the box naming the focus table, with a button that clears it.

    The button is always there (hidden without a focus): a callback input must exist.
    """
    ref = data.by_label.get(focus or "")
    clear = html.Button(
        "×",
        id=ids.FOCUS_CLEAR,
        className="focus-clear",
        title="Clear the focus (Esc in an empty search box)",
        type="button",
        hidden=ref is None,
    )
    if ref is None:
        return [clear]
    service = data.graph.nodes[ref]["table"].service or "unassigned"
    return [
        html.Span("Focus: ", className="muted"),
        html.B(f"{ref.qualified} · {service}", className="focus-name", title=str(ref)),
        clear,
    ]


def build_focus_search(data: AppData, focus: str) -> list[Any]:
    """The label, the search box, its matches, the chosen table and the hidden focus value."""
    return [
        html.Label("Focus on a table", htmlFor=ids.FOCUS_SEARCH),
        dcc.Input(
            id=ids.FOCUS_SEARCH,
            type="search",
            placeholder="Search a table…  ( / )",
            autoComplete="off",
            debounce=False,
            value="",
            className="focus-search",
        ),
        html.Div(id=ids.FOCUS_RESULTS, className="focus-results", role="listbox"),
        html.Div(id=ids.FOCUS_CHOSEN, className="focus-chosen", children=chosen_focus(data, focus)),
        dcc.Input(id=ids.FILTER_FOCUS, type="hidden", value=focus or None),
    ]


def build_minimap() -> html.Div:
    """The table graph's minimap: a canvas ``assets/uiinspect.js`` draws (dots, clusters, the view).

    Dash-cytoscape has no navigator: a plain canvas mirrors the graph's positions
    (one pass over the nodes per change of the elements, a rectangle per pan or
    zoom) and a click or drag on it centres the graph there.
    """
    return html.Div(
        className="minimap empty",
        title="Overview of the whole graph: click or drag to move the view",
        children=html.Canvas(id=ids.MINIMAP, width=180, height=120),
    )
