"""Cytoscape elements: service graph, expansion, table view filters, positions, cache."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from graph.analysis import service_graph
from tests.ui.fixtures import DB, generated, six_services
from ui.data import AppData, build_app_data
from ui.elements import (
    DAGRE_MAX,
    SMALL_VIEW,
    cytoscape_layout,
    layout_options,
    table_options,
    table_view,
)
from ui.service_elements import service_elements
from ui.state import TableFilter


def nodes(elements: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    return [e for e in elements if "source" not in e["data"]]


def edges(elements: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    return [e for e in elements if "source" in e["data"]]


def by_label(data: AppData, elements: Any) -> dict[str, str]:
    return {e["data"]["id"]: e["data"]["label"].split("\n")[0] for e in nodes(elements)}


def _weights(S: Any) -> list[tuple[str, str, int, int, int]]:
    return [(a, b, d["weight"], d["declared"], d["inferred"]) for a, b, d in S.edges(data=True)]


def test_collapsed_service_graph(data: AppData) -> None:
    els = service_elements(data)
    names = by_label(data, els)
    assert sorted(names.values()) == ["auth", "content", "experiments", "messaging", "stories", "streaming"]
    got = {
        (names[e["data"]["source"]], names[e["data"]["target"]], e["data"]["origin"]): (
            e["data"]["count"],
            e["classes"],
        )
        for e in edges(els)
    }
    assert got == {
        ("content", "auth", "declared"): (5, "cascade"),
        ("experiments", "auth", "declared"): (3, "cascade"),
        # the inferred reference has an edge of its own, dashed: never a RESTRICT-coloured FK
        ("experiments", "auth", "inferred"): (1, "restrict inferred"),
        ("messaging", "auth", "declared"): (2, "cascade"),
        ("stories", "auth", "declared"): (4, "cascade"),
        ("stories", "content", "declared"): (1, "setnull"),
        ("streaming", "auth", "declared"): (2, "cascade"),
    }
    S = service_graph(data.graph)
    for origin in ("declared", "inferred"):
        assert {(a, b): n for a, b, n in S.edges(data=origin) if n} == {
            (a, b): v[0] for (a, b, o), v in got.items() if o == origin
        }
    assert all(w == d + i for _, _, w, d, i in _weights(S))
    sizes = {names[e["data"]["id"]]: e["data"]["size"] for e in nodes(els)}
    assert sizes["content"] > sizes["auth"] > sizes["streaming"]
    assert all("position" in e for e in nodes(els))


def test_edge_colour_and_width_follow_danger(data: AppData) -> None:
    els = service_elements(data)
    widths = {e["data"]["count"]: e["data"]["width"] for e in edges(els)}
    assert widths[5] > widths[4] > widths[2] > widths[1]


def test_expanding_a_service_shows_its_tables(data: AppData) -> None:
    els = service_elements(data, ["auth"])
    auth = next(e for e in nodes(els) if e["data"]["label"].startswith("auth"))
    assert auth["classes"] == "cluster" and "position" not in auth
    children = [e["data"]["label"] for e in nodes(els) if e["data"].get("parent") == auth["data"]["id"]]
    assert sorted(children) == ["sessions", "user_profiles", "users"]
    labels = by_label(data, els)
    pairs: Counter[tuple[str, str]] = Counter()
    for e in edges(els):
        pairs[labels[e["data"]["source"]], labels[e["data"]["target"]]] += e["data"]["count"]
    assert pairs["content", "users"] == 5
    assert pairs["experiments", "sessions"] == 1  # the inferred reference
    assert pairs["experiments", "users"] == 3
    assert pairs["sessions", "users"] == 1 and pairs["user_profiles", "users"] == 1
    internal = [e for e in edges(els) if "internal" in e["classes"]]
    assert len(internal) == 2
    # parents come before their children (Cytoscape needs it)
    order = [e["data"]["id"] for e in els]
    for e in nodes(els):
        if "parent" in e["data"]:
            assert order.index(e["data"]["parent"]) < order.index(e["data"]["id"])


def test_collapsing_restores_the_service_graph(data: AppData) -> None:
    assert service_elements(data, []) == service_elements(data, ())
    assert len(nodes(service_elements(data, ["auth", "messaging"]))) == 6 + 3 + 3
    assert service_elements(data, ["nope"]) == service_elements(data)


@pytest.mark.parametrize("expanded", [(), ("auth",), ("auth", "content", "stories")])
def test_ids_are_unique(data: AppData, expanded: tuple[str, ...]) -> None:
    ids = [e["data"]["id"] for e in service_elements(data, expanded)]
    assert len(ids) == len(set(ids))


def ref_of(name: str) -> str:
    return f"{DB}:public.{name}"


@pytest.mark.parametrize(
    ("flt", "tables", "fks", "cross", "clusters"),
    [
        (TableFilter(), 18, 28, 18, 6),
        (TableFilter(cross_only=True), 16, 18, 18, 6),
        (TableFilter(cross_only=True, include_dropped=True), 17, 19, 19, 6),
        (TableFilter(on_delete=("SET NULL",)), 6, 4, 4, 5),
        (TableFilter(origins=("declared",)), 18, 27, 17, 6),
        (TableFilter(origins=("inferred",)), 2, 1, 1, 2),
        (TableFilter(services=("streaming",)), 3, 3, 2, 2),
        (TableFilter(focus=ref_of("users")), 17, 27, 18, 6),
        (TableFilter(focus=ref_of("messages")), 2, 1, 0, 1),
        (TableFilter(focus=ref_of("messages"), hops=2), 4, 4, 2, 2),
        (TableFilter(focus="no:such.table"), 18, 28, 18, 6),
    ],
    ids=[
        "all",
        "cross",
        "cross+dropped",
        "set-null",
        "declared",
        "inferred",
        "streaming",
        "focus-users",
        "focus-messages",
        "focus-messages-2",
        "unknown-focus",
    ],
)
def test_table_view_filters(
    data: AppData, flt: TableFilter, tables: int, fks: int, cross: int, clusters: int
) -> None:
    view = table_view(data, flt)
    assert (view.tables, view.edges, view.cross, view.clusters) == (tables, fks, cross, clusters)
    table_nodes = [e for e in nodes(view.elements) if e["data"]["kind"] == "table"]
    assert len(table_nodes) == tables
    assert len(edges(view.elements)) == fks


def test_table_view_elements_are_well_formed(data: AppData) -> None:
    view = table_view(data, TableFilter(include_dropped=True))
    ids = [e["data"]["id"] for e in view.elements]
    assert len(ids) == len(set(ids))
    node_ids = {e["data"]["id"] for e in nodes(view.elements)}
    for e in edges(view.elements):
        assert {e["data"]["source"], e["data"]["target"]} <= node_ids
    tables = [e for e in nodes(view.elements) if e["data"]["kind"] == "table"]
    spots = {(e["position"]["x"], e["position"]["y"]) for e in tables}
    assert len(spots) == len(tables), "two tables on the same spot"
    dropped = [e for e in edges(view.elements) if "dropped" in e["classes"]]
    assert len(dropped) == 1
    inferred = [e for e in edges(view.elements) if "inferred" in e["classes"]]
    assert len(inferred) == 1
    cascade = [e for e in edges(view.elements) if e["classes"].startswith("cross cascade")]
    assert len(cascade) == 12
    assert all(e["data"]["parent"].startswith("c") for e in tables)


def test_table_view_is_cached_per_fingerprint(data: AppData) -> None:
    flt = TableFilter(cross_only=True, hops=3)
    first = table_view(data, flt)
    twin = build_app_data(six_services())  # another object, same content
    hits = table_view.cache_info().hits
    assert table_view(twin, flt) is first
    assert table_view.cache_info().hits == hits + 1


def test_table_options_list_every_table(data: AppData) -> None:
    options = table_options(data)
    assert len(options) == 18
    assert {"label": "public.users · auth", "value": ref_of("users")} in options


def test_layout_choice_depends_on_size() -> None:
    small = [o["value"] for o in layout_options(DAGRE_MAX)]
    assert small == ["preset", "cose", "concentric", "breadthfirst", "grid", "circle", "dagre"]
    medium = [o["value"] for o in layout_options(DAGRE_MAX + 1)]
    assert "dagre" not in medium and "cose" in medium
    assert [o["value"] for o in layout_options(SMALL_VIEW + 1)] == ["preset", "grid", "circle"]
    assert cytoscape_layout("dagre", 2000)["name"] == "preset"
    assert cytoscape_layout("cose", 50) == {
        "name": "cose",
        "animate": False,
        "nodeDimensionsIncludeLabels": True,
        "randomize": False,
    }


def test_two_thousand_tables_view_is_placed_and_cached() -> None:
    """Placement at 2,000 tables; its speed is measured by ``make bench`` (no timing asserted here)."""
    data = build_app_data(generated(2000))
    view = table_view(data, TableFilter())
    assert view.tables == 2000 and view.clusters == 40
    assert view.large
    tables = [e for e in nodes(view.elements) if e["data"]["kind"] == "table"]
    assert len({(e["position"]["x"], e["position"]["y"]) for e in tables}) == 2000
    # no compound nodes at this size: clusters are plain rectangles drawn behind their tables
    assert not any("parent" in e["data"] for e in tables)
    clusters = [e for e in nodes(view.elements) if e["data"]["kind"] == "cluster"]
    assert {e["classes"] for e in clusters} == {"cluster flat"}
    for c in clusters:
        inside = [t for t in tables if t["data"]["service"] == c["data"]["service"]]
        for t in inside:
            assert abs(t["position"]["x"] - c["position"]["x"]) <= c["data"]["cw"] / 2
            assert abs(t["position"]["y"] - c["position"]["y"]) <= c["data"]["ch"] / 2
    assert view.bbox is not None and view.bbox["x1"] < view.bbox["x2"]
    assert table_view(data, TableFilter()) is view  # the same filter is computed once
