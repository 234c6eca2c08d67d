"""What each callback of the remediation page computes, as plain functions tests call directly.

Every function reads the store when it runs (through :class:`PageContext`),
so the page shows what everyone sharing the store did; the callbacks of
:mod:`ui.callbacks.remediation` only pass component properties in and the
results out. Writes go through :mod:`remediation.service`, whose typed
results (``ok``, ``conflict``) decide the status line's colour and whether the
page re-renders -- no message text is parsed. ``None`` means "no update".

A write always answers the person who asked: while the scan is loading (a
worker that just started loads the stored scan), or when it failed, the
status line says nothing was saved (:func:`remediation.service.scan_not_ready`);
only reads wait silently for the scan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import html, no_update
from dash.exceptions import PreventUpdate

from remediation.handle import StoreHandle
from remediation.plan_progress import plan_progress
from remediation.service import (
    NAME_FOR_REATTACH,
    NAME_FOR_SNAPSHOT,
    Edit,
    RemediationView,
    SaveResult,
    SnapshotResult,
    progress_by_phase,
    reattach_orphan,
    review_since,
    save_edit,
    save_edits,
    scan_not_ready,
    sql_script,
    take_snapshot,
)
from remediation.status import Status
from remediation.store.base import SqlStore
from remediation.store.schema import StoreError
from remediation.totals import view_totals
from ui import ids
from ui.auth import edit_identity
from ui.data import AppData, Loader
from ui.pages.remediation.bulk import after_save, bulk_children, bulk_line, confirm_line
from ui.pages.remediation.figures import burndown_figure, plan_figure, progress_figure
from ui.pages.remediation.panels import (
    delta_children,
    detail_children,
    grid_rows,
    loaded_of,
    orphan_children,
    status_line,
    summary_children,
)
from ui.pages.remediation.view import ALL, burndown_for, remediation_view, service_of_key, to_search

__all__ = [
    "EDITS",
    "PageContext",
    "delta",
    "detail",
    "edit",
    "new_selection",
    "preselect",
    "reattach",
    "render",
    "selected_id",
    "snapshot",
    "sql",
    "url_search",
    "without_foreign_selection",
]

#: The editor's buttons and the edit each makes.
EDITS: dict[str, Edit] = {
    ids.REM_MARK: "mark",
    ids.REM_UNMARK: "unmark",
    ids.REM_SAVE: "fields",
    ids.REM_CONFIRM: "mark",  # "Mark anyway": the mark, confirmed although it contradicts the sources
}


@dataclass(frozen=True)
class PageContext:
    """What the page's callbacks read: the scan (``loader``) and the store (``handle``)."""

    loader: Loader
    handle: StoreHandle

    def ready(self) -> tuple[AppData, SqlStore]:
        """The scan and the open store. While the scan runs nothing updates (:class:`PreventUpdate`);
        a store that cannot be opened raises :class:`~remediation.store.schema.StoreError`."""
        if self.loader.status != "ready":
            raise PreventUpdate
        return self.loader.data, self.handle.get()

    def view(self) -> tuple[SqlStore, RemediationView]:
        """The store and one read of it combined with the scan."""
        data, store = self.ready()
        return store, remediation_view(data, store)

    def for_write(self, what: str) -> tuple[SqlStore, RemediationView] | SaveResult:
        """The store and view to write with, or -- never silence -- the typed answer why not now
        (``what``: how the answer begins, e.g. "Not saved"). A store that cannot be opened raises
        :class:`~remediation.store.schema.StoreError`."""
        status = self.loader.status
        if status != "ready":
            return scan_not_ready(self.loader.error if status == "error" else "", what=what)
        try:
            data = self.loader.data
        except RuntimeError:  # no longer loaded since the status was read
            return scan_not_ready(what=what)
        store = self.handle.get()
        return store, remediation_view(data, store)


def _line(result: SaveResult | SnapshotResult) -> html.Span:
    return status_line(result.message, result.ok)


def _refusal(message: str) -> tuple[Any, Any]:
    return status_line(message, False), no_update


# ---------------------------------------------------------------------------------------------- reading
def render(
    page: PageContext, service: str | None, axis: str | None, *, refresh: bool, rev: str | None
) -> tuple[Any, ...] | None:
    """Summary, figures (phases, history, plan), grid, orphans, pick lists and the revision (None: a
    refresh found no change)."""
    try:
        data, store = page.ready()
        view = remediation_view(data, store)
        snapshots = store.snapshots()
    except StoreError as exc:
        shown = html.P(f"The remediation store cannot be used: {exc}", className="rem-contradiction")
        return ([shown], *([no_update] * 8))
    revision = view.revision + "|" + ",".join(s.name for s in snapshots)
    if refresh and revision == rev:
        return None
    service = service or ALL
    overall, per_service = progress_by_phase(view)
    return (
        summary_children(view_totals(view, service), store.label),
        progress_figure(overall, per_service),
        burndown_figure(burndown_for(data, axis or "order"), service),
        plan_figure(plan_progress(view.of(service))),
        grid_rows(view.of(service)),
        orphan_children(view.orphans),
        [{"label": r.fk.text if r.fk else r.fk_id, "value": r.uid} for r in view.orphans],
        [{"label": f"{s.name} ({s.created_at[:10]})", "value": s.name} for s in snapshots],
        revision,
    )


def _mark_fields(status: Status | None, phase: int | None) -> tuple[str, str]:
    """The note and link of the key's own mark of ``phase`` ('' when it has none): the form never
    keeps another key's text."""
    mark = status.mark(int(phase)) if status is not None and phase is not None else None
    return (mark.note, mark.link) if mark is not None else ("", "")


def detail(
    page: PageContext,
    fk_id: str | None,
    *,
    keep_form: bool,
    phase: int | None = 1,
    chosen: Sequence[Mapping[str, Any]] = (),
    only_mark: bool = False,
) -> tuple[Any, ...] | None:
    """The FK-detail panel and the editor's form for ``fk_id`` (several ``chosen`` keys: their panel).

    The form loads the key's own values: plan fields, and the note and link of its mark of
    ``phase``. ``keep_form``: someone else's change re-rendered the page, so only the panel is
    redrawn and what the user typed stays; ``only_mark``: the phase changed, so only the note and
    link are reloaded. None when the store cannot be read.
    """
    try:
        view = page.view()[1]
    except StoreError:
        return None
    if len(chosen) > 1:
        children = bulk_children(view, chosen)
        return (children, {}, *([no_update] * 3 if keep_form else ("", "", None)), "", "")
    status = view.status(fk_id)
    children = detail_children(status)
    if keep_form:
        return children, no_update, no_update, no_update, no_update, no_update, no_update
    note, link = _mark_fields(status, phase)
    if only_mark:
        return no_update, no_update, no_update, no_update, no_update, note, link
    r = status.record if status is not None else None
    return (
        children,
        loaded_of(status),
        r.owner_team if r else "",
        r.target_date if r else "",
        (r.deletion_policy or None) if r else None,
        note,
        link,
    )


def delta(page: PageContext, name: str | None) -> Any:
    """What changed since the snapshot ``name``."""
    if not name:
        return html.P("Choose a snapshot to see what changed since.", className="muted")
    try:
        store, view = page.view()
        review = review_since(store, view, name)
    except StoreError as exc:
        return html.P(str(exc), className="rem-contradiction")
    if review is None:
        return html.P(f"No snapshot named {name!r}.", className="muted")
    return delta_children(review)


def sql(page: PageContext, kind: str | None, fk_id: str | None, service: str | None) -> str:
    """The generated SQL of the selected key, else of the filtered service."""
    try:
        _, view = page.view()
    except StoreError as exc:
        return f"-- {exc}"
    return sql_script(view, kind or "drop", fk_id=fk_id or "", service=service or ALL)


# ---------------------------------------------------------------------------------------------- writing
def edit(
    page: PageContext,
    button: Any,
    fk_id: str | None,
    loaded: Mapping[str, Any] | None,
    typed: str | None,
    phase: int | None,
    note: str | None,
    link: str | None,
    owner: str | None,
    target: str | None,
    policy: str | None,
    tick: int | None,
    chosen: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[Any, Any, Any, Any] | None:
    """A press of an editor button: the status line, the next tick, whether the "Mark anyway"
    button hides, and the selection's versions (None: not a button press).

    Several ``chosen`` keys are edited together (:func:`remediation.edits.save_edits`). A mark
    that contradicts the sources is not saved: the line names the contradictions and the "Mark
    anyway" button (``REM_CONFIRM``) saves it. With authentication on, the change is the
    signed-in editor's, whatever name was typed (:func:`ui.auth.edit_identity`).
    """
    kind = EDITS.get(str(button))
    if kind is None:
        return None
    who, refusal = edit_identity(typed)
    if refusal:
        return (*_refusal(refusal), True, no_update)
    try:
        ready = page.for_write("Not saved")
    except StoreError as exc:
        return (*_refusal(f"Not saved: {exc}"), True, no_update)
    if isinstance(ready, SaveResult):
        return _line(ready), no_update, True, no_update
    store, view = ready
    confirmed = button == ids.REM_CONFIRM
    if chosen and len(chosen) > 1:  # an empty plan field keeps each key's own value
        bulk = save_edits(
            store, view, chosen, kind, who=who or "", phase=phase, note=note or "", link=link or "",
            owner_team=owner or None, target_date=target or None, confirmed=confirmed,
        )  # fmt: skip
        moved = (tick or 0) + (1 if bulk.saved else 0)
        return bulk_line(bulk, view), moved, not bulk.needs_confirmation, after_save(chosen, bulk)
    result = save_edit(
        store, view, fk_id or "", loaded, kind, who=who or "", phase=phase, note=note or "",
        link=link or "", owner_team=owner or "", target_date=target or "", deletion_policy=policy or "",
        confirmed=confirmed,
    )  # fmt: skip
    line = confirm_line(result) if result.needs_confirmation else _line(result)
    return line, (tick or 0) + (1 if result.ok else 0), not result.needs_confirmation, no_update


def snapshot(page: PageContext, name: str | None, typed: str | None, tick: int | None) -> tuple[Any, Any]:
    """Save a snapshot: the status line and the next tick."""
    who, refusal = edit_identity(typed)
    if refusal or not who:
        return _refusal(refusal or NAME_FOR_SNAPSHOT)
    try:
        ready = page.for_write("Snapshot not saved")
    except StoreError as exc:
        return _refusal(f"Snapshot not saved: {exc}")
    if isinstance(ready, SaveResult):
        return _line(ready), no_update
    store, view = ready
    result = take_snapshot(store, view, name or "", who=who)
    return _line(result), ((tick or 0) + 1 if result.ok else no_update)


def reattach(
    page: PageContext, uid: str | None, fk_id: str | None, typed: str | None, tick: int | None
) -> tuple[Any, Any]:
    """Re-attach an orphaned record to the selected key: the status line and the next tick."""
    who, refusal = edit_identity(typed)
    if refusal or not who:
        return _refusal(refusal or NAME_FOR_REATTACH)
    try:
        ready = page.for_write("Not re-attached")
    except StoreError as exc:
        return _refusal(f"Not re-attached: {exc}")
    if isinstance(ready, SaveResult):
        return _line(ready), no_update
    store, view = ready
    result = reattach_orphan(store, view, uid or "", fk_id or "", who=who)
    return _line(result), (tick or 0) + (1 if result.ok else 0)


# ---------------------------------------------------------------------------------------------- selection
def selected_id(rows: Any) -> str:
    """The id of the selected grid row.

    ``selectedRows`` is a list of rows, or ``{"ids": [...]}`` when set by a callback.

    >>> selected_id([{"id": "a.sql:3#x"}]), selected_id({"ids": ["b"]}), selected_id(None)
    ('a.sql:3#x', 'b', '')
    """
    if isinstance(rows, dict):
        chosen = rows.get("ids") or []
        return str(chosen[0]) if chosen else ""
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):
        return str(rows[0].get("id", ""))
    return ""


def new_selection(rows: Any, current: str | None) -> str | None:
    """The key a click in the grid selects: the one ticked row, '' for several (their panel),
    None when the selection stays.

    >>> new_selection([{"id": "k"}], ""), new_selection([{"id": "k"}], "k")
    ('k', None)
    >>> new_selection([{"id": "k"}, {"id": "j"}], "k"), new_selection([], "k")
    ('', None)
    """
    if isinstance(rows, list) and len(rows) > 1:
        return None if not current else ""
    chosen = selected_id(rows)
    return None if not chosen or chosen == (current or "") else chosen


def without_foreign_selection(loader: Loader, service: str | None, fk_id: str | None) -> str | None:
    """After the service filter changed: '' to deselect a key of another service (None: keep it)."""
    if loader.status != "ready" or not fk_id or not service:
        return None
    return None if service_of_key(loader.data, fk_id) == service else ""


def preselect(rows: list[dict[str, Any]] | None, fk_id: str | None, selected: Any) -> dict[str, Any] | None:
    """Select the row of ``fk_id`` (the URL's key) once the grid holds it, while the grid has no
    selection of its own: a refresh of the rows never undoes a click made meanwhile (None: nothing
    to change).

    >>> preselect([{"id": "k"}], "k", None), preselect([{"id": "k"}], "k", [{"id": "j"}])
    ({'ids': ['k']}, None)
    """
    if not fk_id or not rows or not any(r["id"] == fk_id for r in rows):
        return None
    return None if selected_id(selected) else {"ids": [fk_id]}


def url_search(service: str | None, fk_id: str | None, search: str | None) -> str | None:
    """The page's query string for the filter and the selection (None: unchanged).

    >>> url_search("content", "", "?present=1")
    '?svc=content&present=1'
    """
    new = to_search(service or "", fk_id or "", "present=1" in (search or ""))
    return None if new == (search or "") else new
