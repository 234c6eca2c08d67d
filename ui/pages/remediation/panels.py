"""Pieces of the remediation page built from plain values: grid rows, the FK detail, summary panels.

Every function takes remediation data (:class:`~remediation.status.Status`,
records, a :class:`~remediation.service.Review`) and returns Dash components,
so tests call them directly. Names from scanned SQL are always component
text, never HTML; a mark's link becomes an anchor only for ``http(s)://`` URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from remediation.records import PHASE_LABELS, Record
from remediation.service import Review
from remediation.status import Status
from remediation.totals import DEFINITIONS, ORDER, Totals
from ui.pages.common import data_attrs

__all__ = [
    "GRID_COLUMNS",
    "delta_children",
    "detail_children",
    "grid_rows",
    "loaded_of",
    "orphan_children",
    "status_line",
    "summary_children",
]


# ---------------------------------------------------------------------------------------------- grid rows
def _marks_text(s: Status) -> str:
    parts = []
    for p in (1, 2, 3, 4):
        parts.append(f"{p}{'✓' if p in s.done else '·'}")
    return " ".join(parts)


def grid_rows(rows: Sequence[Status]) -> list[dict[str, Any]]:
    """One grid row per tracked key."""
    out = []
    for s in rows:
        it, r = s.item, s.record
        state = "dropped" if it.dropped else "present"
        if it.catalog_state:
            state += f" (catalog: {it.catalog_state})"
        issues = len(s.contradictions) + len(s.warnings)
        out.append(
            {
                "id": s.id,
                "uid": r.uid if r else "",
                "version": r.version if r else 0,
                "service": it.service,
                "ref_service": it.ref_service,
                "table": f"{it.fk.table.qualified}({', '.join(it.fk.columns)})",
                "target": f"{it.fk.ref_table.qualified}({', '.join(it.fk.ref_columns)})",
                "name": it.fk.name,
                "on_delete": it.on_delete,
                "state": state,
                "phase": s.phase,
                "phase_label": f"{s.phase} {PHASE_LABELS[s.phase]}",
                "done": _marks_text(s),
                "owner_team": r.owner_team if r else "",
                "target_date": r.target_date if r else "",
                "issues": ("⚠ contradiction" if s.contradictions else "")
                or (f"{issues} note(s)" if issues else ""),
            }
        )
    return out


GRID_COLUMNS = [
    {"field": "service", "headerName": "Service", "width": 120},
    {"field": "table", "headerName": "Table(columns)", "flex": 2, "minWidth": 200},
    {"field": "ref_service", "headerName": "Owner", "width": 90},
    {"field": "target", "headerName": "→ Referenced", "flex": 1, "minWidth": 150},
    {"field": "on_delete", "headerName": "ON DELETE", "width": 115},
    {"field": "state", "headerName": "State", "width": 120},
    {"field": "phase_label", "headerName": "Phase", "width": 190},
    {"field": "done", "headerName": "1 2 3 4", "width": 115},
    {"field": "owner_team", "headerName": "Team", "width": 130},
    {"field": "target_date", "headerName": "Target", "width": 105},
    {"field": "issues", "headerName": "Issues", "width": 130},
]


# ---------------------------------------------------------------------------------------------- detail panel
def _safe_link(link: str) -> Any:
    if link.lower().startswith(("https://", "http://")):
        return html.A(link, href=link, target="_blank", rel="noopener noreferrer")
    return link


def _phase_line(s: Status, phase: int) -> html.Li:
    label = f"{phase} · {PHASE_LABELS[phase]}"
    done = phase in s.done
    cls = "rem-phase done" if done else "rem-phase"
    if phase == 2:
        it = s.item
        if it.dropped:
            where = f" by {it.dropped_at}" if it.dropped_at is not None else " (absent from the live catalog)"
            text = f"dropped{where} — read from the sources"
        else:
            text = "still present — read from the sources, never set by hand"
        return html.Li(className=cls, children=[html.B(label), html.Span(f" {text}", className="muted")])
    mark = s.mark(phase)
    parts: list[Any] = [html.B(label)]
    if mark is not None:
        parts.append(f" — marked by {mark.by} at {mark.at}")
        if mark.note:
            parts += [": ", html.I(mark.note)]
        if mark.link:
            parts += [" ", _safe_link(mark.link)]
        if phase == 3 and phase not in s.done:
            parts.append(html.Span(" does not count while the FK is present", className="tag danger"))
    elif phase == 4 and not s.item.needs_events:
        policy = s.record.deletion_policy if s.record is not None else ""
        parts.append(
            f" — deletion policy: {policy}"
            if policy
            else " — record a deletion policy (the FK had no action)"
        )
    else:
        parts.append(html.Span(" not marked", className="muted"))
    return html.Li(className=cls, children=parts)


def detail_children(s: Status | None) -> list[Any]:
    """The FK-detail panel: facts, the four phases, contradictions and warnings."""
    if s is None:
        return [html.P("Select a foreign key in the table to see and edit its phases.", className="muted")]
    it = s.item
    fk = it.fk
    facts = [
        html.Li(["Constraint: ", html.Code(fk.name), f" on {fk.table}"]),
        html.Li(
            f"ON DELETE {it.on_delete}"
            + (
                " — phase 4 needs a consumer of deletion events"
                if it.needs_events
                else " — phase 4 is a recorded deletion policy"
            )
        ),
        html.Li(f"Added at {fk.added_at}" if fk.added_at is not None else "Read from a live catalog"),
        html.Li(f"Id: {it.id}", className="muted"),
    ]
    if len(it.constraints) + len(it.live) > 1:
        names = ", ".join(sorted({f.name for f in (*it.constraints, *it.live)}))
        facts.append(html.Li(f"Present constraints: {names}"))
    if s.matched_by in ("structure", "name"):
        facts.append(html.Li(f"Record attached by {s.matched_by} (its key changed); saving re-keys it."))
    children: list[Any] = [
        html.H3(f"{it.service} → {it.ref_service}", className="rem-detail-title"),
        html.P(
            f"{fk.table.qualified}({', '.join(fk.columns)}) → "
            f"{fk.ref_table.qualified}({', '.join(fk.ref_columns)})",
            className="rem-detail-fk",
        ),
        html.Ul(facts, className="rem-facts"),
        html.Ol(
            [_phase_line(s, p) for p in (1, 2, 3, 4)],
            className="rem-phases",
            **data_attrs({"data-phase": str(s.phase)}),
        ),
    ]
    for text in s.contradictions:
        children.append(html.P(["Contradiction: ", text], className="rem-contradiction"))
    for text in s.warnings:
        children.append(html.P(text, className="rem-warning"))
    if s.record is not None:
        r = s.record
        children.append(
            html.P(
                f"Version {r.version}, last changed by {r.updated_by} at {r.updated_at}.", className="hint"
            )
        )
    return children


def loaded_of(s: Status | None) -> dict[str, Any]:
    """What the editor remembers of the record it shows (for the optimistic check)."""
    if s is None:
        return {}
    r = s.record
    return {"fk_id": s.id, "uid": r.uid if r else "", "version": r.version if r else 0}


# ---------------------------------------------------------------------------------------------- panels
def _figure(key: str, value: str, label: str, definition: str, danger: bool = False) -> html.Div:
    return html.Div(
        className="figure card" + (" danger" if danger else ""),
        title=f"{label}: {definition}",
        children=[html.Div(value, className="figure-value"), html.Div(label, className="figure-label")],
        **data_attrs({"data-figure": key}),
    )


#: Totals the page shows that turn red when not zero.
_ALARMS = ("contradictions", "orphans")


def summary_children(totals: Totals, store_label: str) -> list[Any]:
    """Headline figures: every total of :mod:`remediation.totals`, its definition on hover."""
    figures = [
        _figure(
            key,
            totals.text(key),
            DEFINITIONS[key].label,
            DEFINITIONS[key].text,
            key in _ALARMS and bool(totals.value(key)),
        )
        for key in ORDER
    ]
    return [
        html.Div(figures, className="headlines rem-headlines"),
        html.P(f"Store: {store_label}", className="hint"),
    ]


def delta_children(review: Review) -> list[Any]:
    """The review delta since ``review.snapshot`` as four short lists."""
    delta, snapshot = review.delta, review.snapshot
    if delta.empty:
        return [
            html.P(f"Nothing changed since “{snapshot.name}” ({snapshot.created_at}).", className="muted")
        ]
    out: list[Any] = [html.P(f"Since “{snapshot.name}” ({snapshot.created_at}, by {snapshot.created_by}):")]
    sections = (
        ("Appeared (regressions)", delta.appeared, "danger", lambda d: d.text),
        ("Dropped", delta.dropped, "info", lambda d: d.text),
        ("Vanished from the scan", delta.vanished, "warning", lambda d: d.text),
        ("Phase changes", delta.phase_changes, "info", lambda d: f"{d.text}: {d.change}"),
    )
    for title, rows, tag, text in sections:
        if rows:
            out.append(html.H4([title, html.Span(str(len(rows)), className=f"tag {tag}")]))
            out.append(html.Ul([html.Li(text(d)) for d in rows], className="rem-delta-list"))
    return out


def orphan_children(orphans: Sequence[Record]) -> list[Any]:
    """Records whose key vanished without a migration dropping it."""
    if not orphans:
        return [html.P("None: every record is attached to a key of this scan.", className="muted")]
    items = []
    for r in orphans:
        text = r.fk.text if r.fk is not None else r.fk_id
        marks = ", ".join(str(m.phase) for m in r.marks) or "no marks"
        items.append(html.Li([html.B(text), f" — {marks}; id {r.fk_id}"]))
    return [
        html.P(
            "Their key vanished without being dropped (file edited or moved, table and columns renamed). "
            "Select the key it belongs to in the table and re-attach it.",
            className="hint",
        ),
        html.Ul(items),
    ]


def status_line(text: str, ok: bool) -> html.Span:
    """The editor's status line: green when something was saved, red otherwise."""
    return html.Span(text, className="rem-ok" if ok else "rem-error")
