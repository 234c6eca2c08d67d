"""Saved layouts and URL views without a browser: view keys, viewports, node names, the store round trip
(real SQLite file), the table payload, Back/Forward's page render, and ``infer`` through the app factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app import Settings, create_app
from model.inventory import Inventory
from remediation.handle import StoreHandle
from remediation.store import open_store
from tests.ui.test_app import page, strings
from ui import ids
from ui.data import AppData
from ui.layouts import SavedLayouts, apply_positions, moved_positions, node_names
from ui.pages.overview import build_overview, overview_click
from ui.pages.tables_graph import filter_change
from ui.state import ON_DELETE_KINDS, ORIGINS, history_url, parse_url, to_search, view_key


@pytest.mark.parametrize(
    ("path", "search", "key"),
    [
        ("/", "", "/"),
        ("/", "?expand=auth&present=1&zoom=2&at=1,2", "/?expand=auth"),
        ("/tables", "?cross=1&zoom=0.5&at=-3.5,7", "/tables?cross=1"),
        ("/tables", "?zoom=0.5&at=-3.5,7&cross=1&present=1", "/tables?cross=1"),
        ("/service/auth", "?zoom=2&at=0,0", "/service/auth"),
    ],
    ids=["overview", "overview-zoomed", "tables", "tables-reordered", "service-no-viewport"],
)
def test_view_key_leaves_out_pan_zoom_and_presentation(path: str, search: str, key: str) -> None:
    assert view_key(parse_url(path, search)) == key


@pytest.mark.parametrize(
    ("search", "viewport"),
    [
        ("?zoom=1.5&at=10,-20", (1.5, 10.0, -20.0)),
        ("?zoom=99&at=0,0", (10.0, 0.0, 0.0)),  # clamped
        ("?zoom=nan&at=0,0", None),
        ("?zoom=1&at=0", None),
        ("?zoom=1&at=a,b", None),
        ("?zoom=1&at=1e9,0", None),
        ("?zoom=1", None),
    ],
    ids=["ok", "clamped", "nan", "one-coordinate", "text", "far", "no-at"],
)
def test_a_viewport_comes_from_the_url_or_not_at_all(
    search: str, viewport: tuple[float, float, float] | None
) -> None:
    state = parse_url("/tables", search)
    assert state.viewport == viewport
    assert parse_url("/tables", to_search(state)) == state  # what is written reads back the same


def test_the_viewport_is_written_where_the_browser_writes_it() -> None:
    """``assets/uistate.js`` puts zoom and at before present: the server must write the same order, or the
    page would push a new history entry for a query that only changed its order."""
    state = parse_url("/tables", "?cross=1&zoom=2&at=1.25,-3&present=1")
    assert to_search(state) == "?cross=1&zoom=2&at=1.25%2C-3&present=1"


def test_history_render_uses_the_url_back_landed_on() -> None:
    assert history_url({"pathname": "/tables", "search": "?cross=1"}, "/tables", "?x", True) == (
        "/tables",
        "?cross=1",
    )
    assert history_url(None, "/", "", True) == ("/", "")


def test_node_names_are_stable_and_cover_tables_and_services(data: AppData) -> None:
    names = node_names(data)
    assert names["s0"] == f"service:{data.services[0]}"
    users = next(i for ref, i in data.table_ids.items() if ref.name == "users")
    assert names[users].startswith("table:") and names[users].endswith(".users")
    assert len(set(names.values())) == len(names)


def test_moved_positions_keep_only_known_nodes_and_numbers(data: AppData) -> None:
    moved = {
        "s0": [1.5, -2],
        "t0": [3, 4],
        "nope": [0, 0],
        "s1": ["x", 1],
        "s2": [float("inf"), 0],
        "s3": [1],
    }
    assert moved_positions(data, moved) == {
        f"service:{data.services[0]}": (1.5, -2.0),
        node_names(data)["t0"]: (3.0, 4.0),
    }
    assert moved_positions(data, "junk") == {} and moved_positions(data, None) == {}


def test_positions_round_trip_through_a_real_store(data: AppData, tmp_path: Path) -> None:
    layouts = SavedLayouts(StoreHandle(str(tmp_path / "state.db")))
    done = layouts.save(data, "/tables", "?cross=1&zoom=3&at=0,0", {"s0": [10, 20], "t1": [5, 6]}, "ann")
    assert (done.key, done.saved, done.refusal) == ("/tables?cross=1", 2, "")
    assert layouts.by_id(data, "/tables?cross=1") == {"s0": (10.0, 20.0), "t1": (5.0, 6.0)}
    assert layouts.by_id(data, "/tables") == {}
    store = open_store(str(tmp_path / "state.db"))
    store.save_layout(
        "/tables?cross=1", {"table:gone:public.nothing": (1, 1)}, who="x"
    )  # a table no longer scanned
    assert set(layouts.by_id(data, "/tables?cross=1")) == {"s0", "t1"}
    assert layouts.reset("/tables", "?cross=1&present=1").saved == -3
    assert store.layout("/tables?cross=1") == {}


def test_a_store_that_cannot_be_opened_costs_the_layout_not_the_page(data: AppData, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 200)
    layouts = SavedLayouts(StoreHandle(str(junk)))
    assert layouts.by_id(data, "/") == {}
    refused = layouts.save(data, "/", "", {"s0": [1, 1]}, "ann")
    assert refused.saved == 0 and refused.refusal.startswith("Layout not saved: ")


ALL = list(ON_DELETE_KINDS)


def _payload(data: AppData, search: str, drawn: Any, cross: bool, saved: Any = None) -> Any:
    return filter_change(
        data, "/tables", search, drawn, [], ["cross"] if cross else [], ALL, list(ORIGINS), None, 1, "preset",
        saved=saved,
    )  # fmt: skip


def test_the_table_payload_keeps_the_links_viewport_and_places_saved_nodes(data: AppData) -> None:
    asked: list[str] = []

    def saved(key: str) -> dict[str, tuple[float, float]]:
        asked.append(key)
        return {"t3": (1.0, 2.0)}

    first = _payload(data, "?cross=1&zoom=2&at=5,6", None, True, saved)  # page insertion: the link's view
    assert first[0]["viewport"] == [2.0, 5.0, 6.0] and first[0]["key"] == "/tables?cross=1"
    assert first[0]["saved"] == {"t3": {"x": 1.0, "y": 2.0}} and asked == ["/tables?cross=1"]
    assert first[-1] is not None and not isinstance(first[-1], str)  # the URL is left as it is (no_update)
    changed = _payload(data, "?cross=1&zoom=2&at=5,6", {"drawn": 1}, False, saved)  # a filter change
    assert changed[0]["viewport"] is None and changed[0]["key"] == "/tables"
    assert changed[-1] == ""  # the new view is fitted: no zoom in its URL
    assert _payload(data, "?cross=1&zoom=2&at=5,6", {"drawn": 1}, True) is None  # nothing changed


def test_the_overview_draws_saved_positions_and_a_tap_fits_the_new_view(data: AppData) -> None:
    state = parse_url("/", "?zoom=2&at=0,0")
    page_ = build_overview(data, state, lambda key: {"s0": (123.0, 456.0)} if key == "/" else {})
    graph = next(c for c in _walk(page_) if getattr(c, "id", None) == ids.SERVICE_GRAPH)
    node = next(e for e in graph.elements if e["data"]["id"] == "s0")
    assert node["position"] == {"x": 123.0, "y": 456.0}
    tap = {"data": {"id": "s0", "kind": "service", "service": data.services[0]}}
    result = overview_click(data, state, tap, lambda key: {})
    assert result is not None and result[0].viewport is None and result[0].expanded == (data.services[0],)
    original = [{"data": {"id": "s0"}, "position": {"x": 0, "y": 0}}]
    assert apply_positions(original, {"s0": (1, 2)}) != original and original[0]["position"] == {
        "x": 0,
        "y": 0,
    }


def _walk(node: Any) -> list[Any]:
    from tests.ui.components import walk

    return list(walk(node))


def test_the_page_render_after_back_follows_the_store_of_history(tmp_path: Path) -> None:
    """Back/Forward within one page: the page callback renders the view of the URL it landed on."""
    from tests.ui.fixtures import six_services
    from tests.ui.test_app import update

    client = create_app(inventory=six_services(), state=str(tmp_path / "s.db")).server.test_client()
    back = {"n": 1, "pathname": "/tables", "search": "?cross=1"}
    r = update(
        client,
        [(ids.PAGE, "children"), (ids.POLL, "disabled")],
        [
            {"id": ids.URL, "property": "pathname", "value": "/tables"},
            {"id": ids.POLL, "property": "n_intervals", "value": None},
            {"id": ids.HISTORY, "property": "data", "value": back},
        ],
        [{"id": ids.URL, "property": "search", "value": "?cross=1&del=CASCADE"}],  # not yet updated
        changed=[f"{ids.HISTORY}.data"],
    )
    assert r.status_code == 200
    checks = _find_prop(r.get_json()["response"], ids.FILTER_CROSS)
    ticked = _find_prop(r.get_json()["response"], ids.FILTER_ON_DELETE)
    assert checks == ["cross"] and ticked == ALL  # the ticks of ?cross=1, not of the stale search


def _find_prop(node: Any, wanted: str) -> Any:
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == wanted:
            return props.get("value")
        for value in node.values():
            found = _find_prop(value, wanted)
            if found is not None:
                return found
    if isinstance(node, list):
        for value in node:
            found = _find_prop(value, wanted)
            if found is not None:
                return found
    return None


# ------------------------------------------------------------------------------------ infer (#16 item 9)
def _repo(root: Path) -> Path:
    for service, sql in {
        "auth": "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
        "billing": "CREATE TABLE invoices (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL);\n",
    }.items():
        folder = root / "services" / service / "migrations"
        folder.mkdir(parents=True)
        (folder / "001.sql").write_text(sql)
    return root


@pytest.mark.parametrize("infer", [False, True], ids=["default", "infer"])
def test_create_app_infers_references_only_when_asked(tmp_path: Path, infer: bool) -> None:
    app = create_app([str(_repo(tmp_path / "repo"))], infer=infer, state=str(tmp_path / "s.db"))
    loader = app.server.config["FKMAP_LOADER"]
    assert loader.wait(30)
    origins = [fk.origin for fk in loader.data.inventory.foreign_keys]
    assert origins == (["inferred"] if infer else [])
    shown = strings(page(app.server.test_client(), "/"))
    assert ("Inferred references (no constraint)" in shown) is infer


def test_fkmap_infer_in_the_environment() -> None:
    assert Settings.from_env({"FKMAP_INFER": "1"}).infer
    assert Settings.from_env({"FKMAP_INFER": "yes"}).infer
    assert not Settings.from_env({"FKMAP_INFER": "0"}).infer
    assert not Settings.from_env({}).infer


def test_an_empty_inventory_has_no_layout_to_apply(tmp_path: Path) -> None:
    from ui.data import build_app_data

    empty = build_app_data(Inventory())
    assert SavedLayouts(StoreHandle(str(tmp_path / "s.db"))).by_id(empty, "/") == {}


def test_showing_a_graph_creates_no_store(data: AppData, tmp_path: Path) -> None:
    """The dashboard touches the store only when something is saved (or the remediation page is shown)."""
    target = tmp_path / "later" / "state.db"
    layouts = SavedLayouts(StoreHandle(str(target)))
    assert layouts.by_id(data, "/") == {} and not target.exists()
    assert layouts.save(data, "/", "", {"s0": [1, 2]}, "ann").saved == 1 and target.exists()
    assert layouts.by_id(data, "/") == {"s0": (1.0, 2.0)}
