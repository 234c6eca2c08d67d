"""The search box, database-qualified labels and the selection details as plain functions (no browser)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from dash import dcc

from model.inventory import Column, ForeignKey, Inventory, Location, Table, TableRef
from tests.ui.components import find, texts, walk
from tests.ui.fixtures import DB
from ui import ids
from ui.data import AppData, build_app_data
from ui.elements import table_options, table_view
from ui.pages.focus_search import build_focus_search, chosen_focus, first_match, pick_value, search_results
from ui.pages.selection import details_from_edge, edge_facts
from ui.pages.service import impact_rows
from ui.pages.service_tables import TABLE_COLUMNS, table_rows
from ui.pages.table_details import details_from_tap
from ui.state import TableFilter

AUTH_USERS = TableRef("auth", "public", "users")
ACCT_USERS = TableRef("accounting", "public", "users")
INVOICES = TableRef("accounting", "public", "invoices")
SESSIONS = TableRef("auth", "public", "sessions")


def collide() -> Inventory:
    """Two databases that both hold a ``users`` table, an FK inside each and one across."""
    at = Location("db/001.sql", 3)
    tables = (
        Table(AUTH_USERS, columns=(Column("id", "bigint", False),), primary_key=("id",), service="auth"),
        Table(SESSIONS, columns=(Column("user_id", "bigint"),), service="auth"),
        Table(
            ACCT_USERS, columns=(Column("id", "bigint", False),), primary_key=("id",), service="accounting"
        ),
        Table(INVOICES, columns=(Column("user_id", "bigint"),), service="accounting"),
    )
    fks = (
        ForeignKey("sessions_user_fk", SESSIONS, ("user_id",), AUTH_USERS, ("id",), "CASCADE", added_at=at),
        ForeignKey("invoices_user_fk", INVOICES, ("user_id",), ACCT_USERS, ("id",), added_at=at),
        ForeignKey("invoices_auth_fk", INVOICES, ("user_id",), AUTH_USERS, ("id",), "SET NULL", added_at=at),
    )
    return Inventory(tables=tables, foreign_keys=fks)


@pytest.fixture(scope="module")
def clash() -> AppData:
    return build_app_data(collide())


# ------------------------------------------------------------------------------------------ search


def test_search_lists_matches_as_buttons_named_by_short_ids(data: AppData) -> None:
    found = search_results(data, "sto")
    assert [b.children for b in found] == [
        "public.stories · stories",
        "public.story_close_friends · stories",
        "public.story_views · stories",
    ]
    stories = TableRef(DB, "public", "stories")
    assert found[0].id == {"type": ids.FOCUS_PICK, "table": data.table_ids[stories]}
    assert all("stor" not in str(b.id["table"]) for b in found)  # no name in an id
    assert search_results(data, "") == [] and search_results(data, "   ") == []
    assert texts(search_results(data, "zzz-nothing")) == ["No table matches."]


def test_search_is_case_insensitive_and_capped(data: AppData) -> None:
    assert [b.children for b in search_results(data, "STORY_V")] == ["public.story_views · stories"]
    assert len(search_results(data, "e", limit=4)) == 4


def test_pick_enter_and_clear_resolve_to_table_labels(data: AppData) -> None:
    stories = TableRef(DB, "public", "stories")
    assert pick_value(data, data.table_ids[stories]) == str(stories)
    assert pick_value(data, "nope") == "" and pick_value(data, None) == ""
    assert first_match(data, "stories") == str(stories)  # a prefix match wins
    assert first_match(data, "") == "" and first_match(data, "zzz") == ""
    chosen = chosen_focus(data, str(stories))
    assert "public.stories · stories" in texts(chosen)
    assert find(chosen, ids.FOCUS_CLEAR).hidden is False
    nothing = chosen_focus(data, "")
    assert find(nothing, ids.FOCUS_CLEAR).hidden is True and texts(nothing) == ["×"]


def test_the_focus_lives_in_a_hidden_input_beside_a_plain_search_box(data: AppData) -> None:
    parts = build_focus_search(data, f"{DB}:public.posts")
    assert find(parts, ids.FILTER_FOCUS).type == "hidden"
    assert find(parts, ids.FILTER_FOCUS).value == f"{DB}:public.posts"
    box = find(parts, ids.FOCUS_SEARCH)
    assert box.type == "search" and box.value == ""
    assert "public.posts · content" in texts(find(parts, ids.FOCUS_CHOSEN))
    assert find(build_focus_search(data, ""), ids.FILTER_FOCUS).value is None


# ------------------------------------------------------------------------------- qualified labels


def _labels(view_elements: Any) -> dict[str, str]:
    return {e["data"]["full"]: e["data"]["label"] for e in view_elements if e["data"].get("kind") == "table"}


def test_graph_labels_carry_the_database_only_where_names_collide(clash: AppData) -> None:
    labels = _labels(table_view(clash, TableFilter()).elements)
    assert labels == {
        str(AUTH_USERS): "auth.users",
        str(ACCT_USERS): "accounting.users",
        str(INVOICES): "invoices",
        str(SESSIONS): "sessions",
    }


def test_no_collision_no_qualification(data: AppData) -> None:
    labels = _labels(table_view(data, TableFilter()).elements)
    assert labels and all("." not in label for label in labels.values())


def test_search_and_service_listings_tell_same_name_tables_apart(clash: AppData) -> None:
    options = {o["value"]: o["label"] for o in table_options(clash)}
    assert options[str(AUTH_USERS)] == "auth.public.users · auth"
    assert options[str(ACCT_USERS)] == "accounting.public.users · accounting"
    assert options[str(INVOICES)] == "public.invoices · accounting"
    rows = {r["id"]: r for r in table_rows(clash, "accounting")}
    assert rows[str(ACCT_USERS)]["table"] == "accounting.public.users"
    assert rows[str(ACCT_USERS)]["database"] == "accounting"
    assert rows[str(INVOICES)]["table"] == "public.invoices"
    assert "database" in [c["field"] for c in TABLE_COLUMNS]
    impact = impact_rows(clash, "accounting")
    assert [(r["source"], r["target"]) for r in impact] == [
        ("public.invoices.user_id", "auth.public.users.id")
    ]


# ------------------------------------------------------------------------------------ selection panel


def _edge_id(data: AppData, name: str) -> str:
    return next(
        eid for (u, v, k), eid in data.edge_ids.items() if data.graph.edges[u, v, k]["fk"].name == name
    )


def test_edge_facts_name_the_key_both_ends_actions_place_and_phase(clash: AppData) -> None:
    facts = dict(edge_facts(clash, _edge_id(clash, "invoices_auth_fk"), lambda fk: f"Phase 1 of {fk.name}"))
    assert facts == {
        "Constraint": "invoices_auth_fk",
        "From": "public.invoices (user_id)",
        "To": "auth.public.users (id)",
        "ON DELETE": "SET NULL",
        "ON UPDATE": "NO ACTION",
        "Origin": "declared",
        "State": "present",
        "Added at": "db/001.sql:3",
        "Phase": "Phase 1 of invoices_auth_fk",
    }
    inside = dict(edge_facts(clash, _edge_id(clash, "invoices_user_fk"), lambda fk: "Phase 1"))
    assert "Phase" not in inside  # within one service there is nothing to remediate
    assert edge_facts(clash, "e999", None) == [] and edge_facts(clash, None, None) == []


def test_edge_panel_links_both_services(clash: AppData) -> None:
    panel = details_from_edge(clash, {"id": _edge_id(clash, "invoices_auth_fk")}, None)
    assert panel is not None
    links: list[Any] = [c for c in walk(panel) if isinstance(c, dcc.Link)]
    assert [(link.children, link.href) for link in links] == [
        ("accounting", "/service/accounting"),
        ("auth", "/service/auth"),
    ]
    assert "cross-service" in texts(panel) and "Phase" not in texts(panel)  # no store: no phase
    assert (
        details_from_edge(clash, {"id": "nope"}, None) is None
        and details_from_edge(clash, None, None) is None
    )


def test_table_panel_lists_the_phase_of_each_cross_service_key(clash: AppData) -> None:
    panel = details_from_tap(clash, {"full": str(AUTH_USERS)}, lambda fk: f"P:{fk.name}")
    assert panel is not None
    shown = texts(panel)
    assert "P:invoices_auth_fk" in shown and "P:sessions_user_fk" not in shown
    assert any("public.invoices (user_id)" in t for t in shown)
    owner: Any = next(c for c in walk(panel) if isinstance(c, dcc.Link))
    assert (owner.children, owner.href) == ("auth", "/service/auth")


def test_phases_come_from_the_store(clash: AppData, tmp_path: Any) -> None:
    from remediation.handle import StoreHandle
    from remediation.service import inventory_view, report_phase_of, save_edit
    from ui.pages.selection import phases

    handle = StoreHandle(str(tmp_path / "state.db"))
    phase_of = phases(clash, handle)
    assert phase_of is not None
    eid = _edge_id(clash, "invoices_auth_fk")
    assert dict(edge_facts(clash, eid, phase_of))["Phase"] == "Phase 0: Not started"
    store = handle.get()
    view = inventory_view(clash.inventory, store)
    [status] = view.statuses
    assert save_edit(store, view, status.id, None, "mark", who="t", phase=1).ok
    phase_of = phases(clash, handle)  # the store is read again on every click
    assert phase_of is not None
    assert dict(edge_facts(clash, eid, phase_of))["Phase"] == "Phase 1: Validation added"
    # the one definition the report uses, key by key
    report = report_phase_of(clash.inventory, store)
    assert all(phase_of(d["fk"]) == report(d["fk"]) for _, _, d in clash.graph.edges(data=True))


def test_no_store_no_phases(clash: AppData, tmp_path: Any) -> None:
    from remediation.handle import StoreHandle
    from ui.pages.selection import phases

    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert phases(clash, StoreHandle(str(tmp_path / "file" / "state.db"))) is None


# ------------------------------------------------------------------------------------------ dark mode


def _rgb(colour: str) -> str:
    """``#5b3a9e`` as the browser writes it in a style attribute: ``rgb(91, 58, 158)``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_dark_stylesheets_swap_every_light_colour_and_keep_the_rules() -> None:
    from ui.dark import DARK_SWAPS, build_theme_toggle, dark_stylesheet
    from ui.theme import DANGER_COLOUR, SERVICE_PALETTE, SHARED_COLOUR, service_stylesheet, table_stylesheet

    for light in (table_stylesheet(large=False), table_stylesheet(large=True), service_stylesheet()):
        dark = dark_stylesheet(light)
        assert [r["selector"] for r in dark] == [r["selector"] for r in light]
        values = {str(v).lower() for r in dark for v in r["style"].values()}
        assert not values & set(DARK_SWAPS), values & set(DARK_SWAPS)  # nothing light is left
        assert light != dark
    # the legend still holds: service and danger colours are never swapped
    assert not set(DARK_SWAPS) & {c.lower() for c in (*SERVICE_PALETTE, *DANGER_COLOUR.values())}
    css = (Path(__file__).resolve().parents[2] / "assets" / "uiinspect.css").read_text(encoding="utf-8")
    assert f'.swatch[style*="{_rgb(SHARED_COLOUR)}"]' in css and DARK_SWAPS[SHARED_COLOUR.lower()] in css
    toggle: Any = build_theme_toggle()
    assert toggle.id == ids.THEME_TOGGLE
    assert json.loads(getattr(toggle, "data-swaps")) == DARK_SWAPS


def test_the_minimap_sits_in_the_table_graph_canvas(data: AppData) -> None:
    from ui.pages.tables_graph import build_tables_page
    from ui.state import parse_url

    page = build_tables_page(data, parse_url("/tables", ""))
    canvas = find(page, ids.MINIMAP)
    assert (canvas.width, canvas.height) == (180, 120)


# ------------------------------------------------------------------------------------- overview selection


def test_an_overview_arrow_stands_for_the_fks_between_its_ends(data: AppData) -> None:
    from graph.build import build_graph
    from ui.elements import node_id
    from ui.pages.selection import build_pair_details, pair_fks

    G = build_graph(data.inventory)  # present FKs only
    expected = sorted(
        d["fk"].name
        for _, _, d in G.edges(data=True)
        if (d["service"], d["ref_service"]) == ("content", "auth")
    )
    arrow = f"{node_id(data, 'content')}-{node_id(data, 'auth')}"
    assert sorted(d["fk"].name for _, _, d in pair_fks(data, arrow)) == expected and expected
    panel: Any = build_pair_details(data, arrow, None)
    assert getattr(panel, "data-count") == str(len(expected))
    # an open service's table as one end: only its own keys
    posts = TableRef(DB, "public", "posts")
    one = pair_fks(data, f"{data.table_ids[posts]}-{node_id(data, 'auth')}")
    assert [u for u, _, _ in one] == [posts] * len(one) and one
    for nothing in ("s0", "s0-s999", "x1-s0", "", f"{node_id(data, 'auth')}-{node_id(data, 'content')}"):
        assert pair_fks(data, nothing) == [], nothing


def test_overview_selection_explains_tables_and_arrows_but_not_services(data: AppData) -> None:
    from ui.pages.selection import overview_selection

    posts = TableRef(DB, "public", "posts")
    table: Any = overview_selection(data, {"id": data.table_ids[posts], "kind": "table"}, None, None)
    assert getattr(table, "data-table") == str(posts)
    assert overview_selection(data, {"id": "s0", "kind": "service"}, None, None) is None
    assert overview_selection(data, None, {"id": "s0-s-7"}, None) is None
