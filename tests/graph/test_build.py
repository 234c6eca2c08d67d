"""build_graph: one node per table, one edge per FK, owners and cross-service flags computed."""

from __future__ import annotations

import copy
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.build import build_graph, edge_target
from model.inventory import ForeignKey, Inventory, Location, Service, Table, TableRef
from tests.graph.fkmap_seed import B, L, ref, seed_inventory


def edge(G: nx.MultiDiGraph, name: str) -> tuple[TableRef, TableRef, dict[str, Any]]:
    found = [(u, v, d) for u, v, d in G.edges(data=True) if d["fk"].name == name]
    assert len(found) == 1, name
    return found[0]


def test_nodes_are_every_table_including_ones_without_fks() -> None:
    G = build_graph(seed_inventory())
    legacy = {n.name for n in G if n.database == L}
    billing = {n.name for n in G if n.database == B}
    assert legacy == {
        "users",
        "sessions",
        "audit_log",
        "posts",
        "streams",
        "viewer_sessions",
        "conversations",
        "conversation_participants",
        "messages",
        "experiments",
        "experiment_assignments",
        "experiment_events",
        "post_shares",
        "bookmarks",
        "post_comments",
    }
    # the external billing users table resolved to legacy users is an alias, not a node
    assert billing == {"customers", "invoices"}
    assert list(G.nodes) == sorted(G.nodes)
    assert G.degree(ref("audit_log")) == 0


def test_node_attributes() -> None:
    inv = seed_inventory()
    G = build_graph(inv)
    customers = G.nodes[ref("customers", B)]
    assert customers["table"] is inv.table(ref("customers", B))
    assert (customers["service"], customers["owner"], customers["external"]) == ("billing", "auth", False)
    assert (G.nodes[ref("audit_log")]["service"], G.nodes[ref("audit_log")]["owner"]) == ("", "")
    assert G.graph == {
        "services": inv.services,
        "include_dropped": False,
        "origins": ("declared", "inferred"),
    }


def test_one_edge_per_fk_with_parallel_edges_kept() -> None:
    G = build_graph(seed_inventory())
    assert G.number_of_edges() == 21  # 22 FKs, one dropped
    names = sorted(d["fk"].name for _, _, d in G.edges(ref("post_shares"), data=True))
    assert names == [
        "post_shares_post_id_fkey",
        "post_shares_shared_with_user_id_fkey",
        "post_shares_user_id_fkey",
    ]
    assert G.number_of_edges(ref("post_shares"), ref("users")) == 2


def test_edge_attributes_of_a_cross_service_fk() -> None:
    G = build_graph(seed_inventory())
    u, v, d = edge(G, "conversation_participants_user_id_fkey")
    assert (u, v) == (ref("conversation_participants"), ref("users"))
    assert {k: val for k, val in d.items() if k != "fk"} == {
        "service": "messaging",
        "ref_service": "auth",
        "cross_service": True,
        "on_delete": "CASCADE",
        "origin": "declared",
        "state": "present",
        "fresh_db_failure": False,
    }


def test_same_service_fk_is_not_cross_service() -> None:
    _, _, d = edge(build_graph(seed_inventory()), "sessions_user_id_fkey")
    assert (d["service"], d["ref_service"], d["cross_service"]) == ("auth", "auth", False)


def test_external_reference_resolves_to_the_defining_table_and_fails_on_fresh_db() -> None:
    G = build_graph(seed_inventory())
    u, v, d = edge(G, "invoices_user_id_fkey")
    assert (u, v) == (ref("invoices", B), ref("users", L))
    assert d["fk"].ref_table == ref("users", B)  # the FK itself is untouched
    assert (d["service"], d["ref_service"], d["cross_service"], d["fresh_db_failure"]) == (
        "billing",
        "auth",
        True,
        True,
    )


def test_fk_into_a_replica_couples_to_the_owner() -> None:
    _, v, d = edge(build_graph(seed_inventory()), "invoices_customer_id_fkey")
    assert v == ref("customers", B)
    assert (d["service"], d["ref_service"], d["cross_service"], d["fresh_db_failure"]) == (
        "billing",
        "auth",
        True,
        False,
    )


def test_unknown_service_is_never_cross_service() -> None:
    a, b = TableRef("db", "public", "a"), TableRef("db", "public", "b")
    inv = Inventory(
        tables=(Table(a), Table(b, service="x")), foreign_keys=(ForeignKey("f", a, ("b",), b, ("id",)),)
    )
    ((_, _, d),) = build_graph(inv).edges(data=True)
    assert (d["service"], d["ref_service"], d["cross_service"]) == ("", "x", False)


def test_dropped_fks_and_tables_only_on_request() -> None:
    a, b = TableRef("db", "public", "a"), TableRef("db", "public", "b")
    gone = Location("db/009_drop.sql", 2)
    inv = Inventory(
        tables=(Table(a), Table(b, dropped_at=gone)),
        foreign_keys=(ForeignKey("a_b_fkey", a, ("b_id",), b, ("id",), dropped_at=gone),),
    )
    now = build_graph(inv)
    assert (list(now.nodes), now.number_of_edges()) == ([a], 0)
    full = build_graph(inv, include_dropped=True)
    assert list(full.nodes) == [a, b]
    assert [d["state"] for _, _, d in full.edges(data=True)] == ["dropped"]
    assert full.graph["include_dropped"] is True


def test_seed_dropped_fk_is_an_edge_with_state_dropped() -> None:
    _, _, d = edge(build_graph(seed_inventory(), include_dropped=True), "experiment_events_user_id_fkey")
    assert (d["state"], d["cross_service"]) == ("dropped", True)


@pytest.mark.parametrize(
    ("origins", "expected"),
    [(("declared",), 20), (("inferred",), 1), ((), 0), (("declared", "inferred"), 21)],
    ids=["declared", "inferred", "none", "both"],
)
def test_origins_filter(origins: tuple[str, ...], expected: int) -> None:
    G = build_graph(seed_inventory(), origins=origins)
    assert G.number_of_edges() == expected
    assert G.number_of_nodes() == 17  # tables stay nodes whatever the filter


def test_inferred_reference_never_fails_on_a_fresh_database() -> None:
    a, users = TableRef("db", "public", "a"), TableRef("db", "public", "users")
    fk = ForeignKey("a_user_ref", a, ("user_id",), users, ("id",), origin="inferred")
    ((_, _, d),) = build_graph(Inventory(tables=(Table(a),), foreign_keys=(fk,))).edges(data=True)
    assert d["fresh_db_failure"] is False


def test_fk_between_tables_the_inventory_lacks_gets_placeholder_nodes() -> None:
    a, b = TableRef("db", "public", "a"), TableRef("db", "public", "b")
    G = build_graph(Inventory(foreign_keys=(ForeignKey("a_b", a, ("b",), b, ("id",)),)))
    assert [(n, G.nodes[n]["external"], G.nodes[n]["table"]) for n in G] == [
        (a, True, Table(a, external=True)),
        (b, True, Table(b, external=True)),
    ]
    ((_, _, d),) = G.edges(data=True)
    assert d["fresh_db_failure"] is True


def test_self_reference_is_a_loop() -> None:
    c = TableRef("db", "public", "comments")
    fk = ForeignKey("comments_parent_id_fkey", c, ("parent_id",), c, ("id",), on_delete="CASCADE")
    G = build_graph(Inventory(tables=(Table(c, service="x"),), foreign_keys=(fk,)))
    assert list(G.edges(keys=True)) == [(c, c, 0)]
    assert G.edges[c, c, 0]["cross_service"] is False


def test_edge_target() -> None:
    inv = seed_inventory()
    by_ref = inv.tables_by_ref()
    fk = next(f for f in inv.foreign_keys if f.name == "invoices_user_id_fkey")
    assert edge_target(fk, by_ref) == ref("users", L)
    fk = next(f for f in inv.foreign_keys if f.name == "posts_user_id_fkey")
    assert edge_target(fk, by_ref) == ref("users", L)


def test_inventory_is_not_modified() -> None:
    inv = seed_inventory()
    before = copy.deepcopy(inv)
    build_graph(inv, include_dropped=True)
    assert inv == before


refs = st.builds(TableRef, st.sampled_from(["d1", "d2"]), st.just("public"), st.sampled_from("abcde"))
fks = st.builds(
    ForeignKey,
    name=st.text(max_size=5),
    table=refs,
    columns=st.tuples(st.text(max_size=3)),
    ref_table=refs,
    ref_columns=st.tuples(st.just("id")),
    on_delete=st.sampled_from(["NO ACTION", "CASCADE", "SET NULL", "RESTRICT", "SET DEFAULT"]),
    dropped_at=st.one_of(st.none(), st.just(Location("x.sql", 1))),
    origin=st.sampled_from(["declared", "inferred"]),
)
tables = st.builds(
    Table,
    ref=refs,
    external=st.booleans(),
    service=st.sampled_from(["", "s1", "s2", "s3"]),
    replica_of=st.sampled_from(["", "s1"]),
    resolved_to=st.one_of(st.none(), refs),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(tables, max_size=8), st.lists(fks, max_size=12), st.booleans())
def test_never_raises_and_keeps_one_edge_per_fk(ts: list[Table], fs: list[ForeignKey], dropped: bool) -> None:
    inv = Inventory(tables=tuple(ts), foreign_keys=tuple(fs), services=(Service("s1"),))
    G = build_graph(inv, include_dropped=dropped)
    assert G.number_of_edges() == sum(1 for f in fs if dropped or f.dropped_at is None)
