"""Several keys selected on the remediation page: what the selection holds, the panel shown instead
of one key's detail, and the status line of an edit of them all.

The grid's ticked rows (``selectedRows``) become :func:`chosen_of`: each key with the record
version the grid showed, so an edit of them all (:func:`remediation.edits.save_edits`) keeps the
optimistic check of each key. After a save, :func:`after_save` moves the saved keys to their new
versions (a key someone else changed since keeps the old one: it stays a conflict until reloaded).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from remediation.edits import BulkResult, SaveResult
from remediation.records import PHASE_LABELS
from remediation.service import RemediationView

__all__ = ["after_save", "bulk_children", "bulk_line", "chosen_of", "confirm_line", "new_chosen"]


def chosen_of(rows: Any) -> list[dict[str, Any]]:
    """``[{"fk_id", "uid", "version"}]`` of the ticked grid rows (``selectedRows``), in grid order.

    >>> chosen_of([{"id": "k", "uid": "u", "version": 2}, {"id": "j"}]), chosen_of({"ids": ["k"]})
    ([{'fk_id': 'k', 'uid': 'u', 'version': 2}, {'fk_id': 'j', 'uid': '', 'version': 0}], [])
    """
    if not isinstance(rows, list):
        return []
    return [
        {"fk_id": str(r["id"]), "uid": str(r.get("uid") or ""), "version": int(r.get("version") or 0)}
        for r in rows
        if isinstance(r, dict) and r.get("id")
    ]


def new_chosen(rows: Any, current: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    """The selection after the grid's ticks changed; None when the same keys stay ticked (a
    refresh of the grid never moves the versions they were loaded at).

    >>> new_chosen([{"id": "k", "version": 2}], [{"fk_id": "k", "uid": "", "version": 1}]) is None
    True
    """
    chosen = chosen_of(rows)
    same = [c["fk_id"] for c in chosen] == [c.get("fk_id") for c in current or ()]
    return None if same else chosen


def after_save(chosen: Sequence[Mapping[str, Any]], result: BulkResult) -> list[dict[str, Any]]:
    """``chosen`` with each saved key at the version now stored."""
    saved = {k: r.record for k, r in result.results if r.ok and r.record is not None}
    out = []
    for c in chosen:
        record = saved.get(str(c["fk_id"]))
        out.append({**c, "uid": record.uid, "version": record.version} if record is not None else dict(c))
    return out


def bulk_children(view: RemediationView, chosen: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The panel of a selection of several keys: what an edit will apply to."""
    items = []
    for c in chosen:
        s = view.status(str(c["fk_id"]))
        if s is not None:
            items.append(
                html.Li([s.item.info().text, html.Span(f" · {PHASE_LABELS[s.phase]}", className="muted")])
            )
    return [
        html.H3(f"{len(chosen)} keys selected", className="rem-detail-title rem-bulk-title"),
        html.P(
            "Mark done, Remove mark and Save plan apply to each of them in one transaction; a key "
            "someone changed since this page loaded it is reported, never overwritten.",
            className="hint",
        ),
        html.Ul(items, className="rem-bulk-list"),
    ]


def _problems(result: BulkResult, view: RemediationView) -> html.Ul | None:
    rows = []
    for key, r in result.results:
        if r.ok or (result.needs_confirmation and not r.needs_confirmation):
            continue
        s = view.status(key)
        text = s.item.info().text if s is not None else key
        detail = "; ".join(r.contradictions) if r.needs_confirmation else r.message
        rows.append(html.Li([html.B(text), f": {detail}"], className="rem-conflict" if r.conflict else ""))
    return html.Ul(rows, className="rem-bulk-problems") if rows else None


def bulk_line(result: BulkResult, view: RemediationView) -> html.Span:
    """The status line of an edit of several keys: the summary, then each key not saved and why."""
    cls = "rem-ok" if result.ok else ("rem-warn" if result.needs_confirmation else "rem-error")
    return html.Span([result.message, _problems(result, view)], className=cls)


def confirm_line(result: SaveResult) -> html.Span:
    """The status line of a mark that waits for a confirmation: the contradictions it would add."""
    return html.Span(
        [
            "Not saved yet: this contradicts the sources.",
            html.Ul([html.Li(c) for c in result.contradictions], className="rem-bulk-problems"),
            "Confirm to save it anyway; the key will count as a contradiction.",
        ],
        className="rem-warn",
    )
