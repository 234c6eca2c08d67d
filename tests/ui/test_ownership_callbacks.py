"""The details callbacks through Flask's test client: a tapped table, a selected row, a tapped cluster."""

from __future__ import annotations

from typing import Any

import pytest

from app import create_app
from tests.ui.ownership_fixtures import DB, owned_and_unowned
from tests.ui.test_app import page, strings, update
from ui import ids


@pytest.fixture(scope="module")
def client() -> Any:
    return create_app(inventory=owned_and_unowned()).server.test_client()


def test_tapping_a_table_fills_the_details(client: Any) -> None:
    node = {"id": "t0", "full": f"{DB}:public.audit_log", "kind": "table"}
    r = update(
        client,
        [(ids.TABLE_DETAILS, "children")],
        [{"id": ids.TABLE_GRAPH, "property": "tapNodeData", "value": node}],
    )
    assert r.status_code == 200
    words = strings(r.get_json()["response"])
    assert "no service owns it" in words and "read by content (content/src/audit.rs:9)" in words


def test_tapping_a_cluster_changes_nothing(client: Any) -> None:
    node = {"id": "c0", "kind": "cluster", "service": "auth"}
    r = update(
        client,
        [(ids.TABLE_DETAILS, "children")],
        [{"id": ids.TABLE_GRAPH, "property": "tapNodeData", "value": node}],
    )
    assert r.status_code == 204


def test_selecting_a_row_of_a_service_table_shows_its_evidence(client: Any) -> None:
    rows = [{"id": f"{DB}:public.posts", "table": "public.posts"}]
    r = update(
        client,
        [(ids.SERVICE_TABLE_DETAILS, "children")],
        [{"id": ids.SERVICE_TABLES_GRID, "property": "selectedRows", "value": rows}],
    )
    words = strings(r.get_json()["response"])
    assert "written by content (content/src/db.rs:12)" in words and "content/src/db.rs:12" in "".join(words)


def test_pages_render_through_the_router(client: Any) -> None:
    overview = strings(page(client, "/"))
    assert "4 foreign keys point into 2 tables no service owns" in overview
    service = strings(page(client, "/service/feed"))
    assert "Shared tables (2)" in service and "feed/src/timeline.js:88" in service
