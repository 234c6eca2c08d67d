"""The diagnostics page: every problem met while reading, errors first."""

from __future__ import annotations

from tests.ui.components import find
from tests.ui.fixtures import DB
from ui import ids
from ui.data import AppData
from ui.pages.diagnostics import build_diagnostics_page, diagnostic_rows
from ui.state import ViewState


def test_diagnostics_page(data: AppData) -> None:
    page = build_diagnostics_page(data, ViewState(page="diagnostics"))
    grid = find(page, ids.DIAG_GRID)
    assert [r["severity"] for r in grid.rowData] == ["error", "warning"]
    assert grid.rowData[0] == {
        "severity": "error",
        "code": "parse-error",
        "location": f"{DB}/052_add_post_share_and_bookmark.sql:7",
        "message": "syntax error at or near ')'",
        "excerpt": "share_via VARCHAR(50),)",
    }
    assert grid.defaultColDef["filter"] is True
    assert diagnostic_rows([]) == []
