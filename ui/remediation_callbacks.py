"""Wiring of the remediation page: thin callbacks around :mod:`ui.remediation`.

Every callback reads the store when it runs, so the page shows what everyone
sharing the store did; a :class:`dash.dcc.Interval` re-reads it every few
seconds and repaints only when a record's version changed (the *revision*).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, ctx, no_update

from remediation.store import SqlStore, StoreError
from remediation.views import review_delta, snapshot_rows
from ui import ids
from ui import remediation as rem
from ui.auth import edit_identity

__all__ = ["register"]


def _selected_id(rows: Any) -> str:
    """The id of the selected grid row: ``selectedRows`` is a list of rows, or ``{"ids": [...]}`` when set
    by a callback."""
    if isinstance(rows, dict):
        ids_ = rows.get("ids") or []
        return str(ids_[0]) if ids_ else ""
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        return str(rows[0].get("id", ""))
    return ""


def _message(text: str) -> Any:
    """The editor's status line: green when something was saved, red otherwise."""
    ok = text.startswith(("Saved", "Snapshot “", "Re-attached"))
    return dash.html.Span(text, className="rem-ok" if ok else "rem-error")


def register(app: dash.Dash, loader: Any, handle: rem.StoreHandle) -> None:
    """Register the remediation callbacks on ``app`` (never the global registry)."""

    def ready() -> tuple[Any, SqlStore]:
        if loader.status != "ready":
            raise dash.exceptions.PreventUpdate
        return loader.data, handle.get()

    @app.callback(
        Output(rem.SUMMARY, "children"),
        Output(rem.PROGRESS, "figure"),
        Output(rem.BURNDOWN, "figure"),
        Output(rem.GRID, "rowData"),
        Output(rem.ORPHANS, "children"),
        Output(rem.REATTACH_PICK, "options"),
        Output(rem.SNAP_PICK, "options"),
        Output(rem.REV, "data"),
        Input(rem.SERVICE, "value"),
        Input(rem.AXIS, "value"),
        Input(rem.REFRESH, "n_intervals"),
        Input(rem.TICK, "data"),
        State(rem.REV, "data"),
    )
    def _render(
        service: str | None, axis: str | None, _n: Any, _tick: Any, rev: str | None
    ) -> tuple[Any, ...]:
        try:
            data, store = ready()
            view = rem.remediation_view(data, store)
            snapshots = store.snapshots()
        except StoreError as exc:
            return (
                [dash.html.P(f"The remediation store cannot be used: {exc}", className="rem-contradiction")],
                *([no_update] * 7),
            )
        revision = view.revision + "|" + ",".join(s.name for s in snapshots)
        if ctx.triggered_id == rem.REFRESH and revision == rev:
            raise dash.exceptions.PreventUpdate
        service = service or rem.ALL
        overall, per_service = rem.progress([*view.statuses])
        return (
            rem.summary_children(view.of(service), view.orphans, store.label),
            rem.progress_figure(overall, per_service),
            rem.burndown_figure(rem.burndown_for(data, axis or "order"), service),
            rem.grid_rows(view.of(service)),
            rem.orphan_children(view.orphans),
            [{"label": r.fk.text if r.fk else r.fk_id, "value": r.uid} for r in view.orphans],
            [{"label": f"{s.name} ({s.created_at[:10]})", "value": s.name} for s in snapshots],
            revision,
        )

    @app.callback(
        Output(rem.SELECTED, "data"),
        Input(rem.GRID, "selectedRows"),
        State(rem.SELECTED, "data"),
        prevent_initial_call=True,
    )
    def _select(rows: Any, current: str | None) -> str:
        chosen = _selected_id(rows)
        if not chosen or chosen == (current or ""):
            raise dash.exceptions.PreventUpdate
        return chosen

    @app.callback(
        Output(rem.SELECTED, "data", allow_duplicate=True),
        Input(rem.SERVICE, "value"),
        State(rem.SELECTED, "data"),
        prevent_initial_call=True,
    )
    def _filtered(service: str | None, fk_id: str | None) -> str:
        if loader.status != "ready" or not fk_id or not service:
            raise dash.exceptions.PreventUpdate
        if rem.service_of_key(loader.data, fk_id) == service:
            raise dash.exceptions.PreventUpdate
        return ""  # the selected key is not one of the filtered service's: deselect it

    @app.callback(
        Output(rem.GRID, "selectedRows"),
        Input(rem.GRID, "rowData"),
        State(rem.SELECTED, "data"),
        State(rem.GRID, "selectedRows"),
    )
    def _preselect(rows: list[dict[str, Any]] | None, fk_id: str | None, selected: Any) -> Any:
        if not fk_id or not rows or not any(r["id"] == fk_id for r in rows):
            raise dash.exceptions.PreventUpdate
        if _selected_id(selected) == fk_id:
            raise dash.exceptions.PreventUpdate
        return {"ids": [fk_id]}

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Input(rem.SERVICE, "value"),
        Input(rem.SELECTED, "data"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _url(service: str | None, fk_id: str | None, search: str | None) -> str:
        present = "present=1" in (search or "")
        new = rem.to_search(service or "", fk_id or "", present)
        if new == (search or ""):
            raise dash.exceptions.PreventUpdate
        return new

    @app.callback(
        Output(rem.DETAIL, "children"),
        Output(rem.LOADED, "data"),
        Output(rem.OWNER, "value"),
        Output(rem.TARGET, "value"),
        Output(rem.POLICY, "value"),
        Input(rem.SELECTED, "data"),
        Input(rem.TICK, "data"),
        Input(rem.REV, "data"),
    )
    def _detail(fk_id: str | None, _tick: Any, _rev: Any) -> tuple[Any, ...]:
        try:
            data, store = ready()
            status = rem.remediation_view(data, store).status(fk_id)
        except StoreError:
            raise dash.exceptions.PreventUpdate from None
        children = rem.detail_children(status)
        own = {t["prop_id"].split(".")[0] for t in ctx.triggered} & {rem.SELECTED, rem.TICK}
        if not own and ctx.triggered_id is not None:
            return (
                children,
                no_update,
                no_update,
                no_update,
                no_update,
            )  # someone else's change: keep the form
        r = status.record if status is not None else None
        return (
            children,
            rem.loaded_of(status),
            r.owner_team if r else "",
            r.target_date if r else "",
            (r.deletion_policy or None) if r else None,
        )

    @app.callback(
        Output(rem.MESSAGE, "children"),
        Output(rem.TICK, "data"),
        Input(rem.MARK, "n_clicks"),
        Input(rem.UNMARK, "n_clicks"),
        Input(rem.SAVE, "n_clicks"),
        State(rem.SELECTED, "data"),
        State(rem.LOADED, "data"),
        State(rem.WHO, "value"),
        State(rem.PHASE, "value"),
        State(rem.NOTE, "value"),
        State(rem.LINK, "value"),
        State(rem.OWNER, "value"),
        State(rem.TARGET, "value"),
        State(rem.POLICY, "value"),
        State(rem.TICK, "data"),
        prevent_initial_call=True,
    )
    def _edit(
        _m: Any,
        _u: Any,
        _s: Any,
        fk_id: str | None,
        loaded: dict[str, Any] | None,
        who: str | None,
        phase: int | None,
        note: str | None,
        link: str | None,
        owner: str | None,
        target: str | None,
        policy: str | None,
        tick: int | None,
    ) -> tuple[Any, Any]:
        edit = {rem.MARK: "mark", rem.UNMARK: "unmark", rem.SAVE: "fields"}.get(str(ctx.triggered_id))
        if edit is None:
            raise dash.exceptions.PreventUpdate
        who, refusal = edit_identity(who)  # with authentication on: the signed-in editor, whatever was typed
        if refusal:
            return _message(refusal), no_update
        try:
            data, store = ready()
            view = rem.remediation_view(data, store)
        except StoreError as exc:
            return _message(f"Not saved: {exc}"), no_update
        message = rem.apply_edit(
            store,
            view,
            fk_id or "",
            loaded,
            edit,  # type: ignore[arg-type]
            who=who or "",
            phase=phase,
            note=note or "",
            link=link or "",
            owner_team=owner or "",
            target_date=target or "",
            deletion_policy=policy or "",
        )
        return _message(message), (tick or 0) + (1 if message.startswith("Saved") else 0)

    @app.callback(
        Output(rem.MESSAGE, "children", allow_duplicate=True),
        Output(rem.TICK, "data", allow_duplicate=True),
        Input(rem.SNAP_SAVE, "n_clicks"),
        State(rem.SNAP_NAME, "value"),
        State(rem.WHO, "value"),
        State(rem.TICK, "data"),
        prevent_initial_call=True,
    )
    def _snapshot(_n: Any, name: str | None, who: str | None, tick: int | None) -> tuple[Any, Any]:
        who, refusal = edit_identity(who)
        if refusal:
            return _message(refusal), no_update
        if not who:
            return _message("Enter your name (top right of the page) before saving a snapshot."), no_update
        try:
            data, store = ready()
            view = rem.remediation_view(data, store)
            info = store.save_snapshot(name or "", snapshot_rows(view.statuses), who=who)
        except StoreError as exc:
            return _message(f"Snapshot not saved: {exc}"), no_update
        return _message(f"Snapshot “{info.name}” saved ({len(view.statuses)} keys)."), (tick or 0) + 1

    @app.callback(
        Output(rem.DELTA, "children"),
        Input(rem.SNAP_PICK, "value"),
        Input(rem.REV, "data"),
    )
    def _delta(name: str | None, _rev: Any) -> Any:
        if not name:
            return dash.html.P("Choose a snapshot to see what changed since.", className="muted")
        try:
            data, store = ready()
            snapshot = store.snapshot(name)
            view = rem.remediation_view(data, store)
        except StoreError as exc:
            return dash.html.P(str(exc), className="rem-contradiction")
        if snapshot is None:
            return dash.html.P(f"No snapshot named {name!r}.", className="muted")
        return rem.delta_children(review_delta(snapshot.rows, view.statuses), snapshot)

    @app.callback(
        Output(rem.SQL, "children"),
        Input(rem.SQL_KIND, "value"),
        Input(rem.SELECTED, "data"),
        Input(rem.SERVICE, "value"),
        Input(rem.REV, "data"),
    )
    def _sql(kind: str | None, fk_id: str | None, service: str | None, _rev: Any) -> str:
        try:
            data, store = ready()
            view = rem.remediation_view(data, store)
        except StoreError as exc:
            return f"-- {exc}"
        chosen = view.status(fk_id)
        if chosen is not None:
            return rem.sql_for([chosen], kind or "drop", title=chosen.item.fk.name)
        return rem.sql_for(view.of(service or rem.ALL), kind or "drop")

    @app.callback(
        Output(rem.MESSAGE, "children", allow_duplicate=True),
        Output(rem.TICK, "data", allow_duplicate=True),
        Input(rem.REATTACH, "n_clicks"),
        State(rem.REATTACH_PICK, "value"),
        State(rem.SELECTED, "data"),
        State(rem.WHO, "value"),
        State(rem.TICK, "data"),
        prevent_initial_call=True,
    )
    def _reattach(
        _n: Any, uid: str | None, fk_id: str | None, who: str | None, tick: int | None
    ) -> tuple[Any, Any]:
        who, refusal = edit_identity(who)
        if refusal:
            return _message(refusal), no_update
        if not who:
            return _message("Enter your name (top right of the page) first."), no_update
        try:
            data, store = ready()
            view = rem.remediation_view(data, store)
        except StoreError as exc:
            return _message(f"Not re-attached: {exc}"), no_update
        message = rem.reattach(store, view, uid or "", fk_id or "", who=who)
        return _message(message), (tick or 0) + (1 if message.startswith("Re-attached") else 0)
