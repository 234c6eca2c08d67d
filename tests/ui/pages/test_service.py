"""The service page: every FK crossing the boundary, consequences, cascades, its diagnostics."""

from __future__ import annotations

import dash_ag_grid as dag

from graph.analysis import cascade_chains
from graph.impact import service_impact, summary_sentences
from tests.ui.components import find, texts
from tests.ui.fixtures import DB
from ui import ids
from ui.data import AppData
from ui.pages.service import build_service_page, chains_for, diagnostics_for, impact_rows
from ui.state import ViewState


def test_service_page_lists_every_crossing_fk(data: AppData) -> None:
    rows = impact_rows(data, "messaging")
    assert rows == [
        {
            "direction": "leaves",
            "other_service": "auth",
            "source": "public.conversation_participants.user_id",
            "target": "public.users.id",
            "on_delete": "CASCADE",
            "state": "present",
            "origin": "declared",
            "defined_at": f"{DB}/018_messaging_schema.sql:13",
            "name": "conversation_participants_user_id_fkey",
        },
        {
            "direction": "leaves",
            "other_service": "auth",
            "source": "public.conversations.created_by",
            "target": "public.users.id",
            "on_delete": "NO ACTION",
            "state": "present",
            "origin": "declared",
            "defined_at": f"{DB}/018_messaging_schema.sql:5",
            "name": "conversations_created_by_fkey",
        },
        {
            "direction": "leaves",
            "other_service": "auth",
            "source": "public.messages.sender_id",
            "target": "public.users.id",
            "on_delete": "NO ACTION",
            "state": "dropped",
            "origin": "declared",
            "defined_at": f"{DB}/018_messaging_schema.sql:21",
            "name": "messages_sender_id_fkey",
        },
    ]
    auth = impact_rows(data, "auth")
    impact = service_impact(data.graph, "auth")
    assert len(auth) == len(impact.incoming) == 18  # 17 present + 1 dropped
    assert {r["direction"] for r in auth} == {"enters"}


def test_service_page_content(data: AppData) -> None:
    page = build_service_page(data, ViewState(page="service", service="auth"))
    grid = find(page, ids.IMPACT_GRID)
    assert isinstance(grid, dag.AgGrid)
    assert grid.rowData == impact_rows(data, "auth")
    assert grid.csvExportParams == {"fileName": "fkmap-auth-impact.csv"}
    assert grid.defaultColDef["sortable"] and grid.defaultColDef["filter"]
    words = texts(page)
    for sentence in summary_sentences(service_impact(data.graph, "auth")):
        assert sentence in words
    assert [c.root.name for c in chains_for(data, "auth")] == ["users"]
    assert chains_for(data, "auth") == [c for c in cascade_chains(data.graph) if "auth" in c.services]


def test_service_diagnostics_come_from_its_files(data: AppData) -> None:
    assert [d.code for d in diagnostics_for(data, "stories")] == ["unsupported"]
    assert diagnostics_for(data, "auth") == []
    page = build_service_page(data, ViewState(page="service", service="stories"))
    grid = find(page, ids.SERVICE_DIAG_GRID)
    assert grid.rowData[0]["location"] == f"{DB}/019_stories_schema.sql:40"


def test_unknown_service_page(data: AppData) -> None:
    page = build_service_page(data, ViewState(page="service", service="nope"))
    assert "Unknown service" in texts(page)
