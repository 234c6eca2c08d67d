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
#: The legend the in-browser pictures draw (:func:`exports.legend.screen_legend_data`).
EXPORT_LEGEND = "fk-export-legend"

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

# --- uiremed ---
#: The ticked keys of the remediation grid, each with the record version the grid showed.
REM_CHOSEN = "rem-chosen"
#: "Mark anyway": saves a mark that contradicts the sources (shown only after the warning).
REM_CONFIRM = "rem-confirm"
#: The plan's progress: keys left against the target dates of the plan.
REM_PLAN = "rem-plan"
#: The service page's remediation card: its service (input) and its content (phases per key).
SERVICE_REM = "fk-service-rem"
SERVICE_REM_NAME = "fk-service-rem-name"

# --- uiinspect ---
#: The table graph's search box (a plain text input: typing never round-trips through the server).
FOCUS_SEARCH = "fk-focus-search"
#: The tables matching the search, a short in-flow list of buttons under the box.
FOCUS_RESULTS = "fk-focus-results"
#: Pattern-matching id type of a result: ``{"type": FOCUS_PICK, "table": "t12"}`` (the table's short id).
FOCUS_PICK = "fk-focus-pick"
#: The chosen focus table shown under the box, with its clear button.
FOCUS_CHOSEN = "fk-focus-chosen"
FOCUS_CLEAR = "fk-focus-clear"
#: The overview's selection panel: the tapped arrow's FKs, or a table of an expanded service.
EDGE_DETAILS = "fk-edge-details"
#: The dark-mode toggle in the header (the choice is kept in the browser's localStorage).
THEME_TOGGLE = "fk-theme-toggle"
#: The table graph's minimap canvas and its wrapper.
MINIMAP = "fk-minimap"

# --- uiscale ---
#: How many of the strongest couplings a large overview draws (0: all).
OVERVIEW_TOP = "fk-overview-top"
#: The ranked list of dependencies leading a large overview.
OVERVIEW_RANKED = "fk-overview-ranked"
#: The table graph's level-of-detail threshold: above how many tables services are one node each.
FILTER_LOD = "fk-filter-lod"

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
