"""The aggregated table graph's state in the URL: its opened services and threshold (ui.pages.tables_lod)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from dash import no_update

from tests.ui.components import find
from tests.ui.fixtures import generated
from ui import ids
from ui.data import build_app_data, service_of
from ui.lod import LOD_CHOICES, LOD_TABLES, aggregate_id
from ui.pages.tables_graph import build_tables_page, filter_change, update_table_view
from ui.pages.tables_lod import change_detail, open_service
from ui.state import ON_DELETE_KINDS, ORIGINS, TableFilter, parse_url, view_key

BIG = build_app_data(generated(LOD_TABLES + 300, 12))
MIDDLE = build_app_data(generated(1200, 10))


def _tap(service: str) -> dict[str, str]:
    return {"id": aggregate_id(BIG, service), "kind": "aggregate", "service": service}


def _tables_of(elements: list[dict[str, Any]], service: str) -> int:
    """Tables of ``service`` drawn one by one (their owner read from the graph, not the element)."""
    ids_of = {i: r for r, i in BIG.table_ids.items()}
    tables = [e["data"]["id"] for e in elements if e["data"].get("kind") == "table"]
    return len([i for i in tables if service_of(BIG.graph.nodes[ids_of[i]]["table"]) == service])


def test_opening_services_writes_them_into_the_url_in_order() -> None:
    state = parse_url("/tables", "?dropped=1&zoom=2&at=5,6&present=1")
    first = open_service(BIG, state, _tap("svc_03"))
    assert first is not None
    payload, stats, search = first
    assert getattr(stats, "data-aggregated") == str(12 - 1)
    # the view moves to the opened service: the link's pan and zoom are dropped
    assert search == "?dropped=1&open=svc_03&present=1"
    assert payload["show"] is not None and payload["key"] == "/tables?dropped=1&open=svc_03"
    assert _tables_of(payload["elements"], "svc_03") > 0
    second = open_service(BIG, parse_url("/tables", search), _tap("svc_07"))
    assert second is not None
    assert parse_qs(second[2].lstrip("?"))["open"] == ["svc_03", "svc_07"]
    assert getattr(second[1], "data-aggregated") == str(12 - 2)
    # a service already open, a table or nothing tapped: no change
    assert open_service(BIG, parse_url("/tables", search), _tap("svc_03")) is None
    assert open_service(BIG, state, {"id": "t1", "kind": "table"}) is None
    assert open_service(BIG, state, None) is None


def test_the_urls_opened_services_are_drawn_on_insertion_and_kept_by_a_filter() -> None:
    state = parse_url("/tables", "?open=svc_03&open=svc_07")
    inserted = update_table_view(BIG, state, state.filter, "preset", drawn=False)
    assert inserted is not None
    payload, _sheet, stats, _options, search = inserted
    assert _tables_of(payload["elements"], "svc_03") > 0 and _tables_of(payload["elements"], "svc_07") > 0
    assert getattr(stats, "data-aggregated") == str(12 - 2)
    assert search == "?open=svc_03&open=svc_07"
    kinds = list(ON_DELETE_KINDS)
    changed = filter_change(
        BIG, "/tables", search, {"drawn": 1}, [], ["cross"], kinds, list(ORIGINS), None, 1, "preset"
    )
    assert changed is not None
    assert changed[-1] == "?cross=1&open=svc_03&open=svc_07"
    assert _tables_of(changed[0]["elements"], "svc_07") > 0
    assert view_key(parse_url("/tables", changed[-1])) == "/tables?cross=1&open=svc_03&open=svc_07"


def test_the_threshold_control_aggregates_smaller_views_and_rides_in_the_url() -> None:
    state = parse_url("/tables", "")
    page = build_tables_page(MIDDLE, state)
    control = find(page, ids.FILTER_LOD)
    assert control.value == LOD_TABLES and [o["value"] for o in control.options] == list(LOD_CHOICES)
    lowered = change_detail(MIDDLE, state, 1000)
    assert lowered is not None
    payload, sheet, stats, search = lowered
    assert search == "?lod=1000"
    assert getattr(stats, "data-aggregated") == "10" and getattr(stats, "data-tables") == "1200"
    assert all(e["data"].get("kind") != "table" for e in payload["elements"])
    assert sheet is no_update  # as many tables in the view: the same stylesheet
    # the link draws the same; asking for what the URL says changes nothing
    again = parse_url("/tables", search)
    assert find(build_tables_page(MIDDLE, again), ids.FILTER_LOD).value == 1000
    assert change_detail(MIDDLE, again, 1000) is None
    first = update_table_view(MIDDLE, again, TableFilter(), "preset", drawn=False)
    assert first is not None and first[0]["elements"] == payload["elements"]
    # back to the default: the parameter goes
    restored = change_detail(MIDDLE, again, LOD_TABLES)
    assert restored is not None and restored[-1] == ""
    assert getattr(restored[2], "data-aggregated") == "0"


def test_a_threshold_out_of_range_is_held_within_it() -> None:
    assert (
        find(build_tables_page(MIDDLE, parse_url("/tables", "?lod=99999")), ids.FILTER_LOD).value
        == LOD_TABLES
    )
    small = find(build_tables_page(MIDDLE, parse_url("/tables", "?lod=3")), ids.FILTER_LOD)
    assert small.value == LOD_CHOICES[0]
    assert change_detail(MIDDLE, parse_url("/tables", ""), "junk") is None
