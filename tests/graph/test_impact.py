"""One service's coupling: impact rows in and out, and the sentences a review reads."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.impact import ImpactRow, ServiceImpact, service_impact, summary_sentences
from model.inventory import ForeignKey, TableRef
from tests.graph.builders import fk, tiny
from tests.graph.fkmap_seed import SENTENCES, B, L, ref

# -- service_impact and summary_sentences -------------------------------------------------------------


def test_service_impact_messaging_rows(G: nx.MultiDiGraph) -> None:
    impact = service_impact(G, "messaging")
    assert impact.incoming == ()
    assert impact.outgoing[1] == ImpactRow(
        name="conversations_created_by_fkey",
        table=ref("conversations"),
        columns=("created_by",),
        ref_table=ref("users"),
        ref_columns=("id",),
        on_delete="NO ACTION",
        on_update="NO ACTION",
        state="present",
        origin="declared",
        other_service="auth",
        defined_at="legacy/migrations/018_messaging_schema.sql:7",
        validated=True,
        fresh_db_failure=False,
        replica=False,
    )
    assert [(r.name, r.on_delete) for r in impact.outgoing] == [
        ("conversation_participants_user_id_fkey", "CASCADE"),
        ("conversations_created_by_fkey", "NO ACTION"),
        ("messages_sender_id_fkey", "NO ACTION"),
    ]


def test_service_impact_auth_incoming_and_outgoing(G_all: nx.MultiDiGraph) -> None:
    impact = service_impact(G_all, "auth")
    assert [(r.name, r.other_service) for r in impact.outgoing] == [("users_avatar_post_id_fkey", "content")]
    assert [(r.other_service, r.name, r.state) for r in impact.incoming] == [
        ("billing", "invoices_customer_id_fkey", "present"),
        ("billing", "invoices_user_id_fkey", "present"),
        ("content", "bookmarks_user_id_fkey", "present"),
        ("content", "post_shares_shared_with_user_id_fkey", "present"),
        ("content", "post_shares_user_id_fkey", "present"),
        ("content", "posts_user_id_fkey", "present"),
        ("experiments", "experiment_assignments_user_id_fkey", "present"),
        ("experiments", "experiment_events_user_id_fkey", "dropped"),
        ("experiments", "experiments_created_by_fkey", "present"),
        ("messaging", "conversation_participants_user_id_fkey", "present"),
        ("messaging", "conversations_created_by_fkey", "present"),
        ("messaging", "messages_sender_id_fkey", "present"),
        ("streaming", "streams_broadcaster_id_fkey", "present"),
        ("streaming", "streams_moderator_id_ref", "present"),
        ("streaming", "viewer_sessions_viewer_id_fkey", "present"),
    ]
    billing = impact.incoming[:2]
    assert [(r.ref_table, r.fresh_db_failure, r.replica) for r in billing] == [
        (ref("customers", B), False, True),
        (ref("users", L), True, False),
    ]


def test_service_impact_of_an_unknown_service_is_empty(G: nx.MultiDiGraph) -> None:
    assert service_impact(G, "nope") == ServiceImpact("nope", (), ())


@pytest.mark.parametrize("service", sorted(SENTENCES))
def test_summary_sentences_of_the_seed(G_all: nx.MultiDiGraph, service: str) -> None:
    assert summary_sentences(service_impact(G_all, service)) == SENTENCES[service]


def test_summary_sentences_compound_keys_restrict_and_set_default() -> None:
    G = tiny(
        ForeignKey(
            "lines_order_fkey",
            TableRef("db", "public", "lines"),
            ("order_id", "tenant_id"),
            TableRef("db", "public", "orders"),
            ("id", "tenant_id"),
            on_delete="RESTRICT",
        ),
        fk("lines_sku_fkey", "lines", "skus", "SET DEFAULT"),
        fk("notes_orders_fkey", "notes", "orders", "SET DEFAULT"),
        services={"lines": "billing", "notes": "billing", "orders": "shop", "skus": "shop"},
    )
    assert summary_sentences(service_impact(G, "billing")) == [
        "Cannot deploy billing without shop's database: 3 foreign keys into shop (orders, skus).",
        "Deleting a row of shop.orders sets 1 billing column to DEFAULT: notes.orders_id.",
        "shop cannot delete a row of orders that billing still references: 1 foreign key blocks it "
        "(lines.(order_id, tenant_id)).",
        "Deleting a row of shop.skus sets 1 billing column to DEFAULT: lines.skus_id.",
    ]


def test_summary_sentences_of_an_uncoupled_service_is_empty() -> None:
    assert summary_sentences(ServiceImpact("alone", (), ())) == []


def test_summary_sentences_of_keys_whose_on_delete_the_application_carries_out() -> None:
    """Django's CASCADE: the declared behaviour, and that a delete outside Django is refused."""
    by_django = {"on_delete_enforced_by": "application"}
    G = tiny(
        fk("cases_posts_fkey", "cases", "posts", "CASCADE", **by_django),
        fk("cases_users_fkey", "cases", "users", "NO ACTION", **by_django),  # DO_NOTHING: nothing to do
        fk("notes_posts_fkey", "notes", "posts", "CASCADE"),  # the database's own CASCADE
        services={"cases": "moderation", "notes": "moderation", "posts": "content", "users": "content"},
    )
    rows = {r.name: r.by_application for r in service_impact(G, "moderation").outgoing}
    assert rows == {"cases_posts_fkey": True, "cases_users_fkey": False, "notes_posts_fkey": False}
    assert summary_sentences(service_impact(G, "moderation"))[1:3] == [
        "Deleting a row of content.posts cascades into 2 moderation tables: cases, notes.",
        "moderation's ORM carries out ON DELETE of 1 foreign key itself (cases.posts_id): the constraint "
        "has NO ACTION, so a delete of content.posts that does not go through moderation fails while "
        "moderation still references the row.",
    ]
