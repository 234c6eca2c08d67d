"""The scan document (format_version 1): exact fields, stable order, and a round trip."""

from __future__ import annotations

import dataclasses
import json
import random
from typing import Any, TypeVar

import pytest

import exports.scan_json
from exports.scan_json import scan_document
from ingest.saved import FORMAT_VERSION, is_scan_document, load_document
from model.inventory import (
    Column,
    Diagnostic,
    Evidence,
    ForeignKey,
    Inventory,
    Location,
    SharedAccess,
    Source,
    Table,
    TableRef,
)
from tests.graph.fkmap_seed import B, L, ref, seed_inventory

T = TypeVar("T")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return scan_document(seed_inventory())


def test_top_level_keys_in_order(doc: dict[str, Any]) -> None:
    assert list(doc) == [
        "format_version",
        "sources",
        "services",
        "tables",
        "foreign_keys",
        "shared_access",
        "diagnostics",
        "summary",
    ]
    assert doc["format_version"] == FORMAT_VERSION == 1
    assert doc["sources"] == [{"kind": "migrations", "label": "repo"}]


def test_services(doc: dict[str, Any]) -> None:
    assert doc["services"] == [
        {"name": "auth", "description": "Identity and sessions", "tables": 2},
        {"name": "billing", "description": "", "tables": 2},
        {"name": "content", "description": "Posts and bookmarks", "tables": 4},
        {"name": "experiments", "description": "", "tables": 3},
        {"name": "messaging", "description": "", "tables": 3},
        {"name": "streaming", "description": "", "tables": 2},
    ]


def test_services_named_only_by_tables_are_listed() -> None:
    t = Table(TableRef("db", "public", "t"), service="orders", replica_of="auth")
    assert scan_document(Inventory(tables=(t,)))["services"] == [
        {"name": "auth", "description": "", "tables": 0},
        {"name": "orders", "description": "", "tables": 1},
    ]


def test_table_entries(doc: dict[str, Any]) -> None:
    by_name = {(t["database"], t["name"]): t for t in doc["tables"]}
    assert by_name[B, "users"] == {
        "database": B,
        "schema": "public",
        "name": "users",
        "service": "auth",
        "replica_of": "",
        "external": True,
        "resolved_to": {"database": L, "schema": "public", "name": "users"},
        "provided_by": "",
        "defined_at": None,
        "dropped_at": None,
        "columns": [],
        "primary_key": [],
        "owner_evidence": [],
    }
    assert by_name[B, "customers"]["replica_of"] == "auth"
    assert by_name[L, "posts"]["defined_at"] == {"path": f"{L}/003_posts_schema.sql", "line": 1}
    assert [(t["database"], t["name"]) for t in doc["tables"]] == sorted(by_name)


def test_columns_are_written() -> None:
    t = Table(TableRef("db", "public", "t"), columns=(Column("id", "uuid", False), Column("note", "text")))
    (entry,) = scan_document(Inventory(tables=(t,)))["tables"]
    assert entry["columns"] == [
        {"name": "id", "type": "uuid", "nullable": False},
        {"name": "note", "type": "text", "nullable": True},
    ]


def test_foreign_key_entry_of_an_external_reference(doc: dict[str, Any]) -> None:
    (entry,) = [f for f in doc["foreign_keys"] if f["name"] == "invoices_user_id_fkey"]
    assert entry == {
        "name": "invoices_user_id_fkey",
        "table": {"database": B, "schema": "public", "name": "invoices"},
        "columns": ["user_id"],
        "referenced_table": {"database": B, "schema": "public", "name": "users"},
        "resolved_table": {"database": L, "schema": "public", "name": "users"},
        "referenced_columns": ["id"],
        "on_delete": "NO ACTION",
        "on_update": "NO ACTION",
        "on_delete_columns": [],
        "on_delete_enforced_by": "database",
        "deferrable": False,
        "initially_deferred": False,
        "validated": True,
        "origin": "declared",
        "service": "billing",
        "referenced_service": "auth",
        "cross_service": True,
        "fresh_db_failure": True,
        "state": "present",
        "added_at": {"path": f"{B}/001_billing.sql", "line": 8},
        "dropped_at": None,
    }


def test_dropped_inferred_and_not_valid_flags(doc: dict[str, Any]) -> None:
    by_name = {f["name"]: f for f in doc["foreign_keys"]}
    dropped = by_name["experiment_events_user_id_fkey"]
    assert (dropped["state"], dropped["dropped_at"], dropped["cross_service"]) == (
        "dropped",
        {"path": f"{L}/060_drop_experiment_fks.sql", "line": 1},
        True,
    )
    assert by_name["streams_moderator_id_ref"]["origin"] == "inferred"
    assert by_name["viewer_sessions_viewer_id_fkey"]["validated"] is False
    internal = by_name["sessions_user_id_fkey"]
    assert (internal["service"], internal["referenced_service"], internal["cross_service"]) == (
        "auth",
        "auth",
        False,
    )
    assert internal["resolved_table"] is None


def test_foreign_keys_sorted_by_table_then_name(doc: dict[str, Any]) -> None:
    keys = [
        (f["table"]["database"], f["table"]["schema"], f["table"]["name"], f["name"])
        for f in doc["foreign_keys"]
    ]
    assert keys == sorted(keys)
    assert len(keys) == 22
    assert keys[:3] == [
        (L, "public", "bookmarks", "bookmarks_user_id_fkey"),
        (L, "public", "conversation_participants", "conversation_participants_conversation_id_fkey"),
        (L, "public", "conversation_participants", "conversation_participants_user_id_fkey"),
    ]


def test_diagnostics_sorted_by_place(doc: dict[str, Any]) -> None:
    assert doc["diagnostics"] == [
        {
            "path": f"{L}/002_audit.sql",
            "line": 1,
            "severity": "warning",
            "code": "unassigned",
            "message": "table audit_log belongs to no service",
            "excerpt": "CREATE TABLE audit_log (",
        },
        {
            "path": f"{L}/040_broken.sql",
            "line": 3,
            "severity": "error",
            "code": "parse-error",
            "message": 'syntax error at or near "TABEL"',
            "excerpt": "CREATE TABEL x (",
        },
    ]


def test_summary(doc: dict[str, Any]) -> None:
    assert doc["summary"] == {
        "services": 6,
        "tables": 17,
        "foreign_keys": 20,  # declared
        "cross_service_fks": 14,  # declared only: the fixture's inferred reference is counted apart
        "inferred_references": 1,
        "services_coupled": 6,
        "service_dependencies": 6,
        "cross_service_cascades": 7,
        "fresh_db_failures": 1,
        "service_cycles": 1,
        "cross_service_dropped": 1,
        "share_remediated": 0.0667,  # 1 dropped of 15 declared
        "unowned_tables": 1,  # legacy audit_log
        "fks_into_unowned": 0,
        "shared_tables": 0,
        "diagnostics": {"error": 1, "warning": 1, "info": 0},
    }


def test_empty_inventory() -> None:
    assert scan_document(Inventory()) == {
        "format_version": 1,
        "sources": [],
        "services": [],
        "tables": [],
        "foreign_keys": [],
        "shared_access": [],
        "diagnostics": [],
        "summary": {
            "services": 0,
            "tables": 0,
            "foreign_keys": 0,
            "cross_service_fks": 0,
            "inferred_references": 0,
            "services_coupled": 0,
            "service_dependencies": 0,
            "cross_service_cascades": 0,
            "fresh_db_failures": 0,
            "service_cycles": 0,
            "cross_service_dropped": 0,
            "share_remediated": None,
            "unowned_tables": 0,
            "fks_into_unowned": 0,
            "shared_tables": 0,
            "diagnostics": {"error": 0, "warning": 0, "info": 0},
        },
    }


def test_same_content_in_any_order_gives_identical_json() -> None:
    inv = seed_inventory()
    rng = random.Random(3)

    def shuffled(items: tuple[T, ...]) -> tuple[T, ...]:
        out = list(items)
        rng.shuffle(out)
        return tuple(out)

    other = dataclasses.replace(
        inv,
        tables=shuffled(inv.tables),
        foreign_keys=shuffled(inv.foreign_keys),
        diagnostics=shuffled(inv.diagnostics),
        services=shuffled(inv.services),
        sources=(*inv.sources, Source("catalog", "postgresql://db/x"), *inv.sources),
    )
    expected = dataclasses.replace(inv, sources=(*inv.sources, Source("catalog", "postgresql://db/x")))
    assert json.dumps(scan_document(other)) == json.dumps(scan_document(expected))


def test_document_is_plain_json(doc: dict[str, Any]) -> None:
    assert json.loads(json.dumps(doc)) == doc


def test_round_trip_through_json() -> None:
    inv = seed_inventory()
    text = json.dumps(scan_document(inv), indent=2)
    assert load_document(json.loads(text)) == inv


def test_round_trip_keeps_every_fk_field() -> None:
    a, b = TableRef("db", "s", "a"), TableRef("db", "s", "b")
    fk = ForeignKey(
        "a_b_fkey",
        a,
        ("x", "y"),
        b,
        ("x", "y"),
        on_delete="SET NULL",
        on_update="CASCADE",
        deferrable=True,
        initially_deferred=True,
        validated=False,
        on_delete_columns=("y",),
        added_at=Location("db/1.sql", 4),
        dropped_at=Location("db/2.sql", 1),
        origin="inferred",
    )
    inv = Inventory(tables=(Table(a), Table(b)), foreign_keys=(fk,))
    assert load_document(scan_document(inv)) == inv


def test_load_document_reads_the_internal_inventory_form_too() -> None:
    inv = seed_inventory()
    assert load_document(inv.to_dict()) == inv
    assert (is_scan_document(inv.to_dict()), is_scan_document(scan_document(inv))) == (False, True)


def test_docstring_documents_every_field(doc: dict[str, Any]) -> None:
    """Every key the document can hold is named in the module docstring (the README copies it)."""
    text = exports.scan_json.__doc__ or ""
    keys = set(doc) | set(doc["summary"]) | set(doc["services"][0]) | set(doc["tables"][0])
    keys |= set(doc["foreign_keys"][0]) | set(doc["diagnostics"][0]) | set(doc["sources"][0])
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert missing == []


def test_diagnostic_order_puts_errors_first_on_the_same_line() -> None:
    d1 = Diagnostic("warning", "b", "f.sql", 2, code="x")
    d2 = Diagnostic("error", "a", "f.sql", 2, code="y")
    d3 = Diagnostic("info", "c", "e.sql", 9)
    got = [
        (d["path"], d["severity"]) for d in scan_document(Inventory(diagnostics=(d1, d2, d3)))["diagnostics"]
    ]
    assert got == [("e.sql", "info"), ("f.sql", "error"), ("f.sql", "warning")]


def test_reference_helper_matches_seed() -> None:
    assert ref("users", B) == TableRef(B, "public", "users")


# -- ownership: evidence, shared access, unowned figures -----------------------------------------------

POSTS, USERS, FEED = (
    TableRef("db", "public", "posts"),
    TableRef("db", "public", "users"),
    TableRef("db", "public", "feed"),
)


def _owned_inventory() -> Inventory:
    written = Evidence("code-write", "content", "written by content (src/db.rs:41)", "src/db.rs", 41)
    read = Evidence("code-read", "feed", "read by feed (src/feed.rs:9)", "src/feed.rs", 9)
    return Inventory(
        tables=(
            Table(POSTS, service="content", owner_evidence=(written, read)),
            Table(USERS, owner_evidence=(read,)),
            Table(FEED, service="feed"),
        ),
        foreign_keys=(
            ForeignKey("posts_user_id_fkey", POSTS, ("user_id",), USERS, ("id",)),
            ForeignKey("feed_user_id_fkey", FEED, ("user_id",), USERS, ("id",)),
            ForeignKey(
                "feed_post_id_fkey", FEED, ("post_id",), POSTS, ("id",), dropped_at=Location("m.sql", 3)
            ),
        ),
        shared_access=(
            SharedAccess(POSTS, "content", "feed", "write", "src/fanout.rs", 88),
            SharedAccess(POSTS, "content", "feed", "read", "src/feed.rs", 12),
        ),
    )


def test_tables_carry_their_evidence_decisive_first() -> None:
    tables = {t["name"]: t for t in scan_document(_owned_inventory())["tables"]}
    assert tables["posts"]["owner_evidence"] == [
        {
            "kind": "code-write",
            "service": "content",
            "detail": "written by content (src/db.rs:41)",
            "path": "src/db.rs",
            "line": 41,
        },
        {
            "kind": "code-read",
            "service": "feed",
            "detail": "read by feed (src/feed.rs:9)",
            "path": "src/feed.rs",
            "line": 9,
        },
    ]
    assert tables["feed"]["owner_evidence"] == []


def test_shared_access_is_listed_sorted() -> None:
    doc = scan_document(_owned_inventory())
    posts = {"database": "db", "schema": "public", "name": "posts"}
    assert doc["shared_access"] == [
        {
            "table": posts,
            "owner": "content",
            "service": "feed",
            "access": "read",
            "path": "src/feed.rs",
            "line": 12,
        },
        {
            "table": posts,
            "owner": "content",
            "service": "feed",
            "access": "write",
            "path": "src/fanout.rs",
            "line": 88,
        },
    ]


def test_summary_counts_unowned_tables_fks_into_them_and_shared_tables() -> None:
    summary = scan_document(_owned_inventory())["summary"]
    assert (summary["unowned_tables"], summary["fks_into_unowned"], summary["shared_tables"]) == (1, 2, 1)
    assert summary["cross_service_fks"] == 0  # the only FK between owned tables is dropped


def test_round_trip_keeps_evidence_and_shared_access() -> None:
    inv = _owned_inventory()
    back = load_document(json.loads(json.dumps(scan_document(inv))))
    assert back.tables == tuple(sorted(inv.tables, key=lambda t: t.ref))
    assert [t.owner_evidence for t in back.tables] == [
        t.owner_evidence for t in sorted(inv.tables, key=lambda t: t.ref)
    ]
    assert back.shared_access == tuple(
        sorted(inv.shared_access, key=lambda a: (a.table, a.service, a.access))
    )
