"""Scopes (:mod:`graph.scope`): one service, cross-service only, the service level."""

from __future__ import annotations

import networkx as nx

from graph.build import build_graph
from graph.scope import Scope, select_services, select_tables
from tests.exports.export_fixture import HOSTILE_TABLE, small_inventory


def _source_graph() -> nx.MultiDiGraph:
    return build_graph(small_inventory(), include_dropped=True)


def test_scope_one_service_keeps_its_tables_and_direct_neighbours() -> None:
    G = _source_graph()
    H = select_tables(G, Scope(service="messaging"))
    assert sorted(n.name for n in H) == ["comments", "conversations", "messages", "users"]
    assert H.number_of_edges() == 3
    H = select_tables(G, Scope(service="messaging", include_dropped=True))
    assert H.number_of_edges() == 4
    H = select_tables(G, Scope(service="auth"))
    assert sorted(str(n) for n in H) == [
        "services/auth/migrations:public.sessions",
        "services/auth/migrations:public.users",
        f"services/content/migrations:public.{HOSTILE_TABLE}",
        "services/content/migrations:public.comments",
        "services/content/migrations:public.posts",
        "services/messaging/migrations:public.conversations",
        "services/messaging/migrations:public.users",  # auth's data, held by messaging
    ]


def test_scope_cross_only() -> None:
    H = select_tables(_source_graph(), Scope(cross_only=True))
    assert all(d["cross_service"] for _, _, d in H.edges(data=True))
    assert sorted(d["fk"].name for _, _, d in H.edges(data=True)) == [
        '@fk"|name',
        "comments_author_id_fkey",
        "comments_conversation_id",
        "conversations_created_by_fkey",
        "posts_user_id_fkey",
    ]
    assert "sessions" not in {n.name for n in H}


def test_scope_services_level() -> None:
    S = select_services(_source_graph(), Scope(service="messaging"))
    assert sorted(S.edges) == [("content", "messaging"), ("messaging", "auth")]
    assert S.nodes["auth"]["tables"] == 2  # full count, not just the selected tables
