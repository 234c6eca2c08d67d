"""Callbacks of the remediation page: each one passes component properties to a function of
:mod:`ui.pages.remediation.actions` and its result out (None there: no update).

Every callback reads the store when it runs, so the page shows what everyone
sharing the store did; a :class:`dash.dcc.Interval` re-reads it every few
seconds and repaints only when a record's version changed (the *revision*).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, ctx

from remediation.handle import StoreHandle
from ui import ids
from ui.callbacks.prevent import or_prevent
from ui.data import Loader
from ui.pages.remediation import actions
from ui.pages.remediation.actions import PageContext
from ui.pages.remediation.bulk import new_chosen

__all__ = ["register"]


def _or_keep(result: Any) -> Any:
    return dash.no_update if result is None else result


def _triggered_by(*component_ids: str) -> bool:
    """True when one of ``component_ids`` triggered the running callback."""
    return bool({t["prop_id"].split(".")[0] for t in ctx.triggered} & set(component_ids))


def register(app: dash.Dash, loader: Loader, handle: StoreHandle) -> None:
    """Register the remediation page's callbacks on ``app``."""
    page = PageContext(loader, handle)
    _register_reading(app, page)
    _register_selection(app, loader)
    _register_writing(app, page)


def _register_reading(app: dash.Dash, page: PageContext) -> None:
    @app.callback(
        Output(ids.REM_SUMMARY, "children"),
        Output(ids.REM_PROGRESS, "figure"),
        Output(ids.REM_BURNDOWN, "figure"),
        Output(ids.REM_PLAN, "figure"),
        Output(ids.REM_GRID, "rowData"),
        Output(ids.REM_ORPHANS, "children"),
        Output(ids.REM_REATTACH_PICK, "options"),
        Output(ids.REM_SNAP_PICK, "options"),
        Output(ids.REM_REV, "data"),
        Input(ids.REM_SERVICE, "value"),
        Input(ids.REM_AXIS, "value"),
        Input(ids.REM_REFRESH, "n_intervals"),
        Input(ids.REM_TICK, "data"),
        State(ids.REM_REV, "data"),
    )
    def _render(service: str | None, axis: str | None, _n: Any, _tick: Any, rev: str | None) -> Any:
        refresh = ctx.triggered_id == ids.REM_REFRESH
        return or_prevent(actions.render(page, service, axis, refresh=refresh, rev=rev))

    @app.callback(
        Output(ids.REM_DETAIL, "children"),
        Output(ids.REM_LOADED, "data"),
        Output(ids.REM_OWNER, "value"),
        Output(ids.REM_TARGET, "value"),
        Output(ids.REM_POLICY, "value"),
        Output(ids.REM_NOTE, "value"),
        Output(ids.REM_LINK, "value"),
        Input(ids.REM_SELECTED, "data"),
        Input(ids.REM_CHOSEN, "data"),
        Input(ids.REM_TICK, "data"),
        Input(ids.REM_REV, "data"),
        Input(ids.REM_PHASE, "value"),
    )
    def _detail(fk_id: str | None, chosen: Any, _tick: Any, _rev: Any, phase: int | None) -> Any:
        mine = (ids.REM_SELECTED, ids.REM_CHOSEN, ids.REM_TICK, ids.REM_PHASE)
        keep_form = ctx.triggered_id is not None and not _triggered_by(*mine)
        only_mark = ctx.triggered_id == ids.REM_PHASE
        return or_prevent(
            actions.detail(
                page, fk_id, keep_form=keep_form, phase=phase, chosen=chosen or [], only_mark=only_mark
            )
        )

    @app.callback(
        Output(ids.REM_DELTA, "children"),
        Input(ids.REM_SNAP_PICK, "value"),
        Input(ids.REM_REV, "data"),
    )
    def _delta(name: str | None, _rev: Any) -> Any:
        return actions.delta(page, name)

    @app.callback(
        Output(ids.REM_SQL, "children"),
        Input(ids.REM_SQL_KIND, "value"),
        Input(ids.REM_SELECTED, "data"),
        Input(ids.REM_SERVICE, "value"),
        Input(ids.REM_REV, "data"),
    )
    def _sql(kind: str | None, fk_id: str | None, service: str | None, _rev: Any) -> str:
        return actions.sql(page, kind, fk_id, service)


def _register_selection(app: dash.Dash, loader: Loader) -> None:
    @app.callback(
        Output(ids.REM_SELECTED, "data"),
        Output(ids.REM_CHOSEN, "data"),
        Output(ids.REM_CONFIRM, "hidden"),
        Input(ids.REM_GRID, "selectedRows"),
        State(ids.REM_SELECTED, "data"),
        State(ids.REM_CHOSEN, "data"),
        prevent_initial_call=True,
    )
    def _select(rows: Any, current: str | None, chosen: Any) -> Any:
        selected, ticked = actions.new_selection(rows, current), new_chosen(rows, chosen)
        if selected is None and ticked is None:
            raise dash.exceptions.PreventUpdate
        return _or_keep(selected), _or_keep(ticked), True

    @app.callback(
        Output(ids.REM_SELECTED, "data", allow_duplicate=True),
        Input(ids.REM_SERVICE, "value"),
        State(ids.REM_SELECTED, "data"),
        prevent_initial_call=True,
    )
    def _filtered(service: str | None, fk_id: str | None) -> Any:
        return or_prevent(actions.without_foreign_selection(loader, service, fk_id))

    @app.callback(
        Output(ids.REM_GRID, "selectedRows"),
        Input(ids.REM_GRID, "rowData"),
        State(ids.REM_SELECTED, "data"),
        State(ids.REM_GRID, "selectedRows"),
    )
    def _preselect(rows: list[dict[str, Any]] | None, fk_id: str | None, selected: Any) -> Any:
        return or_prevent(actions.preselect(rows, fk_id, selected))

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.REM_SERVICE, "value"),
        Input(ids.REM_SELECTED, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _url(service: str | None, fk_id: str | None, search: str | None) -> Any:
        return or_prevent(actions.url_search(service, fk_id, search))


def _register_writing(app: dash.Dash, page: PageContext) -> None:
    @app.callback(
        Output(ids.REM_MESSAGE, "children"),
        Output(ids.REM_TICK, "data"),
        Output(ids.REM_CONFIRM, "hidden", allow_duplicate=True),
        Output(ids.REM_CHOSEN, "data", allow_duplicate=True),
        Input(ids.REM_MARK, "n_clicks"),
        Input(ids.REM_UNMARK, "n_clicks"),
        Input(ids.REM_SAVE, "n_clicks"),
        Input(ids.REM_CONFIRM, "n_clicks"),
        State(ids.REM_SELECTED, "data"),
        State(ids.REM_LOADED, "data"),
        State(ids.REM_WHO, "value"),
        State(ids.REM_PHASE, "value"),
        State(ids.REM_NOTE, "value"),
        State(ids.REM_LINK, "value"),
        State(ids.REM_OWNER, "value"),
        State(ids.REM_TARGET, "value"),
        State(ids.REM_POLICY, "value"),
        State(ids.REM_TICK, "data"),
        State(ids.REM_CHOSEN, "data"),
        prevent_initial_call=True,
    )
    def _edit(_mark: Any, _unmark: Any, _save: Any, _confirm: Any, *form: Any) -> Any:  # the States in order
        return or_prevent(actions.edit(page, ctx.triggered_id, *form))

    @app.callback(
        Output(ids.REM_MESSAGE, "children", allow_duplicate=True),
        Output(ids.REM_TICK, "data", allow_duplicate=True),
        Input(ids.REM_SNAP_SAVE, "n_clicks"),
        State(ids.REM_SNAP_NAME, "value"),
        State(ids.REM_WHO, "value"),
        State(ids.REM_TICK, "data"),
        prevent_initial_call=True,
    )
    def _snapshot(_n: Any, name: str | None, who: str | None, tick: int | None) -> Any:
        return actions.snapshot(page, name, who, tick)

    @app.callback(
        Output(ids.REM_MESSAGE, "children", allow_duplicate=True),
        Output(ids.REM_TICK, "data", allow_duplicate=True),
        Input(ids.REM_REATTACH, "n_clicks"),
        State(ids.REM_REATTACH_PICK, "value"),
        State(ids.REM_SELECTED, "data"),
        State(ids.REM_WHO, "value"),
        State(ids.REM_TICK, "data"),
        prevent_initial_call=True,
    )
    def _reattach(_n: Any, uid: str | None, fk_id: str | None, who: str | None, tick: int | None) -> Any:
        return actions.reattach(page, uid, fk_id, who, tick)
