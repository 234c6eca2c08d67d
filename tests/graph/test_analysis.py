"""Analysis of the table graph: exact FKs, service edges, cycles, cascade trees, blast radius, figures."""

from __future__ import annotations

from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.analysis import (
    CascadeChain,
    blast_radius,
    cascade_chains,
    cross_service_fks,
    headline_figures,
    service_cycles,
    service_graph,
)
from graph.build import build_graph
from graph.impact import service_impact, summary_sentences
from model.inventory import ForeignKey, Inventory, Location, Service, Table, TableRef
from tests.graph.builders import fk, tiny
from tests.graph.fkmap_seed import SENTENCES, B, ref, seed_inventory


def snapshot(G: nx.MultiDiGraph) -> tuple[Any, ...]:
    return (dict(G.graph), list(G.nodes(data=True)), list(G.edges(keys=True, data=True)))


# -- cross_service_fks ------------------------------------------------------------------------------


def test_cross_service_fks_exact(G: nx.MultiDiGraph) -> None:
    assert [f.name for f in cross_service_fks(G)] == [
        "bookmarks_user_id_fkey",
        "conversation_participants_user_id_fkey",
        "conversations_created_by_fkey",
        "experiment_assignments_user_id_fkey",
        "experiments_created_by_fkey",
        "messages_sender_id_fkey",
        "post_shares_shared_with_user_id_fkey",
        "post_shares_user_id_fkey",
        "posts_user_id_fkey",
        "streams_broadcaster_id_fkey",
        "streams_moderator_id_ref",
        "users_avatar_post_id_fkey",
        "viewer_sessions_viewer_id_fkey",
        # services/billing/migrations sorts after legacy/migrations
        "invoices_customer_id_fkey",
        "invoices_user_id_fkey",
    ]


def test_cross_service_fks_lists_dropped_ones_when_the_graph_has_them(G_all: nx.MultiDiGraph) -> None:
    names = {f.name for f in cross_service_fks(G_all)} - {
        f.name for f in cross_service_fks(build_graph(seed_inventory()))
    }
    assert names == {"experiment_events_user_id_fkey"}


# -- service_graph ----------------------------------------------------------------------------------


def test_service_graph_edges_and_counts(G_all: nx.MultiDiGraph) -> None:
    S = service_graph(G_all)  # dropped FKs are in the graph but do not couple
    edges = {
        (u, v): (d["weight"], d["cascade"], d["set_null"], d["set_default"], d["restrict"], d["no_action"])
        for u, v, d in S.edges(data=True)
    }
    assert edges == {
        ("auth", "content"): (1, 0, 1, 0, 0, 0),
        ("billing", "auth"): (2, 1, 0, 0, 0, 1),
        ("content", "auth"): (4, 3, 1, 0, 0, 0),
        ("experiments", "auth"): (2, 1, 1, 0, 0, 0),
        ("messaging", "auth"): (3, 1, 0, 0, 0, 2),
        ("streaming", "auth"): (3, 1, 1, 0, 0, 1),
    }
    assert [f.name for f in S.edges["messaging", "auth"]["fks"]] == [
        "conversation_participants_user_id_fkey",
        "conversations_created_by_fkey",
        "messages_sender_id_fkey",
    ]
    assert dict(S.nodes(data="tables")) == {
        "auth": 2,
        "billing": 2,
        "content": 4,
        "experiments": 3,
        "messaging": 3,
        "streaming": 2,
    }


def test_service_graph_excludes_same_service_edges_and_keeps_known_empty_services() -> None:
    G = tiny(fk("a_b", "a", "b"), services={"a": "x", "b": "x"})
    S = service_graph(G)
    assert (list(S.nodes(data="tables")), list(S.edges)) == ([("x", 2)], [])
    inv = Inventory(tables=(Table(TableRef("db", "public", "a"), service="x"),), services=(Service("idle"),))
    assert dict(service_graph(build_graph(inv)).nodes(data="tables")) == {"idle": 0, "x": 1}


# -- service_cycles ----------------------------------------------------------------------------------


def test_service_cycles_of_the_seed(G: nx.MultiDiGraph) -> None:
    assert service_cycles(G) == [("auth", "content")]


def test_service_cycles_rotated_to_smallest_and_sorted() -> None:
    G = tiny(
        fk("c_a", "c", "a"),
        fk("a_b", "a", "b"),
        fk("b_c", "b", "c"),
        fk("y_x", "y", "x"),
        fk("x_y", "x", "y"),
        fk("z_a", "z", "a"),  # z depends on the loop but is not part of it
        services={"a": "zeta", "b": "alpha", "c": "mid", "x": "q2", "y": "q1", "z": "outside"},
    )
    # loops: zeta -> alpha -> mid -> zeta (so alpha -> mid -> zeta) and q1 <-> q2
    assert service_cycles(G) == [("alpha", "mid", "zeta"), ("q1", "q2")]


def test_service_cycles_ignore_dropped_fks() -> None:
    gone: dict[str, Any] = {"dropped_at": Location("db/9.sql", 1)}
    G = build_graph(
        Inventory(
            tables=(
                Table(TableRef("db", "public", "a"), service="x"),
                Table(TableRef("db", "public", "b"), service="y"),
            ),
            foreign_keys=(fk("a_b", "a", "b"), fk("b_a", "b", "a", **gone)),
        ),
        include_dropped=True,
    )
    assert service_cycles(G) == []


# -- cascade_chains -----------------------------------------------------------------------------------


def test_cascade_chains_of_the_seed(G_all: nx.MultiDiGraph) -> None:
    chains = cascade_chains(G_all)  # the dropped experiment_events FK cascades nothing
    assert [(c.root, c.service, c.services) for c in chains] == [
        (ref("users"), "auth", ("auth", "content", "messaging", "experiments", "streaming")),
        (ref("customers", B), "billing", ("billing",)),
    ]
    users = chains[0]
    assert [
        (s.parent.name, s.table.name, [f.name for f in s.fks], s.depth, s.cross_service) for s in users.steps
    ] == [
        ("users", "bookmarks", ["bookmarks_user_id_fkey"], 1, True),
        ("users", "conversation_participants", ["conversation_participants_user_id_fkey"], 1, True),
        ("users", "experiment_assignments", ["experiment_assignments_user_id_fkey"], 1, True),
        ("users", "post_shares", ["post_shares_user_id_fkey"], 1, True),
        ("users", "posts", ["posts_user_id_fkey"], 1, True),
        ("users", "sessions", ["sessions_user_id_fkey"], 1, False),
        ("users", "streams", ["streams_broadcaster_id_fkey"], 1, True),
        ("posts", "post_comments", ["post_comments_post_id_fkey"], 2, False),
    ]
    assert [s.table.name for s in users.crossing] == [
        "bookmarks",
        "conversation_participants",
        "experiment_assignments",
        "post_shares",
        "posts",
        "streams",
    ]
    (step,) = chains[1].steps
    assert (step.table, step.service, step.cross_service) == (ref("invoices", B), "billing", True)


def test_cascade_chain_crossing_deep_in_the_tree_with_parallel_fks() -> None:
    G = tiny(
        fk("orders_users", "orders", "users", "CASCADE"),
        fk("lines_orders", "lines", "orders", "CASCADE"),
        ForeignKey(
            "shipments_line_b",
            TableRef("db", "public", "shipments"),
            ("b",),
            TableRef("db", "public", "lines"),
            ("id",),
            on_delete="CASCADE",
        ),
        fk("shipments_line_a", "shipments", "lines", "CASCADE"),
        fk("shipments_orders", "shipments", "orders", "SET NULL"),
        fk("self", "lines", "lines", "CASCADE"),
        services={"users": "shop", "orders": "shop", "lines": "shop", "shipments": "delivery"},
    )
    chains = cascade_chains(G)
    assert [c.root.name for c in chains] == ["lines", "orders", "users"]
    users = chains[2]
    assert [(s.table.name, [f.name for f in s.fks], s.depth, s.cross_service) for s in users.steps] == [
        ("orders", ["orders_users"], 1, False),
        ("lines", ["lines_orders"], 2, False),
        ("shipments", ["shipments_line_a", "shipments_line_b"], 3, True),
    ]
    assert users.services == ("shop", "delivery")
    assert chains[0] == CascadeChain(
        root=TableRef("db", "public", "lines"),
        service="shop",
        steps=chains[0].steps,
        services=("shop", "delivery"),
    )


def test_cascade_chains_without_crossing_are_not_reported() -> None:
    G = tiny(
        fk("b_a", "b", "a", "CASCADE"), fk("c_a", "c", "a", "NO ACTION"), services=dict(a="x", b="x", c="y")
    )
    assert cascade_chains(G) == []


def test_cascade_chains_are_polynomial_on_a_dense_dag() -> None:
    # 40 layers of 2 tables, each cascading from both tables of the layer above: 2**40 paths.
    fks = []
    services = {}
    for layer in range(40):
        for i in (0, 1):
            services[f"t{layer:02d}_{i}"] = "a" if layer < 39 else "b"
            if layer:
                fks += [
                    fk(f"f{layer}_{i}_{j}", f"t{layer:02d}_{i}", f"t{layer - 1:02d}_{j}", "CASCADE")
                    for j in (0, 1)
                ]
    chains = cascade_chains(tiny(*fks, services=services))
    assert len(chains) == 78  # every table of layers 0..38 is a root whose tree reaches the last layer
    assert len(chains[0].steps) == 78


# -- blast_radius -------------------------------------------------------------------------------------


def test_blast_radius_of_users(G_all: nx.MultiDiGraph) -> None:
    everything = {t.name for t in blast_radius(G_all, ref("users"))}
    # never the table itself, even though users -> posts -> users is a cycle
    assert everything == {
        "bookmarks",
        "conversation_participants",
        "conversations",
        "experiment_assignments",
        "experiments",
        "invoices",
        "messages",
        "post_comments",
        "post_shares",
        "posts",
        "sessions",
        "streams",
        "viewer_sessions",
    }
    cascade = [t.name for t in blast_radius(G_all, ref("users"), cascade_only=True)]
    assert cascade == sorted(
        [
            "bookmarks",
            "conversation_participants",
            "experiment_assignments",
            "post_comments",
            "post_shares",
            "posts",
            "sessions",
            "streams",
        ]
    )
    assert blast_radius(G_all, ref("nowhere")) == []


# -- headline_figures ---------------------------------------------------------------------------------


def test_headline_figures_of_the_inventory() -> None:
    assert headline_figures(seed_inventory()) == {
        "services": 6,
        "tables": 17,
        "foreign_keys": 20,  # declared: the seed's one inferred reference is counted apart
        "cross_service_fks": 14,
        "inferred_references": 1,
        "services_coupled": 6,
        "service_dependencies": 6,
        "cross_service_cascades": 7,
        "fresh_db_failures": 1,
        "service_cycles": 1,
        "cross_service_dropped": 1,
        "share_remediated": 0.0667,  # 1 dropped of 15 declared, never the 16 with the inferred one
    }


def test_headline_figures_of_a_graph_count_what_it_holds(G: nx.MultiDiGraph) -> None:
    figures = headline_figures(G)
    assert (figures["cross_service_fks"], figures["cross_service_dropped"], figures["share_remediated"]) == (
        14,
        0,
        0.0,
    )
    assert figures["inferred_references"] == 1
    assert headline_figures(Inventory())["share_remediated"] is None


# -- purity and robustness ----------------------------------------------------------------------------


def test_analysis_never_modifies_the_graph(G_all: nx.MultiDiGraph) -> None:
    before = snapshot(G_all)
    cross_service_fks(G_all)
    service_graph(G_all)
    for s in SENTENCES:
        summary_sentences(service_impact(G_all, s))
    service_cycles(G_all)
    cascade_chains(G_all)
    blast_radius(G_all, ref("users"), cascade_only=True)
    headline_figures(G_all)
    assert snapshot(G_all) == before


names = st.sampled_from("abcdef")
services = st.sampled_from(["", "s1", "s2", "s3"])


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(names, st.tuples(services, st.sampled_from(["", "s1"])), max_size=6),
    st.lists(
        st.tuples(
            names, names, st.sampled_from(["CASCADE", "NO ACTION", "SET NULL", "RESTRICT"]), st.booleans()
        ),
        max_size=15,
    ),
)
def test_analysis_never_raises(
    table_services: dict[str, tuple[str, str]], edges: list[tuple[str, str, str, bool]]
) -> None:
    tables = tuple(
        Table(TableRef("db", "public", n), service=s, replica_of=r)
        for n, (s, r) in sorted(table_services.items())
    )
    fks = tuple(
        fk(f"f{i}", a, b, action, dropped_at=Location("x.sql", i) if dropped else None)
        for i, (a, b, action, dropped) in enumerate(edges)
    )
    G = build_graph(Inventory(tables=tables, foreign_keys=fks), include_dropped=True)
    S = service_graph(G)
    assert sum(w for _, _, w in S.edges(data="weight")) == len(
        [1 for _, _, d in G.edges(data=True) if d["cross_service"] and d["state"] == "present"]
    )
    for service in S.nodes:
        summary_sentences(service_impact(G, service))
    for cycle in service_cycles(G):
        assert cycle[0] == min(cycle)
    for chain in cascade_chains(G):
        assert chain.crossing
        assert len({s.table for s in chain.steps}) == len(chain.steps)
    headline_figures(G)
