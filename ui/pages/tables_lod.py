"""The aggregated table graph's own state (:mod:`ui.lod`): the services opened on it and its threshold.

Both live in the URL (:class:`ui.state.ViewState` ``opened`` and ``lod``) like
the filters: a tap on a service's node opens it and adds ``open=<service>`` to
the address (a new history entry, so Back closes it again), the threshold
control writes ``lod=<tables>`` when it differs from the default. Reload, a
shared link and Back/Forward then draw the same picture.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import no_update

from ui.data import AppData
from ui.layouts import SavedPositions
from ui.lod import LOD_TABLES, limit_of, lod_view, opened
from ui.pages.tables_graph import build_stats, graph_payload
from ui.state import ViewState, to_search, view_key
from ui.theme import table_stylesheet

__all__ = ["change_detail", "open_service"]


def open_service(
    data: AppData, state: ViewState, node: dict[str, Any] | None, saved: SavedPositions | None = None
) -> tuple[dict[str, Any], Any, str] | None:
    """Graph payload, stats and URL query after a tap (None unless a closed service's node was tapped).

    The view moves to the opened service (``show``: its cluster's id) rather than
    to the URL's pan and zoom, which the query drops.
    """
    if (node or {}).get("kind") != "aggregate":
        return None
    service = (node or {}).get("service")
    new = replace(state, opened=opened(state.opened, service), viewport=None)
    if new.opened == state.opened:
        return None
    view = lod_view(data, state.filter, new.opened, limit_of(state.lod))
    key = view_key(new)
    payload = graph_payload(
        view, state.layout, present=state.present, key=key, saved=saved(key) if saved is not None else None
    )
    payload["show"] = next(  # the opened service's cluster: the view moves there
        (
            e["data"]["id"]
            for e in view.elements
            if e["data"].get("kind") == "cluster" and e["data"]["service"] == service
        ),
        None,
    )
    return payload, build_stats(view), to_search(new)


def change_detail(
    data: AppData, state: ViewState, value: Any, saved: SavedPositions | None = None
) -> tuple[Any, Any, Any, str] | None:
    """Graph payload, stylesheet, stats and URL query after the threshold control changed to ``value``
    (None when it asks for what the URL already says)."""
    try:
        limit = limit_of(int(value))
    except (TypeError, ValueError):
        return None
    if limit == limit_of(state.lod):
        return None
    new = replace(state, lod=None if limit == LOD_TABLES else limit, viewport=None)
    before = lod_view(data, state.filter, state.opened, limit_of(state.lod))
    view = lod_view(data, state.filter, state.opened, limit)
    key = view_key(new)
    payload = graph_payload(
        view, state.layout, present=state.present, key=key, saved=saved(key) if saved is not None else None
    )
    sheet = table_stylesheet(large=view.large) if view.large != before.large else no_update
    return payload, sheet, build_stats(view), to_search(new)
