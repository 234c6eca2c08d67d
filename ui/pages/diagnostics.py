"""The diagnostics page: every problem met while reading, with path:line and excerpt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from dash import dcc, html

from model.inventory import Diagnostic
from ui import ids
from ui.data import AppData
from ui.pages.common import text_grid
from ui.state import ViewState

__all__ = [
    "DIAG_COLUMNS",
    "build_diagnostics_page",
    "diagnostic_rows",
    "diagnostics_grid",
    "quick_filter_options",
]

DIAG_COLUMNS = [
    {"field": "severity", "headerName": "Severity", "width": 120},
    {"field": "code", "headerName": "Code", "width": 150},
    {"field": "location", "headerName": "Where (path:line)", "flex": 2, "minWidth": 260},
    {"field": "message", "headerName": "Message", "flex": 3, "minWidth": 280},
    {"field": "excerpt", "headerName": "Excerpt", "flex": 2, "minWidth": 220},
]
_RANK = {"error": 0, "warning": 1, "info": 2}


def diagnostic_rows(diagnostics: Iterable[Diagnostic]) -> list[dict[str, str]]:
    """Grid rows, errors first, then by place.

    >>> diagnostic_rows([Diagnostic("info", "m", "a.sql", 3, "x", "c")])[0]["location"]
    'a.sql:3'
    """
    ordered = sorted(diagnostics, key=lambda d: (_RANK.get(d.severity, 3), d.path, d.line, d.message))
    return [
        {
            "severity": d.severity,
            "code": d.code,
            "location": str(d.location) if d.path else "",
            "message": d.message,
            "excerpt": d.excerpt,
        }
        for d in ordered
    ]


GRID_OPTIONS: dict[str, Any] = {"animateRows": False, "tooltipShowDelay": 300}


def quick_filter_options(text: str | None) -> dict[str, Any]:
    """Grid options that filter every column by ``text``.

    >>> quick_filter_options(" users ")["quickFilterText"]
    'users'
    """
    return {**GRID_OPTIONS, "quickFilterText": (text or "").strip()}


def diagnostics_grid(rows: list[dict[str, str]], *, grid_id: str = ids.DIAG_GRID, height: int = 560) -> Any:
    """A filterable, sortable grid of diagnostics (cells are plain text)."""
    return text_grid(grid_id, rows, DIAG_COLUMNS, options=dict(GRID_OPTIONS), height=f"{height}px")


def build_diagnostics_page(data: AppData, state: ViewState) -> html.Div:
    """Counts per severity, a quick filter box and the grid of every diagnostic."""
    diags = data.inventory.diagnostics
    counts = Counter(d.severity for d in diags)
    return html.Div(
        className="diagnostics-page",
        children=[
            html.Div(
                className="card",
                children=[
                    html.Div(
                        className="card-title-row",
                        children=[
                            html.H3(f"Diagnostics ({len(diags)})", className="card-title"),
                            html.Div(
                                className="severity-counts",
                                children=[
                                    html.Span(
                                        f"{counts.get(s, 0)} {s}{'s' if counts.get(s, 0) != 1 else ''}",
                                        className=f"tag {s}",
                                    )
                                    for s in ("error", "warning", "info")
                                ],
                            ),
                            dcc.Input(
                                id=ids.DIAG_QUICK,
                                type="search",
                                placeholder="Filter all columns…",
                                debounce=True,
                                className="quick-filter",
                            ),
                        ],
                    ),
                    html.P(
                        "A diagnostic never stops a scan: the statement is skipped and reading goes on.",
                        className="muted",
                    ),
                    diagnostics_grid(diagnostic_rows(diags)),
                ],
            )
        ],
    )
