"""Ownership on the pages: the overview banner and figure, table details, service tables, shared tables."""

from __future__ import annotations

import dash_ag_grid as dag
import pytest
from dash import html

from tests.ui.components import find, texts, walk
from tests.ui.ownership_fixtures import DB, FILE, only_unowned, owned_and_unowned
from ui import ids
from ui.data import AppData, build_app_data
from ui.pages.overview import UNOWNED_HEADLINE, build_overview
from ui.pages.service import build_service_page
from ui.pages.service_tables import shared_rows, table_rows
from ui.pages.table_details import DETAILS_HINT, build_table_details, details_from_rows, details_from_tap
from ui.pages.tables_graph import build_tables_page
from ui.pages.unowned import DOUBT, build_unowned_banner
from ui.state import ViewState, parse_url


@pytest.fixture(scope="module")
def owned() -> AppData:
    return build_app_data(owned_and_unowned())


def _figure(page: object, key: str) -> str:
    card = next(c for c in walk(page) if isinstance(c, html.Div) and getattr(c, "data-figure", None) == key)
    return str(card.children[0].children)


def test_banner_points_at_fkmap_init(owned: AppData) -> None:
    page = build_overview(owned, ViewState())
    banner = find(page, ids.UNOWNED_BANNER)
    words = texts(banner)
    assert "4 foreign keys point into 2 tables no service owns" in words
    assert "fkmap init acme -o fkmap.toml" in words
    assert ", review and commit it." in words
    assert DOUBT not in words  # 3 cross-service FKs were found: no doubt about a 0
    link = next(c for c in walk(banner) if getattr(c, "href", None))
    assert parse_url(link.href.split("?")[0], "?" + link.href.split("?")[1]).filter.services == (
        "(unassigned)",
    )
    assert page.children[0] is banner  # at the top
    assert _figure(page, UNOWNED_HEADLINE[0]) == "4"
    assert _figure(page, "cross_service_fks") == "3"


def test_banner_doubts_a_zero_cross_service_count() -> None:
    data = build_app_data(only_unowned())
    banner = build_unowned_banner(data, ViewState())
    assert banner is not None
    words = texts(banner)
    assert "2 foreign keys point into 1 table no service owns" in words
    assert "fkmap init 'shop db' -o fkmap.toml" in words
    assert DOUBT in words
    assert _figure(build_overview(data, ViewState()), "cross_service_fks") == "0"


def test_no_banner_when_everything_is_owned(data: AppData) -> None:
    assert build_unowned_banner(data, ViewState()) is None
    page = build_overview(data, ViewState())
    assert not any(getattr(c, "id", None) == ids.UNOWNED_BANNER for c in walk(page))


def test_table_details_show_owner_evidence_columns_and_fks(owned: AppData) -> None:
    ref = owned.by_label[f"{DB}:public.users"]
    panel = build_table_details(owned, ref)
    words = texts(panel)
    assert getattr(panel, "data-table") == f"{DB}:public.users"
    assert "auth" in words  # the owner
    kinds = [
        getattr(li, "data-kind") for li in walk(panel) if isinstance(li, html.Li) and hasattr(li, "data-kind")
    ]
    assert kinds == ["code-write", "code-read"]  # decisive first
    joined = "".join(words)  # paths are split where they may wrap (after each /)
    assert "written by auth (auth/src/users.rs:41)" in words and "auth/src/users.rs:41" in joined
    assert "Columns (2)" in words and "id" in words
    assert "Foreign keys in (2)" in words and "Foreign keys out (0)" in words
    assert "← public.posts (author_id) ON DELETE CASCADE" in words
    assert "Used by other services (3)" in words and "feed/src/follow.js:12" in joined


def test_table_details_of_a_replica_and_an_unowned_table(owned: AppData) -> None:
    replica = texts(build_table_details(owned, owned.by_label[f"{DB}:public.local_users"]))
    assert "a local copy of auth's data" in replica and "Held by" in replica and "feed" in replica
    assert f"{FILE}:51" in "".join(replica)
    unowned = build_table_details(owned, owned.by_label[f"{DB}:public.audit_log"])
    words = texts(unowned)
    assert "no service owns it" in words
    assert "read by feed (feed/src/audit.js:4)" in words  # evidence that decided nothing is still shown
    feed_items = texts(build_table_details(owned, owned.by_label[f"{DB}:public.feed_items"]))
    assert "into a table no service owns" in feed_items


def test_details_from_a_tap_and_a_selected_row(owned: AppData) -> None:
    label = f"{DB}:public.posts"
    tapped = details_from_tap(owned, {"id": "t3", "full": label, "kind": "table"})
    assert tapped is not None and getattr(tapped, "data-table") == label
    assert details_from_tap(owned, {"kind": "cluster", "service": "content"}) is None
    assert details_from_tap(owned, None) is None
    chosen = details_from_rows(owned, [{"id": label, "table": "public.posts"}])
    assert getattr(chosen, "data-table") == label
    assert "Select a table to see why it belongs here." in texts(details_from_rows(owned, []))
    assert "Select a table to see why it belongs here." in texts(details_from_rows(owned, {"ids": []}))


def test_tables_page_has_the_details_panel(owned: AppData) -> None:
    panel = find(build_tables_page(owned, parse_url("/tables", "")), ids.TABLE_DETAILS)
    assert DETAILS_HINT in texts(panel)


def test_service_table_rows_carry_the_decisive_evidence(owned: AppData) -> None:
    rows = table_rows(owned, "feed")
    assert [(r["table"], r["owner"], r["evidence"]) for r in rows] == [
        ("public.feed_items", "feed", "1"),
        ("public.local_users", "auth", "1"),
    ]
    assert rows[1]["why"].startswith("replica-of: a copy of auth's users")
    assert rows[0]["id"] == f"{DB}:public.feed_items"


def test_shared_rows_both_directions(owned: AppData) -> None:
    uses, used_by = shared_rows(owned, "feed")
    assert [(r["table"], r["service"], r["access"], r["at"]) for r in uses] == [
        ("public.posts", "content", "read", "feed/src/timeline.js:88"),
        ("public.users", "auth", "write", "feed/src/follow.js:12"),
    ]
    assert used_by == []
    uses, used_by = shared_rows(owned, "auth")
    assert uses == []
    assert [(r["service"], r["access"], r["at"]) for r in used_by] == [
        ("content", "read", "content/src/authors.rs:30"),
        ("feed", "write", "feed/src/follow.js:12"),
        ("notifier", "read", "notifier/src/main.rs:5"),
    ]


def test_service_page_has_shared_tables_and_tables_grid(owned: AppData) -> None:
    page = build_service_page(owned, ViewState(page="service", service="auth"))
    section = find(page, ids.SHARED_TABLES)
    words = texts(section)
    assert "Shared tables (3)" in words
    assert "auth uses no other service's table." in words
    grid = find(section, ids.SHARED_IN_GRID)
    assert isinstance(grid, dag.AgGrid) and grid.rowData == shared_rows(owned, "auth")[1]
    assert [c["headerName"] for c in grid.columnDefs][1] == "Used by"
    tables = find(page, ids.SERVICE_TABLES_GRID)
    assert tables.rowData == table_rows(owned, "auth")
    assert tables.dashGridOptions["rowSelection"]["mode"] == "singleRow"
    assert tables.getRowId == "params.data.id"
    assert "3 shared-table accesses" in texts(page)
    # a service known only from its code has a page too
    notifier = build_service_page(owned, ViewState(page="service", service="notifier"))
    out = find(notifier, ids.SHARED_OUT_GRID)
    assert [r["at"] for r in out.rowData] == ["notifier/src/main.rs:5"]
    # ... without an Export menu or a table-graph link: it has no table and no FK to draw
    assert "Show in the table graph" not in texts(notifier) and "Show in the table graph" in texts(page)
    assert not any(getattr(c, "id", None) == ids.EXPORT_MENU for c in walk(notifier))
    assert any(getattr(c, "id", None) == ids.EXPORT_MENU for c in walk(page))
