"""The remediation page (``/remediation``): progress, burn-down, the FK editor, reviews, SQL.

Everything shown is read from the store on each render (and every
:data:`REFRESH_MS` while the page is open), so people working on one store see
each other's marks. Edits go through :func:`apply_edit`, which saves with the
version the editor loaded: a concurrent change shows the store's conflict
message ("changed by alice at 10:42 ... since you loaded it; reload") instead
of being overwritten.

URL: ``/remediation?svc=<service>&fk=<fk id>`` opens the page filtered to one
service with one key selected (the FK-detail editor).

Data comes from plain functions (:func:`remediation_view`, :func:`apply_edit`,
:func:`reattach`, :func:`burndown_for`); figures, rows and panels from
:mod:`ui.remediation_panels`; the callbacks in :mod:`ui.remediation_callbacks`
only wire them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode

import dash_ag_grid as dag
from dash import dcc, html

from remediation.store import ConflictError, SqlStore, StoreError, open_store, utc_now
from remediation.tracking import (
    DELETION_POLICIES,
    MANUAL_PHASES,
    PHASE_LABELS,
    Mark,
    Record,
    Status,
    TrackedFk,
    new_record,
    statuses,
    tracked_fks,
)
from remediation.views import BurnDown, burndown, git_added_dates, progress, sql_for
from ui.data import AppData
from ui.remediation_panels import (
    ALL,
    GRID_COLUMNS,
    PHASE_COLOURS,
    burndown_figure,
    delta_children,
    detail_children,
    grid_rows,
    loaded_of,
    orphan_children,
    progress_figure,
    summary_children,
)

__all__ = [
    "PHASE_COLOURS",
    "REFRESH_MS",
    "RemediationView",
    "StoreHandle",
    "apply_edit",
    "build_remediation_page",
    "burndown_figure",
    "burndown_for",
    "delta_children",
    "detail_children",
    "grid_rows",
    "loaded_of",
    "orphan_children",
    "progress",
    "progress_figure",
    "reattach",
    "register_remediation_callbacks",
    "remediation_handle",
    "remediation_view",
    "service_of_key",
    "sql_for",
    "summary_children",
]

PATH = "/remediation"
REFRESH_MS = 5000

# component ids
SERVICE = "rem-service"
WHO = "rem-who"
SUMMARY = "rem-summary"
PROGRESS = "rem-progress"
AXIS = "rem-axis"
BURNDOWN = "rem-burndown"
GRID = "rem-grid"
SELECTED = "rem-selected"
DETAIL = "rem-detail"
LOADED = "rem-loaded"
PHASE = "rem-phase"
NOTE = "rem-note"
LINK = "rem-link"
MARK = "rem-mark"
UNMARK = "rem-unmark"
OWNER = "rem-owner"
TARGET = "rem-target"
POLICY = "rem-policy"
SAVE = "rem-save"
MESSAGE = "rem-message"
TICK = "rem-tick"
REV = "rem-rev"
REFRESH = "rem-refresh"
SNAP_NAME = "rem-snap-name"
SNAP_SAVE = "rem-snap-save"
SNAP_PICK = "rem-snap-pick"
DELTA = "rem-delta"
SQL_KIND = "rem-sql-kind"
SQL = "rem-sql"
ORPHANS = "rem-orphans"
REATTACH_PICK = "rem-reattach-pick"
REATTACH = "rem-reattach"


class StoreHandle:
    """Opens the store on first use (and seeds it from a plan file when it is empty).

    The dashboard only touches the store when the remediation page is shown,
    so apps that never show it create no file.
    """

    def __init__(
        self, url: str | None = None, *, plan: str | Path | None = None, store: SqlStore | None = None
    ):
        self.url = url
        self.plan = Path(plan) if plan else None
        self._store = store
        self._lock = threading.Lock()
        self.seeded: Any = None

    def get(self) -> SqlStore:
        """The open store (raises :class:`~store.StoreError` when it cannot be opened)."""
        with self._lock:
            if self._store is None:
                store = open_store(self.url)
                if self.plan is not None:
                    from remediation.plan_file import seed_store_from_plan

                    self.seeded = seed_store_from_plan(store, self.plan)
                self._store = store
            return self._store

    @property
    def label(self) -> str:
        return self._store.label if self._store is not None else (self.url or "")


PLAN_NAME = "fkmap-plan.yaml"


def remediation_handle(
    state: str | None = None, sources: Sequence[str] | None = None, config_path: str | None = None
) -> StoreHandle:
    """The store handle of an app.

    ``state`` names the store (else ``$FKMAP_STATE``, else ``.fkmap/state.db``).
    When the app scans ``sources``, the ``fkmap-plan.yaml`` next to the config
    (``config_path``, else the ``fkmap.toml`` found in the first source folder)
    is imported into the store the first time it is opened empty -- the demo
    ships such a plan, so a fresh ``make run`` shows progress in every phase.
    """
    plan: Path | None = None
    if config_path:
        plan = Path(config_path).parent / PLAN_NAME
    elif sources:
        from ownership.config_file import find_config

        found = find_config(list(sources))
        plan = found.parent / PLAN_NAME if found is not None else None
    return StoreHandle(state, plan=plan if plan is not None and plan.is_file() else None)


@lru_cache(maxsize=8)
def _items(data: AppData) -> tuple[TrackedFk, ...]:
    return tuple(tracked_fks(data.inventory))


def service_of_key(data: AppData, fk_id: str) -> str:
    """The dependent service of the tracked key ``fk_id`` ('' when unknown)."""
    return next((it.service for it in _items(data) if it.id == fk_id), "")


@lru_cache(maxsize=4)
def _git_dates(data: AppData) -> dict[str, str]:
    roots = [s.label for s in data.inventory.sources if s.kind == "migrations"]
    return git_added_dates(roots[0]) if len(roots) == 1 and Path(roots[0]).is_dir() else {}


@dataclass(frozen=True)
class RemediationView:
    """One render's worth of data: statuses (all services), orphans and the revision."""

    statuses: tuple[Status, ...]
    orphans: tuple[Record, ...]
    revision: str

    def status(self, fk_id: str | None) -> Status | None:
        return next((s for s in self.statuses if s.id == fk_id), None) if fk_id else None

    def of(self, service: str) -> list[Status]:
        return [s for s in self.statuses if not service or s.service == service]


def remediation_view(data: AppData, store: SqlStore) -> RemediationView:
    """Read the store and combine it with the scan (items are cached per scan)."""
    records = store.records()
    rows, orphans = statuses(_items(data), records)
    revision = ",".join(f"{r.uid}:{r.version}" for r in sorted(records, key=lambda r: r.uid))
    return RemediationView(tuple(rows), tuple(orphans), f"{data.fingerprint}|{revision}")


def parse_search(search: str | None) -> tuple[str, str]:
    """``(service, fk id)`` from the query string.

    >>> parse_search("?svc=content&fk=a.sql%3A3%23x")
    ('content', 'a.sql:3#x')
    """
    q = parse_qs((search or "").lstrip("?"))
    return q.get("svc", [""])[-1], q.get("fk", [""])[-1]


def to_search(service: str, fk_id: str, present: bool = False) -> str:
    """The query string for a service filter and a selected key."""
    pairs = [(k, v) for k, v in (("svc", service), ("fk", fk_id)) if v]
    if present:
        pairs.append(("present", "1"))
    return "?" + urlencode(pairs) if pairs else ""


def burndown_for(data: AppData, axis: str) -> BurnDown:
    """The burn-down of the scan; dates from file names, else git (one call, cached)."""
    if axis == "date":
        return burndown(data.inventory, _items(data), axis="date", dates=_git_dates(data))
    return burndown(data.inventory, _items(data))


# ---------------------------------------------------------------------------------------------- editing
Edit = Literal["mark", "unmark", "fields"]


def apply_edit(
    store: SqlStore,
    view: RemediationView,
    fk_id: str,
    loaded: dict[str, Any] | None,
    edit: Edit,
    *,
    who: str,
    phase: int | None = None,
    note: str = "",
    link: str = "",
    owner_team: str | None = None,
    target_date: str | None = None,
    deletion_policy: str | None = None,
) -> str:
    """Apply one edit from the editor; returns the message to show.

    ``loaded`` is what the editor loaded (``{"uid", "version"}``; version 0 for
    a key without record). The record is saved with that version, so a change
    made by someone else since is reported, never overwritten. The record is
    re-keyed to the key's current id on save (it may have been matched by
    structure or name).
    """
    who = (who or "").strip()
    if not who:
        return "Enter your name (top right of the page) so the change can be attributed."
    status = view.status(fk_id)
    if status is None:
        return "Select a foreign key first."
    loaded = loaded or {}
    version = int(loaded.get("version") or 0)
    base = status.record if status.record is not None else new_record(status.item)
    if base.version != version or (version and base.uid != loaded.get("uid")):
        # the store moved on since the editor loaded: let the store report who changed it
        base = replace(base, version=version, uid=str(loaded.get("uid") or base.uid))
    base = replace(base, fk_id=status.item.id, fk=status.item.info())
    try:
        if edit == "mark":
            if phase not in MANUAL_PHASES:
                return "Choose phase 1, 3 or 4 (phase 2 is read from the migrations and the live catalog)."
            changed = base.with_mark(Mark(int(phase), who, utc_now(), note.strip(), link.strip()))
            action = "mark"
        elif edit == "unmark":
            if phase is None or base.mark(int(phase)) is None:
                return f"Phase {phase} is not marked on this key."
            changed = base.without_mark(int(phase))
            action = "unmark"
        else:
            changed = base.with_fields(
                owner_team=owner_team, target_date=target_date, deletion_policy=deletion_policy
            )
            action = "update"
        saved = store.save(changed, who=who, action=action)
    except ConflictError as exc:
        return f"Not saved: {exc}"
    except (StoreError, ValueError) as exc:
        return f"Not saved: {exc}"
    what = {"mark": f"phase {phase} marked", "unmark": f"phase {phase} unmarked", "fields": "plan saved"}[
        edit
    ]
    return f"Saved ({what}, version {saved.version})."


def reattach(store: SqlStore, view: RemediationView, uid: str, fk_id: str, *, who: str) -> str:
    """Attach the orphaned record ``uid`` to the key ``fk_id``; returns the message to show."""
    orphan = next((r for r in view.orphans if r.uid == uid), None)
    if orphan is None:
        return "Choose an orphaned record first."
    status = view.status(fk_id)
    if status is None:
        return "Select, in the table, the key the record belongs to."
    if status.record is not None:
        return "That key has a record already; choose a key without one."
    try:
        saved = store.reattach(orphan, status.item.id, status.item.info(), who=who)
    except (ConflictError, StoreError) as exc:
        return f"Not re-attached: {exc}"
    return f"Re-attached to {status.item.info().text} (version {saved.version})."


# ---------------------------------------------------------------------------------------------- page
def _card(title: str, *children: Any, extra: Any = None) -> html.Div:
    head = html.Div([html.H2(title, className="card-title"), extra], className="card-title-row")
    return html.Div(className="card rem-card", children=[head, *children])


def build_remediation_page(data: AppData, search: str | None = None) -> html.Div:
    """The page skeleton; every figure and row is filled by the callbacks from the store."""
    service, fk_id = parse_search(search)
    services = sorted({it.service for it in _items(data)})
    phase_options = [{"label": f"{p} · {PHASE_LABELS[p]}", "value": p} for p in MANUAL_PHASES]
    from ui.auth import auth_enabled, current_user

    user = current_user()
    if auth_enabled():  # the audit log records the signed-in user; the field only shows who that is
        who = dcc.Input(
            id=WHO,
            value=user.name if user else "",
            placeholder="not signed in",
            className="rem-input",
            disabled=True,
            readOnly=True,
        )
    else:
        who = dcc.Input(
            id=WHO,
            placeholder="Your name",
            className="rem-input",
            persistence=True,
            persistence_type="local",
            debounce=True,
        )
    editor = html.Div(
        className="rem-editor",
        children=[
            html.Div(id=DETAIL, className="rem-detail", children=detail_children(None)),
            html.Div(
                className="rem-form",
                children=[
                    html.Label("Mark a phase"),
                    dcc.Dropdown(
                        id=PHASE, options=phase_options, value=1, clearable=False, className="rem-dd"
                    ),
                    dcc.Input(id=NOTE, placeholder="Note (what was done)", className="rem-input wide"),
                    dcc.Input(id=LINK, placeholder="Link (ticket / PR)", className="rem-input wide"),
                    html.Div(
                        [
                            html.Button("Mark done", id=MARK, className="btn btn-primary"),
                            html.Button("Remove mark", id=UNMARK, className="btn"),
                        ],
                        className="rem-buttons",
                    ),
                    html.Label("Plan"),
                    dcc.Input(id=OWNER, placeholder="Owner team", className="rem-input wide"),
                    dcc.Input(id=TARGET, placeholder="Target date (YYYY-MM-DD)", className="rem-input wide"),
                    dcc.Dropdown(
                        id=POLICY,
                        options=[{"label": p, "value": p} for p in DELETION_POLICIES],
                        placeholder="Deletion policy (NO ACTION / RESTRICT keys)",
                        className="rem-dd",
                    ),
                    html.Button("Save plan", id=SAVE, className="btn"),
                    html.Div(id=MESSAGE, className="rem-message", role="status"),
                ],
            ),
        ],
    )
    return html.Div(
        className="remediation-page",
        children=[
            html.Div(
                className="rem-toolbar",
                children=[
                    html.H1("Remediation", className="rem-title"),
                    dcc.Dropdown(
                        id=SERVICE,
                        options=[{"label": "All services", "value": ALL}]
                        + [{"label": s, "value": s} for s in services],
                        value=service,
                        clearable=False,
                        className="rem-dd rem-service",
                    ),
                    who,
                ],
            ),
            html.Div(id=SUMMARY, className="rem-summary"),
            html.Div(
                className="rem-row",
                children=[
                    _card("Progress by phase", dcc.Graph(id=PROGRESS, config={"displaylogo": False})),
                    _card(
                        "Burn-down",
                        dcc.Graph(id=BURNDOWN, config={"displaylogo": False}),
                        extra=dcc.RadioItems(
                            id=AXIS,
                            options=[
                                {"label": "by migration", "value": "order"},
                                {"label": "by date", "value": "date"},
                            ],
                            value="order",
                            inline=True,
                            className="rem-axis",
                        ),
                    ),
                ],
            ),
            _card(
                "Cross-service foreign keys",
                html.Div(
                    className="rem-grid-row",
                    children=[
                        dag.AgGrid(
                            id=GRID,
                            rowData=[],
                            columnDefs=GRID_COLUMNS,
                            getRowId="params.data.id",
                            defaultColDef={"sortable": True, "filter": True, "resizable": True},
                            dashGridOptions={
                                "animateRows": False,
                                "rowSelection": {
                                    "mode": "singleRow",
                                    "checkboxes": False,
                                    "enableClickSelection": True,
                                },
                            },
                            style={"height": "460px", "width": "100%"},
                            className="grid",
                        ),
                        editor,
                    ],
                ),
            ),
            html.Div(
                className="rem-row",
                children=[
                    _card(
                        "Review",
                        html.Div(
                            className="rem-snap",
                            children=[
                                dcc.Input(
                                    id=SNAP_NAME,
                                    placeholder="Snapshot name, e.g. Review 2026-11-14",
                                    className="rem-input wide",
                                ),
                                html.Button("Save snapshot", id=SNAP_SAVE, className="btn"),
                                dcc.Dropdown(
                                    id=SNAP_PICK, placeholder="Changes since snapshot…", className="rem-dd"
                                ),
                            ],
                        ),
                        html.Div(id=DELTA, className="rem-delta"),
                    ),
                    _card(
                        "Generated SQL",
                        dcc.RadioItems(
                            id=SQL_KIND,
                            options=[
                                {"label": "Phase 2: drop", "value": "drop"},
                                {"label": "Rollback", "value": "rollback"},
                                {"label": "Orphan checks", "value": "orphans"},
                            ],
                            value="drop",
                            inline=True,
                            className="rem-axis",
                        ),
                        html.P("For the selected key, else for the service filter.", className="hint"),
                        html.Pre(id=SQL, className="rem-sql"),
                    ),
                ],
            ),
            _card(
                "Orphaned records",
                html.Div(id=ORPHANS),
                html.Div(
                    className="rem-snap",
                    children=[
                        dcc.Dropdown(id=REATTACH_PICK, placeholder="Orphaned record…", className="rem-dd"),
                        html.Button("Re-attach to the selected key", id=REATTACH, className="btn"),
                    ],
                ),
            ),
            dcc.Store(id=SELECTED, data=fk_id),
            dcc.Store(id=LOADED, data={}),
            dcc.Store(id=TICK, data=0),
            dcc.Store(id=REV, data=""),
            dcc.Interval(id=REFRESH, interval=REFRESH_MS),
        ],
    )


def register_remediation_callbacks(app: Any, loader: Any, handle: StoreHandle) -> None:
    """Register the page's callbacks on ``app`` (see :mod:`ui.remediation_callbacks`)."""
    from ui.remediation_callbacks import register

    register(app, loader, handle)
