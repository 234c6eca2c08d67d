"""The remediation page (``/remediation``): totals, progress by phase, the history of coupling
beside the plan's progress, the FK editor (one key or several), reviews, SQL.

Only the skeleton is built here; every figure, row and panel is filled by the
callbacks (:mod:`ui.callbacks.remediation`) from the store, on each render and
every :data:`REFRESH_MS` while the page is open, so people working on one
store see each other's marks. Edits are saved with the version the editor
loaded: a concurrent change shows the store's conflict message ("changed by
alice at 10:42 ... since you loaded it; reload") instead of being overwritten.

URL: ``/remediation?svc=<service>&fk=<fk id>`` opens the page filtered to one
service with one key selected (the FK-detail editor).
"""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from remediation.records import DELETION_POLICIES, MANUAL_PHASES, PHASE_LABELS
from ui import ids
from ui.auth import auth_enabled, current_user
from ui.data import AppData
from ui.pages.common import data_attrs
from ui.pages.remediation.panels import GRID_COLUMNS, detail_children
from ui.pages.remediation.view import ALL, parse_search, tracked_items

__all__ = ["HISTORY_TITLE", "PLAN_TITLE", "REFRESH_MS", "build_remediation_page", "inferred_note"]

#: How often an open page re-reads the store (milliseconds).
REFRESH_MS = 5000
#: The two charts, named for what they show: the coupling over time, and the plan's progress.
HISTORY_TITLE = "History of coupling: cross-service FKs present after each migration"
PLAN_TITLE = "Plan progress: FKs present against the plan's target dates"


def _card(title: str, *children: Any, extra: Any = None) -> html.Div:
    head = html.Div([html.H2(title, className="card-title"), extra], className="card-title-row")
    return html.Div(className="card rem-card", children=[head, *children])


def _who_field() -> dcc.Input:
    """The editor's name: typed (and remembered) without login, the signed-in user's otherwise."""
    if auth_enabled():  # the audit log records the signed-in user; the field only shows who that is
        user = current_user()
        return dcc.Input(
            id=ids.REM_WHO,
            value=user.name if user else "",
            placeholder="not signed in",
            className="rem-input rem-who",
            disabled=True,
            readOnly=True,
        )
    return dcc.Input(
        id=ids.REM_WHO,
        placeholder="Your name",
        className="rem-input rem-who",
        persistence=True,
        persistence_type="local",
        debounce=True,
    )


def _toolbar(services: list[str], service: str) -> html.Div:
    options = [{"label": "All services", "value": ALL}] + [{"label": s, "value": s} for s in services]
    return html.Div(
        className="rem-toolbar",
        children=[
            html.H1("Remediation", className="rem-title"),
            dcc.Dropdown(
                id=ids.REM_SERVICE,
                options=options,
                value=service,
                clearable=False,
                className="rem-dd rem-service",
            ),
            _who_field(),
        ],
    )


def _charts() -> html.Div:
    axis = dcc.RadioItems(
        id=ids.REM_AXIS,
        options=[{"label": "by migration", "value": "order"}, {"label": "by date", "value": "date"}],
        value="order",
        inline=True,
        className="rem-axis",
    )
    history = _card(HISTORY_TITLE, dcc.Graph(id=ids.REM_BURNDOWN, config={"displaylogo": False}), extra=axis)
    plan = _card(PLAN_TITLE, dcc.Graph(id=ids.REM_PLAN, config={"displaylogo": False}))
    return html.Div(
        children=[
            _card("Progress by phase", dcc.Graph(id=ids.REM_PROGRESS, config={"displaylogo": False})),
            html.Div(className="rem-row", children=[history, plan]),
        ]
    )


def _form() -> html.Div:
    """Mark a phase; the plan fields (owner team, target date, deletion policy)."""
    phase_options = [{"label": f"{p} · {PHASE_LABELS[p]}", "value": p} for p in MANUAL_PHASES]
    return html.Div(
        className="rem-form",
        children=[
            html.Label("Mark a phase"),
            dcc.Dropdown(
                id=ids.REM_PHASE, options=phase_options, value=1, clearable=False, className="rem-dd"
            ),
            dcc.Input(id=ids.REM_NOTE, placeholder="Note (what was done)", className="rem-input wide"),
            dcc.Input(id=ids.REM_LINK, placeholder="Link (ticket / PR)", className="rem-input wide"),
            html.Div(
                [
                    html.Button("Mark done", id=ids.REM_MARK, className="btn btn-primary"),
                    html.Button("Remove mark", id=ids.REM_UNMARK, className="btn"),
                    html.Button("Mark anyway", id=ids.REM_CONFIRM, className="btn btn-danger", hidden=True),
                ],
                className="rem-buttons",
            ),
            html.Label("Plan"),
            dcc.Input(id=ids.REM_OWNER, placeholder="Owner team", className="rem-input wide"),
            dcc.Input(id=ids.REM_TARGET, placeholder="Target date (YYYY-MM-DD)", className="rem-input wide"),
            dcc.Dropdown(
                id=ids.REM_POLICY,
                options=[{"label": p, "value": p} for p in DELETION_POLICIES],
                placeholder="Deletion policy (NO ACTION / RESTRICT keys)",
                className="rem-dd",
            ),
            html.Button("Save plan", id=ids.REM_SAVE, className="btn"),
            html.Div(id=ids.REM_MESSAGE, className="rem-message", role="status"),
        ],
    )


def _keys() -> html.Div:
    """The grid of tracked keys beside the FK-detail editor."""
    grid = dag.AgGrid(
        id=ids.REM_GRID,
        rowData=[],
        columnDefs=GRID_COLUMNS,
        getRowId="params.data.id",
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions={
            "animateRows": False,
            # a click selects one key; the checkboxes tick several, marked together
            "rowSelection": {
                "mode": "multiRow",
                "checkboxes": True,
                "headerCheckbox": True,
                "enableClickSelection": True,
                "selectAll": "filtered",
            },
        },
        style={"height": "460px", "width": "100%"},
        className="grid",
    )
    editor = html.Div(
        className="rem-editor",
        children=[
            html.Div(id=ids.REM_DETAIL, className="rem-detail", children=detail_children(None)),
            _form(),
        ],
    )
    hint = html.P("Click a key to edit it; tick several to mark them at once.", className="hint")
    return _card(
        "Cross-service foreign keys", hint, html.Div(className="rem-grid-row", children=[grid, editor])
    )


def _review_and_sql() -> html.Div:
    snapshots = html.Div(
        className="rem-snap",
        children=[
            dcc.Input(
                id=ids.REM_SNAP_NAME,
                placeholder="Snapshot name, e.g. Review 2026-11-14",
                className="rem-input wide",
            ),
            html.Button("Save snapshot", id=ids.REM_SNAP_SAVE, className="btn"),
            dcc.Dropdown(id=ids.REM_SNAP_PICK, placeholder="Changes since snapshot…", className="rem-dd"),
        ],
    )
    kinds = dcc.RadioItems(
        id=ids.REM_SQL_KIND,
        options=[
            {"label": "Phase 2: drop", "value": "drop"},
            {"label": "Rollback", "value": "rollback"},
            {"label": "Orphan checks", "value": "orphans"},
        ],
        value="drop",
        inline=True,
        className="rem-axis",
    )
    return html.Div(
        className="rem-row",
        children=[
            _card("Review", snapshots, html.Div(id=ids.REM_DELTA, className="rem-delta")),
            _card(
                "Generated SQL",
                kinds,
                html.P("For the selected key, else for the service filter.", className="hint"),
                html.Pre(id=ids.REM_SQL, className="rem-sql"),
            ),
        ],
    )


def _orphans() -> html.Div:
    reattach = html.Div(
        className="rem-snap",
        children=[
            dcc.Dropdown(id=ids.REM_REATTACH_PICK, placeholder="Orphaned record…", className="rem-dd"),
            html.Button("Re-attach to the selected key", id=ids.REM_REATTACH, className="btn"),
        ],
    )
    return _card("Orphaned records", html.Div(id=ids.REM_ORPHANS), reattach)


def inferred_note(data: AppData) -> list[html.P]:
    """Why the scan's inferred references are not among the tracked keys (none when there are none)."""
    n = sum(1 for _, _, d in data.graph.edges(data=True) if d["origin"] != "declared" and d["cross_service"])
    if not n:
        return []
    what = "reference" if n == 1 else "references"
    return [
        html.P(
            f"{n} inferred cross-service {what} (from column names, --infer) {'is' if n == 1 else 'are'} "
            "not tracked here: no constraint to drop, so never counted as an unremediated FK.",
            className="muted rem-inferred",
            **data_attrs({"data-inferred": str(n)}),
        )
    ]


def build_remediation_page(data: AppData, search: str | None = None) -> html.Div:
    """The page skeleton, filtered and selected as ``search`` says; the callbacks fill it from the store."""
    service, fk_id = parse_search(search)
    services = sorted({it.service for it in tracked_items(data)})
    return html.Div(
        className="remediation-page",
        children=[
            _toolbar(services, service),
            *inferred_note(data),
            html.Div(id=ids.REM_SUMMARY, className="rem-summary"),
            _charts(),
            _keys(),
            _review_and_sql(),
            _orphans(),
            dcc.Store(id=ids.REM_SELECTED, data=fk_id),
            dcc.Store(id=ids.REM_CHOSEN, data=[]),
            dcc.Store(id=ids.REM_LOADED, data={}),
            dcc.Store(id=ids.REM_TICK, data=0),
            dcc.Store(id=ids.REM_REV, data=""),
            dcc.Interval(id=ids.REM_REFRESH, interval=REFRESH_MS),
        ],
    )
