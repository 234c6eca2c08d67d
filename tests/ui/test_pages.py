"""Page builders and callback logic, called as plain functions (no browser)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash_ag_grid as dag
import dash_cytoscape as cyto
import pytest
from dash import dcc, html
from dash.development.base_component import Component

from graph.analysis import cascade_chains, headline_figures
from graph.impact import service_impact, summary_sentences
from model.inventory import Inventory
from tests.ui.fixtures import DB, HOSTILE, HOSTILE_SERVICE
from ui import ids
from ui.data import AppData, Loader, build_app_data
from ui.diagnostics import build_diagnostics_page, diagnostic_rows
from ui.elements import table_view
from ui.layout import build_nav, render_page, toggled_present
from ui.overview import HEADLINES, build_overview, format_figure, overview_click
from ui.service_page import build_service_page, chains_for, diagnostics_for, impact_rows
from ui.state import TableFilter, ViewState, parse_url
from ui.tables_graph import build_tables_page, filter_from_controls, update_table_view


def walk(node: Any) -> Iterator[Any]:
    """Every component and string of a layout tree."""
    yield node
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield from walk(getattr(node, "children", None))


def find(node: Any, component_id: str) -> Any:
    return next(c for c in walk(node) if isinstance(c, Component) and getattr(c, "id", None) == component_id)


def texts(node: Any) -> list[str]:
    return [c for c in walk(node) if isinstance(c, str)]


def test_headlines_equal_the_analysis(data: AppData) -> None:
    page = build_overview(data, ViewState())
    expected = headline_figures(data.inventory)
    cards = [c for c in walk(page) if isinstance(c, html.Div) and hasattr(c, "data-figure")]
    got = {getattr(c, "data-figure"): c.children[0].children for c in cards}
    assert list(got) == [k for k, _ in HEADLINES]
    assert got == {k: format_figure(k, expected[k]) for k, _ in HEADLINES}
    assert (
        got["tables"] == "18" and got["cross_service_cascades"] == "12" and got["share_remediated"] == "5.3%"
    )


def test_overview_has_graph_and_matrix(data: AppData) -> None:
    page = build_overview(data, ViewState(expanded=("auth",)))
    graph = find(page, ids.SERVICE_GRAPH)
    assert isinstance(graph, cyto.Cytoscape)
    assert graph.layout["name"] == "preset"
    clusters = [e for e in graph.elements if e.get("classes") == "cluster"]
    assert [e["data"]["service"] for e in clusters] == ["auth"]
    matrix = find(page, ids.MATRIX)
    assert isinstance(matrix, dcc.Graph)
    heat = matrix.figure.data[0]  # type: ignore[attr-defined]
    assert list(heat.x) == ["auth", "content", "experiments", "messaging", "stories", "streaming"]
    assert heat.z[1][0] == 5 and heat.z[4][1] == 1 and sum(map(sum, heat.z)) == 18


def test_overview_click_toggles(data: AppData) -> None:
    state = ViewState()
    tap = {"data": {"id": "s0", "kind": "service", "service": "auth"}}
    new, elements = overview_click(data, state, tap) or (None, [])
    assert new is not None and new.expanded == ("auth",)
    assert sum(1 for e in elements if e["data"].get("parent") == "s0") == 3
    again = overview_click(data, new, {"data": {"id": "s0", "kind": "cluster", "service": "auth"}})
    assert again is not None and again[0].expanded == ()
    assert overview_click(data, new, {"data": {"id": "t3", "kind": "table", "service": "auth"}}) is None
    assert overview_click(data, new, None) is None


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


def test_tables_page_initialised_from_url(data: AppData) -> None:
    state = parse_url("/tables", f"?cross=1&del=CASCADE&focus={DB}:public.posts&hops=2&layout=cose")
    page = build_tables_page(data, state)
    assert find(page, ids.FILTER_CROSS).value == ["cross"]
    assert find(page, ids.FILTER_ON_DELETE).value == ["CASCADE"]
    assert find(page, ids.FILTER_FOCUS).value == f"{DB}:public.posts"
    assert find(page, ids.FILTER_HOPS).value == 2
    graph = find(page, ids.TABLE_GRAPH)
    assert graph.elements == []  # sent by the filter callback when the page is inserted
    assert find(page, ids.FILTER_LAYOUT).value == "cose"
    first = update_table_view(data, state, state.filter, "cose", drawn=False)
    assert first is not None
    payload, _sheet, stats, _options, search = first
    assert payload["layout"]["name"] == "cose"
    assert getattr(stats, "data-edges") == str(sum("source" in e["data"] for e in payload["elements"]))
    assert search == f"?cross=1&del=CASCADE&focus={DB.replace('/', '%2F')}%3Apublic.posts&hops=2&layout=cose"
    assert getattr(find(page, ids.TABLE_STATS).children, "data-edges") == getattr(stats, "data-edges")


def test_filter_change_updates_graph_and_url(data: AppData) -> None:
    state = parse_url("/tables", "")
    flt = filter_from_controls([], ["cross"], ["CASCADE"], ["declared", "inferred"], None, 1)
    assert flt == TableFilter(cross_only=True, on_delete=("CASCADE",))
    result = update_table_view(data, state, flt, "preset")
    assert result is not None
    payload, _sheet, stats, options, search = result
    assert sum("source" in e["data"] for e in payload["elements"]) == 12
    assert getattr(stats, "data-edges") == "12"
    assert payload["layout"]["name"] == "preset" and "dagre" in [o["value"] for o in options]
    assert set(payload["bbox"]) == {"x1", "y1", "x2", "y2"}
    assert search == "?cross=1&del=CASCADE"
    # the controls reporting what the URL already says changes nothing
    assert update_table_view(data, parse_url("/tables", search), flt, "preset") is None


def test_focus_options_are_searched_not_listed(data: AppData) -> None:
    from ui.tables_graph import focus_options

    assert focus_options(data, "", None) == []
    assert focus_options(data, "", f"{DB}:public.posts") == [
        {"label": "public.posts · content", "value": f"{DB}:public.posts"}
    ]
    found = [o["label"] for o in focus_options(data, "sto", None)]
    assert found == [
        "public.stories · stories",
        "public.story_close_friends · stories",
        "public.story_views · stories",
    ]
    assert len(focus_options(data, "e", None, limit=5)) == 5


def test_nav_keeps_presentation_mode() -> None:
    links = build_nav(ViewState(page="tables", present=True))
    assert [link.href for link in links] == [
        "/?present=1",
        "/tables?present=1",
        "/diagnostics?present=1",
        "/remediation?present=1",
    ]
    assert [link.className for link in links] == ["nav-link", "nav-link current", "nav-link", "nav-link"]
    assert toggled_present("/tables", "?cross=1&present=1") == "?cross=1"


def test_render_page_routes(data: AppData, inventory: Inventory) -> None:
    loader = Loader.from_inventory(inventory)
    for path, cls in [("/", "overview"), ("/tables", "tables-page"), ("/diagnostics", "diagnostics-page")]:
        page, stop = render_page(loader, path, "")
        assert page.className == cls and stop is True
    page, _ = render_page(loader, "/service/content", "")
    assert page.className == "service-page"
    page, _ = render_page(loader, "/nope", "")
    assert "Page not found" in texts(page)


def test_loading_then_error_panels() -> None:
    import threading

    gate = threading.Event()

    def slow() -> Inventory:
        gate.wait(5)
        raise ValueError("cannot open /srv/missing")

    loader = Loader(slow, background=True, label="/srv/missing").start()
    page, stop = render_page(loader, "/", "")
    assert stop is False and "Scanning…" in texts(page)
    gate.set()
    assert loader.wait(5)
    page, stop = render_page(loader, "/", "")
    assert stop is True and page.id == ids.ERROR_PANEL
    assert "ValueError: cannot open /srv/missing" in texts(page)
    assert not any("Traceback" in t for t in texts(page))


def test_hostile_names_stay_text(hostile_inventory: Inventory) -> None:
    data = build_app_data(hostile_inventory)
    pages = [
        build_overview(data, ViewState(expanded=(HOSTILE_SERVICE,))),
        build_tables_page(data, ViewState(page="tables")),
        build_service_page(data, ViewState(page="service", service=HOSTILE_SERVICE)),
        build_service_page(data, ViewState(page="service", service="auth")),
        build_diagnostics_page(data, ViewState(page="diagnostics")),
    ]
    for page in pages:
        for c in walk(page):
            assert not isinstance(c, dcc.Markdown)
            if isinstance(c, Component):
                assert not getattr(c, "dangerously_allow_html", False)
                assert not getattr(c, "dangerously_allow_code", False)
            if isinstance(c, dag.AgGrid):
                for col in c.columnDefs:
                    assert "cellRenderer" not in col
    view = table_view(data, TableFilter())
    assert HOSTILE in [e["data"].get("label") for e in view.elements]
    assert "/service/%3Cscript%3Ealert%282%29%3C%2Fscript%3E" in [
        getattr(c, "href", None) for c in walk(pages[0])
    ]
    heat = find(pages[0], ids.MATRIX).figure.data[0]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in list(heat.x)


@pytest.mark.parametrize("present", [False, True])
def test_presentation_class(present: bool) -> None:
    from ui.layout import root_class

    assert ("present" in root_class(ViewState(present=present))) is present
