"""The overview's ownership elements: the "unowned" node, the dashed edges into it, dotted shared access."""

from __future__ import annotations

from typing import Any

import pytest

from model.inventory import Inventory
from ownership.summary import unowned_summary
from tests.ui.ownership_fixtures import only_unowned, owned_and_unowned
from ui.data import AppData, build_app_data
from ui.elements import node_id, services_graph
from ui.ownership_elements import UNOWNED_ID
from ui.service_elements import service_elements
from ui.theme import service_stylesheet
from ui.unowned import init_command, unowned_of


@pytest.fixture(scope="module")
def owned() -> AppData:
    return build_app_data(owned_and_unowned())


def _by_class(elements: list[dict[str, Any]], cls: str) -> list[dict[str, Any]]:
    return [e for e in elements if cls in e.get("classes", "").split()]


def test_unowned_figures_agree_with_the_summary(owned: AppData) -> None:
    u = unowned_of(owned)
    assert (u.tables, u.fks_into) == unowned_summary(owned.inventory) == (2, 4)
    assert u.by_service == (("content", 2), ("feed", 1))  # the fourth runs between two unowned tables
    assert u.cross_service_fks == 3 and not u.cross_count_doubtful
    doubtful = unowned_of(build_app_data(only_unowned()))
    assert (doubtful.tables, doubtful.fks_into, doubtful.cross_service_fks) == (1, 2, 0)
    assert doubtful.cross_count_doubtful
    clean = unowned_of(build_app_data(Inventory()))
    assert not clean.any and not clean.cross_count_doubtful


def test_init_command_names_the_sources() -> None:
    assert init_command(owned_and_unowned()) == "fkmap init acme -o fkmap.toml"
    assert init_command(only_unowned()) == "fkmap init 'shop db' -o fkmap.toml"
    assert init_command(Inventory()) == "fkmap init <sources> -o fkmap.toml"


def test_unowned_node_and_edges(owned: AppData) -> None:
    elements = service_elements(owned)
    [node] = _by_class(elements, "unowned")[:1]
    assert node["data"]["id"] == UNOWNED_ID
    assert node["data"]["label"] == "unowned (2 tables)"
    assert node["data"]["kind"] == "unowned"
    edges = [e for e in _by_class(elements, "unowned") if "source" in e["data"]]
    got = {(e["data"]["source"], e["data"]["target"], e["data"]["count"]) for e in edges}
    assert got == {
        (node_id(owned, "content"), UNOWNED_ID, 2),
        (node_id(owned, "feed"), UNOWNED_ID, 1),
    }
    # it sits apart from every service node
    positions = {e["data"]["id"]: e["position"] for e in elements if "position" in e}
    x, y = positions[UNOWNED_ID]["x"], positions[UNOWNED_ID]["y"]
    for name in services_graph(owned).nodes:
        p = positions[node_id(owned, name)]
        assert abs(p["x"] - x) + abs(p["y"] - y) > 60


def test_expanded_service_draws_table_edges_into_unowned(owned: AppData) -> None:
    elements = service_elements(owned, ("content",))
    sources = sorted(e["data"]["source"] for e in _by_class(elements, "unowned") if "source" in e["data"])
    content_tables = {owned.table_ids[r] for r in owned.table_ids if r.name in ("posts", "comments")}
    assert set(sources) == content_tables | {node_id(owned, "feed")}


def test_no_unowned_node_when_everything_is_owned(data: AppData) -> None:
    elements = service_elements(data)
    assert _by_class(elements, "unowned") == []
    assert _by_class(elements, "shared") == []


def test_shared_access_is_dotted_edges(owned: AppData) -> None:
    elements = service_elements(owned)
    shared = {
        (e["data"]["source"], e["data"]["target"]): e["data"]["label"] for e in _by_class(elements, "shared")
    }

    def n(service: str) -> str:
        return node_id(owned, service)

    assert shared == {
        (n("feed"), n("content")): "reads 1",
        (n("feed"), n("auth")): "writes 1",
        (n("content"), n("auth")): "reads 1",
        (n("notifier"), n("auth")): "reads 1",
    }
    # notifier holds no table but is a service of the graph: its code uses auth's users
    assert services_graph(owned).nodes["notifier"]["tables"] == 0
    assert "notifier" in owned.services
    # with auth expanded the edges end at the users table itself
    expanded = service_elements(owned, ("auth",))
    users = next(owned.table_ids[r] for r in owned.table_ids if r.name == "users")
    assert {e["data"]["target"] for e in _by_class(expanded, "shared")} == {users, n("content")}


def test_stylesheet_styles_the_ownership_elements() -> None:
    sheet = {rule["selector"]: rule["style"] for rule in service_stylesheet()}
    assert sheet["node.unowned"]["border-style"] == "dashed"
    assert sheet["edge.unowned"]["line-style"] == "dashed"
    assert sheet["edge.shared"]["line-style"] == "dotted"
    selectors = [rule["selector"] for rule in service_stylesheet()]
    assert selectors.index("edge.shared") > selectors.index("edge.cascade")  # wins over the danger colours
