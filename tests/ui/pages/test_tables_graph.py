"""The table graph page: controls from the URL, filter changes, the table search."""

from __future__ import annotations

from tests.ui.components import find
from tests.ui.fixtures import DB
from ui import ids
from ui.data import AppData
from ui.pages.tables_graph import build_tables_page, filter_from_controls, update_table_view
from ui.state import TableFilter, parse_url


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
    from ui.pages.tables_graph import focus_options

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
