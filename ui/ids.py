"""Every component id of the dashboard, one constant each, so layout, callbacks and tests agree.

No other module of :mod:`ui` spells an id as a string. ``assets/fkmap.js``
names two of them (:data:`TABLE_GRAPH`, :data:`EXPORT_SVG`); keep it in step.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------- shell
ROOT = "fk-root"
URL = "fk-url"
NAV = "fk-nav"
PAGE = "fk-page"
#: The interval that re-renders the page while a scan runs.
POLL = "fk-poll"
PRESENT_TOGGLE = "fk-present-toggle"
ERROR_PANEL = "fk-error"

# ---------------------------------------------------------------------------------------------- overview
HEADLINES = "fk-headlines"
SERVICE_GRAPH = "fk-service-graph"
DETAILS = "fk-details"
MATRIX = "fk-matrix"
#: The warning above the figures when foreign keys point into tables no service owns.
UNOWNED_BANNER = "fk-unowned-banner"

# ---------------------------------------------------------------------------------------------- table graph
TABLE_GRAPH = "fk-table-graph"
TABLE_STATS = "fk-table-stats"
TABLE_PAYLOAD = "fk-table-payload"
TABLE_DRAWN = "fk-table-drawn"
FILTER_SERVICES = "fk-filter-services"
FILTER_CROSS = "fk-filter-cross"
FILTER_ON_DELETE = "fk-filter-on-delete"
FILTER_ORIGIN = "fk-filter-origin"
FILTER_STATE = "fk-filter-state"
FILTER_FOCUS = "fk-filter-focus"
FILTER_HOPS = "fk-filter-hops"
FILTER_LAYOUT = "fk-filter-layout"
#: The sidebar panel showing the tapped table: owner, evidence, columns, FKs.
TABLE_DETAILS = "fk-table-details"

# ---------------------------------------------------------------------------------------------- service page
IMPACT_GRID = "fk-impact-grid"
IMPACT_EXPORT = "fk-impact-export"
SERVICE_DIAG_GRID = "fk-service-diag-grid"
SERVICE_TABLES_GRID = "fk-service-tables-grid"
SERVICE_TABLE_DETAILS = "fk-service-table-details"
SHARED_TABLES = "fk-shared-tables"
SHARED_OUT_GRID = "fk-shared-out-grid"
SHARED_IN_GRID = "fk-shared-in-grid"

# ---------------------------------------------------------------------------------------------- diagnostics
DIAG_GRID = "fk-diag-grid"
DIAG_QUICK = "fk-diag-quick"

# ---------------------------------------------------------------------------------------------- export menu
EXPORT_MENU = "fk-export-menu"
EXPORT_PNG = "fk-export-png"
EXPORT_SVG = "fk-export-svg"
#: Pattern-matching id type of the server-side buttons: ``{"type": EXPORT_BUTTON, "format": "dot"}``.
EXPORT_BUTTON = "fk-export"
EXPORT_DOWNLOAD = "fk-export-download"
EXPORT_TARGET = "fk-export-target"
EXPORT_SCOPE = "fk-export-scope"
EXPORT_NOTE = "fk-export-note"
EXPORT_STATUS = "fk-export-status"
EXPORT_IMAGE_DONE = "fk-export-image-done"

# ---------------------------------------------------------------------------------------------- shared ingest
INGEST_PANEL = "fk-ingest"
INGEST_BAR = "fk-ingest-bar"
INGEST_TEXT = "fk-ingest-text"
INGEST_GO = "fk-ingest-go"
INGEST_DONE = "fk-ingest-done"
INGEST_RUNNING = "fk-ingest-running"

# ---------------------------------------------------------------------------------------------- remediation
REM_SERVICE = "rem-service"
REM_WHO = "rem-who"
REM_SUMMARY = "rem-summary"
REM_PROGRESS = "rem-progress"
REM_AXIS = "rem-axis"
REM_BURNDOWN = "rem-burndown"
REM_GRID = "rem-grid"
REM_SELECTED = "rem-selected"
REM_DETAIL = "rem-detail"
REM_LOADED = "rem-loaded"
REM_PHASE = "rem-phase"
REM_NOTE = "rem-note"
REM_LINK = "rem-link"
REM_MARK = "rem-mark"
REM_UNMARK = "rem-unmark"
REM_OWNER = "rem-owner"
REM_TARGET = "rem-target"
REM_POLICY = "rem-policy"
REM_SAVE = "rem-save"
#: The editor's status line; a callback writing it changes the store (editors only, :mod:`ui.auth`).
REM_MESSAGE = "rem-message"
REM_TICK = "rem-tick"
REM_REV = "rem-rev"
REM_REFRESH = "rem-refresh"
REM_SNAP_NAME = "rem-snap-name"
REM_SNAP_SAVE = "rem-snap-save"
REM_SNAP_PICK = "rem-snap-pick"
REM_DELTA = "rem-delta"
REM_SQL_KIND = "rem-sql-kind"
REM_SQL = "rem-sql"
REM_ORPHANS = "rem-orphans"
REM_REATTACH_PICK = "rem-reattach-pick"
REM_REATTACH = "rem-reattach"

# --- uistate ---
# assets/uistate.js names HISTORY, LAYOUT_MOVED, TABLE_GRAPH and SERVICE_GRAPH; keep it in step.
#: Bumped by ``assets/uistate.js`` on Back/Forward: the page is rendered again from the URL.
HISTORY = "fk-history"
#: The nodes a drag moved (element id -> [x, y]), from ``assets/uistate.js``.
LAYOUT_MOVED = "fk-layout-moved"
#: What the last save or reset of a layout did (:class:`ui.layouts.LayoutSaved`).
LAYOUT_SAVED = "fk-layout-saved"
#: "Reset layout" on the graph pages: forget the view's saved positions.
LAYOUT_RESET = "fk-layout-reset"
