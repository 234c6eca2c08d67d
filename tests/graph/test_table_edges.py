"""table_edges: the nodes and edges of build_graph without the graph; headline figures counted on either."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from exports.scan_json import scan_document
from graph.analysis import headline_figures
from graph.build import build_graph, table_edges
from model.inventory import ForeignKey, Inventory, Location, Service, Table, TableRef
from ownership.scan import scan
from tests.graph.fkmap_seed import seed_inventory
from tests.graph.synthetic import synthetic_inventory
from tests.hostile import hostile_inventory

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"


def _odd_inventory() -> Inventory:
    """Aliases, an alias as a dependent table, FKs into tables no one lists, dropped ends, a service cycle."""
    r = {n: TableRef("db", "public", n) for n in ("a", "b", "c", "d", "gone")}
    stub = Table(TableRef("other", "public", "a"), external=True, resolved_to=r["a"], service="x")
    tables = (
        Table(r["a"], service="x"),
        Table(r["b"], service="y", replica_of="x"),
        Table(r["c"], service="z"),
        Table(r["gone"], service="z", dropped_at=Location("9.sql", 1)),
        stub,
    )
    fks = (
        ForeignKey("b_a", r["b"], ("a",), stub.ref, ("id",), on_delete="CASCADE"),
        ForeignKey("a_c", r["a"], ("c",), r["c"], ("id",)),
        ForeignKey("c_b", r["c"], ("b",), r["b"], ("id",), dropped_at=Location("5.sql", 2)),
        ForeignKey("c_a", r["c"], ("a",), r["a"], ("id",), added_at=Location("3.sql", 4)),
        ForeignKey("d_x", r["d"], ("x",), TableRef("db", "public", "nowhere"), ("id",)),
        ForeignKey("stub_c", stub.ref, ("c",), r["c"], ("id",), origin="inferred"),
        ForeignKey("gone_a", r["gone"], ("a",), r["a"], ("id",), dropped_at=Location("9.sql", 1)),
    )
    return Inventory(tables=tables, foreign_keys=fks, services=(Service("w", "declared only"),))


def _inventories() -> dict[str, Inventory]:
    return {"seed": seed_inventory(), "synthetic": synthetic_inventory(300, 9), "odd": _odd_inventory()}


@pytest.mark.parametrize("name", ["seed", "synthetic", "odd"])
@pytest.mark.parametrize("include_dropped", [False, True])
@pytest.mark.parametrize("origins", [("declared", "inferred"), ("declared",)])
def test_table_edges_are_the_graphs_nodes_and_edges(
    name: str, include_dropped: bool, origins: tuple[str, ...]
) -> None:
    inv = _inventories()[name]
    G = build_graph(inv, include_dropped=include_dropped, origins=origins)
    found = table_edges(inv, include_dropped=include_dropped, origins=origins)
    assert list(found.nodes) == list(G.nodes)
    assert all(G.nodes[ref]["table"] == t for ref, t in found.nodes.items())
    assert sorted(((u, v, d["fk"].name) for u, v, d in found.edges), key=repr) == sorted(
        ((u, v, d["fk"].name) for u, v, d in G.edges(data=True)), key=repr
    )
    by_fk = {d["fk"]: d for _, _, d in G.edges(data=True)}
    assert all(by_fk[d["fk"]] == d for _, _, d in found.edges)
    assert found.services == G.graph["services"]


@pytest.mark.parametrize("name", ["seed", "synthetic", "odd"])
def test_headline_figures_are_the_same_without_a_graph(name: str) -> None:
    inv = _inventories()[name]
    figures = headline_figures(inv)
    assert figures == headline_figures(build_graph(inv, include_dropped=True))
    assert figures == headline_figures(table_edges(inv, include_dropped=True))
    assert figures["foreign_keys"] and figures["cross_service_fks"]


def test_odd_inventory_figures() -> None:
    f = headline_figures(_odd_inventory())
    # a_c (x->z) and c_a (z->x) cross and loop; b_a (y's copy of x's data, into x's table through the
    # alias) crosses; the inferred stub_c, out of the alias (a node of its own as a dependent), crosses too
    # but is counted apart, never as a cross-service FK
    assert (f["cross_service_fks"], f["inferred_references"], f["service_cycles"], f["services"]) == (
        3,
        1,
        1,
        4,
    )
    assert (f["cross_service_dropped"], f["tables"]) == (2, 3)  # c_b and gone_a; a, b, c


@pytest.mark.parametrize("which", ["demo", "hostile"])
def test_scan_document_builds_no_table_graph(
    which: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    inv = scan([str(DEMO)]) if which == "demo" else hostile_inventory(tmp_path)
    expected = scan_document(inv)
    G = build_graph(inv, include_dropped=True)
    assert expected["summary"] == {**expected["summary"], **headline_figures(G)}

    def no_graph(*args: object, **kwargs: object) -> None:
        raise AssertionError("the scan document built a MultiDiGraph")

    monkeypatch.setattr(nx.MultiDiGraph, "__init__", no_graph)
    assert scan_document(inv) == expected
