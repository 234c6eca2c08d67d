"""Component ids, one constant each, so layout, callbacks and tests agree."""

from __future__ import annotations

__all__ = [
    "DETAILS",
    "DIAG_GRID",
    "DIAG_QUICK",
    "ERROR_PANEL",
    "FILTER_CROSS",
    "FILTER_FOCUS",
    "FILTER_HOPS",
    "FILTER_LAYOUT",
    "FILTER_ON_DELETE",
    "FILTER_ORIGIN",
    "FILTER_SERVICES",
    "FILTER_STATE",
    "HEADLINES",
    "IMPACT_EXPORT",
    "IMPACT_GRID",
    "MATRIX",
    "NAV",
    "PAGE",
    "PRESENT_TOGGLE",
    "ROOT",
    "SERVICE_DIAG_GRID",
    "SERVICE_GRAPH",
    "TABLE_DRAWN",
    "TABLE_GRAPH",
    "TABLE_PAYLOAD",
    "TABLE_STATS",
    "URL",
]

ROOT = "fk-root"
URL = "fk-url"
NAV = "fk-nav"
PAGE = "fk-page"
PRESENT_TOGGLE = "fk-present-toggle"
ERROR_PANEL = "fk-error"

# overview
HEADLINES = "fk-headlines"
SERVICE_GRAPH = "fk-service-graph"
DETAILS = "fk-details"
MATRIX = "fk-matrix"

# table-level graph
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

# service page
IMPACT_GRID = "fk-impact-grid"
IMPACT_EXPORT = "fk-impact-export"
SERVICE_DIAG_GRID = "fk-service-diag-grid"

# diagnostics
DIAG_GRID = "fk-diag-grid"
DIAG_QUICK = "fk-diag-quick"
