"""Inferred references (``--infer``): the name heuristic, explicit entries, ambiguity."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.inventory import Column, Diagnostic, ForeignKey, Inventory, Location, Migration, Table, TableRef
from ownership.config import Config, InferConfig, InferRef
from ownership.config_file import parse_config
from ownership.infer import entity_names, infer_references, normalise_name, reference_stem
from ownership.services import assign_services


def table(
    ref: str,
    columns: str = "id",
    *,
    service: str,
    pk: tuple[str, ...] | None = ("id",),
    replica_of: str = "",
    dropped: bool = False,
    external: bool = False,
) -> Table:
    database, _, rest = ref.partition(":")
    schema, _, name = rest.rpartition(".")
    return Table(
        TableRef(database, schema or "public", name),
        columns=tuple(Column(c.strip()) for c in columns.split(",") if c.strip()),
        primary_key=pk or (),
        external=external,
        defined_at=Location(f"{database}/001.sql", 3),
        dropped_at=Location(f"{database}/009.sql", 1) if dropped else None,
        service=service,
        replica_of=replica_of,
    )


def inferred(inv: Inventory) -> set[tuple[str, str, tuple[str, ...], str, tuple[str, ...]]]:
    return {
        (fk.name, str(fk.table), fk.columns, str(fk.ref_table), fk.ref_columns)
        for fk in inv.foreign_keys
        if fk.origin == "inferred"
    }


AUTH_USERS = table("auth:users", "id, email", service="auth")
ORGS = table("auth:organizations", "id", service="auth")
CATEGORIES = table("catalog:categories", "id", service="catalog")
MESSAGES = table(
    "chat:messages",
    "id, conversation_id, sender_id, user_id, userId, organization_id, category_id, paid, id_card",
    service="chat",
)
CONVERSATIONS = table("chat:conversations", "id", service="chat")


def test_name_heuristic_links_columns_to_other_services() -> None:
    inv = Inventory(tables=(AUTH_USERS, ORGS, CATEGORIES, MESSAGES, CONVERSATIONS))
    out = infer_references(inv, Config())
    assert inferred(out) == {
        ("inferred:messages.user_id", "chat:public.messages", ("user_id",), "auth:public.users", ("id",)),
        ("inferred:messages.userId", "chat:public.messages", ("userId",), "auth:public.users", ("id",)),
        (
            "inferred:messages.organization_id",
            "chat:public.messages",
            ("organization_id",),
            "auth:public.organizations",
            ("id",),
        ),
        (
            "inferred:messages.category_id",
            "chat:public.messages",
            ("category_id",),
            "catalog:public.categories",
            ("id",),
        ),
    }
    # conversation_id is a local reference (same service): not coupling, not inferred;
    # sender_id names no table; paid and id_card do not end with a suffix
    fk = next(f for f in out.foreign_keys if f.name == "inferred:messages.user_id")
    assert (fk.on_delete, fk.state, fk.origin, fk.added_at) == (
        "NO ACTION",
        "present",
        "inferred",
        Location("chat/001.sql", 3),
    )
    assert out.diagnostics == ()
    assert list(out.foreign_keys) == sorted(out.foreign_keys, key=lambda f: (f.table, f.name))
    assert out.tables == inv.tables


def test_declared_keys_are_kept_and_their_columns_skipped() -> None:
    declared = ForeignKey(
        "messages_user_id_fkey",
        MESSAGES.ref,
        ("user_id",),
        AUTH_USERS.ref,
        ("id",),
        on_delete="CASCADE",
        added_at=Location("chat/002.sql", 7),
    )
    dropped = ForeignKey(
        "messages_category_id_fkey",
        MESSAGES.ref,
        ("category_id",),
        CATEGORIES.ref,
        ("id",),
        added_at=Location("chat/002.sql", 8),
        dropped_at=Location("chat/005.sql", 1),
    )
    inv = Inventory(tables=(AUTH_USERS, CATEGORIES, MESSAGES), foreign_keys=(declared, dropped))
    out = infer_references(inv, Config())
    assert declared in out.foreign_keys and dropped in out.foreign_keys
    # the declared key covers user_id; the dropped one no longer covers category_id
    assert {f.columns for f in out.foreign_keys if f.origin == "inferred"} == {("userId",), ("category_id",)}
    assert infer_references(out, Config()) == out  # idempotent


def test_local_table_wins_over_other_services() -> None:
    local_users = table("chat:users", "id", service="chat")
    inv = Inventory(tables=(AUTH_USERS, local_users, MESSAGES))
    assert inferred(infer_references(inv, Config())) == set()


def test_ambiguous_candidates_pick_none_and_say_so() -> None:
    billing_users = table("billing:users", "id", service="billing")
    inv = Inventory(tables=(AUTH_USERS, billing_users, MESSAGES))
    out = infer_references(inv, Config())
    assert inferred(out) == set()
    assert out.diagnostics == (
        Diagnostic(
            "info",
            "chat:public.messages.user_id could reference tables of several services: "
            "auth:public.users (auth), billing:public.users (billing); nothing inferred "
            "(add an [[infer.references]] entry to choose)",
            "chat/001.sql",
            3,
            code="infer-ambiguous",
        ),
        Diagnostic(
            "info",
            "chat:public.messages.userId could reference tables of several services: "
            "auth:public.users (auth), billing:public.users (billing); nothing inferred "
            "(add an [[infer.references]] entry to choose)",
            "chat/001.sql",
            3,
            code="infer-ambiguous",
        ),
    )


def test_owner_table_wins_over_its_replicas() -> None:
    replica = table("feed:users", "id", service="feed", replica_of="auth")
    posts = table("stories:stories", "id, user_id", service="stories")
    inv = Inventory(tables=(replica, AUTH_USERS, posts))
    assert inferred(infer_references(inv, Config())) == {
        ("inferred:stories.user_id", "stories:public.stories", ("user_id",), "auth:public.users", ("id",)),
    }
    # with only the replica, the reference goes to it (its owner is auth)
    only_replica = Inventory(tables=(replica, posts))
    assert {f.ref_table for f in infer_references(only_replica, Config()).foreign_keys} == {replica.ref}


def test_plural_and_case_forms() -> None:
    assert reference_stem("userAccountId", ["_id", "Id"]) == "user_account"
    assert entity_names("user_account") == ("user_account", "user_accounts")
    accounts = table("auth:UserAccounts", "id", service="auth")
    boxes = table("ship:boxes", "id", service="ship")
    orders = table("shop:Order Items", "Line, userAccountId, box_id", service="shop", pk=("Line",))
    out = infer_references(Inventory(tables=(accounts, boxes, orders)), Config())
    assert {(f.columns, f.ref_table.name) for f in out.foreign_keys} == {
        (("userAccountId",), "UserAccounts"),
        (("box_id",), "boxes"),
    }
    assert normalise_name("HTTPRequests") == "httprequests"


def test_configurable_suffixes() -> None:
    posts = table("blog:posts", "id, author_ref, user_id", service="blog")
    authors = table("people:authors", "id", service="people")
    config = Config(infer=InferConfig(suffixes=("_ref",)))
    out = infer_references(Inventory(tables=(AUTH_USERS, authors, posts)), config)
    assert {(f.columns, f.ref_table.name) for f in out.foreign_keys} == {(("author_ref",), "authors")}


def test_explicit_references_win_and_resolve_by_service() -> None:
    config, diags = parse_config(
        """
        [services.auth]
        [services.chat]
        [infer]
        [[infer.references]]
        column = "*.sender_id"
        target = "auth:users"
        [[infer.references]]
        column = "messages.user_id"
        target = "auth:organizations"
        [[infer.references]]
        column = "*.ghost_id"
        target = "auth:ghosts"
        """
    )
    assert diags == []
    ghost = table("chat:notes", "id, ghost_id", service="chat")
    other = table("chat:mentions", "id, ghost_id", service="chat")
    inv = Inventory(tables=(AUTH_USERS, ORGS, MESSAGES, CONVERSATIONS, ghost, other))
    out = infer_references(inv, config)
    found = {(f.columns, str(f.ref_table)) for f in out.foreign_keys if f.table == MESSAGES.ref}
    assert found == {
        (("sender_id",), "auth:public.users"),
        (("user_id",), "auth:public.organizations"),
        (("userId",), "auth:public.users"),
        (("organization_id",), "auth:public.organizations"),
    }
    # one warning per unresolvable entry, however many columns match it
    assert [(d.severity, d.code, d.message) for d in out.diagnostics] == [
        (
            "warning",
            "infer",
            "[[infer.references]] target 'auth:ghosts' (for '*.ghost_id') matches no table of service 'auth'",
        )
    ]


def test_target_without_usable_key_is_skipped() -> None:
    links = table("graph:edges", "src, dst", service="graph", pk=("src", "dst"))
    config = Config(infer=InferConfig(references=(InferRef("*.edge_id", "graph:edges"),)))
    posts = table("blog:posts", "id, edge_id", service="blog")
    out = infer_references(Inventory(tables=(links, posts)), config)
    assert inferred(out) == set()
    assert [d.code for d in out.diagnostics] == ["infer"]
    assert "neither a single-column primary key nor an 'id' column" in out.diagnostics[0].message


def test_unowned_dropped_and_external_tables_take_no_part() -> None:
    unowned = table("misc:things", "id, user_id", service="")
    dropped_users = table("auth:users", "id", service="auth", dropped=True)
    external_users = table("legacy:users", "id", service="legacy", external=True)
    posts = table("blog:posts", "id, user_id", service="blog")
    out = infer_references(Inventory(tables=(unowned, dropped_users, external_users, posts)), Config())
    assert out == Inventory(tables=(unowned, dropped_users, external_users, posts))


def test_after_service_assignment_of_migration_sets() -> None:
    """Realistic flow: tables read from two services' folders, then services, then inference."""
    auth = Table(TableRef("services/auth/migrations", "public", "users"), (Column("id"),), ("id",))
    msgs = Table(
        TableRef("services/messaging/migrations", "public", "messages"),
        (Column("id"), Column("sender_id"), Column("user_id")),
        ("id",),
    )
    migrations = (
        Migration("services/auth/migrations/001_users.sql", "services/auth/migrations", 0, 0),
        Migration("services/messaging/migrations/001_messages.sql", "services/messaging/migrations", 0, 1),
    )
    inv = assign_services(Inventory(tables=(auth, msgs), migrations=migrations), Config())
    assert {t.service for t in inv.tables} == {"auth", "messaging"}
    out = infer_references(inv, Config())
    assert {f.name for f in out.foreign_keys} == {"inferred:messages.user_id"}


_NAMES = st.sampled_from(["users", "user", "orders", "Order", "posts", "x", "categories", "UserAccounts", ""])
_COLUMNS = st.sampled_from(
    ["id", "user_id", "userId", "order_id", "post_id", "x_id", "_id", "Id", "category_id"]
)


@st.composite
def inventories(draw: st.DrawFn) -> Inventory:
    tables = {}
    for i in range(draw(st.integers(0, 6))):
        ref = TableRef(f"db{i % 3}", "public", draw(_NAMES))
        tables[ref] = Table(
            ref,
            tuple(Column(c) for c in draw(st.lists(_COLUMNS, max_size=4, unique=True))),
            draw(st.sampled_from([(), ("id",), ("a", "b")])),
            external=draw(st.booleans()),
            service=draw(st.sampled_from(["", "auth", "shop", "blog"])),
            replica_of=draw(st.sampled_from(["", "auth"])),
        )
    return Inventory(tables=tuple(sorted(tables.values(), key=lambda t: t.ref)))


@settings(max_examples=200, deadline=None)
@given(inv=inventories(), suffixes=st.lists(st.sampled_from(["_id", "Id", "", "id", "_ID"]), max_size=3))
def test_never_raises_and_only_adds_inferred(inv: Inventory, suffixes: list[str]) -> None:
    refs = (InferRef("*.user_id", "auth:users"), InferRef("*:*.*.x_id", "shop:*"))
    out = infer_references(inv, Config(infer=InferConfig(suffixes=tuple(suffixes), references=refs)))
    assert out.tables == inv.tables
    assert set(inv.foreign_keys) <= set(out.foreign_keys)
    added = set(out.foreign_keys) - set(inv.foreign_keys)
    assert all(f.origin == "inferred" and f.name.startswith("inferred:") for f in added)
    assert all(f.table != f.ref_table for f in added)
    assert infer_references(out, Config(infer=InferConfig(suffixes=tuple(suffixes), references=refs))) == out


@pytest.mark.postgres
def test_inferred_on_a_live_catalog(fresh_database: Callable[..., str]) -> None:
    """Schema-per-service database whose team dropped the cross-schema FKs."""
    from ingest.catalogs.postgres import ingest_dsn

    dsn = fresh_database(
        """
        CREATE SCHEMA auth;
        CREATE SCHEMA messaging;
        CREATE TABLE auth.users (id uuid PRIMARY KEY);
        CREATE TABLE messaging.conversations (id uuid PRIMARY KEY, created_by uuid);
        CREATE TABLE messaging.messages (
            id uuid PRIMARY KEY,
            conversation_id uuid REFERENCES messaging.conversations (id),
            sender_id uuid NOT NULL,
            user_id uuid
        );
        """
    )
    config = Config(
        map_by="schema",
        infer=InferConfig(references=(InferRef("messaging.*.sender_id", "auth:users"),)),
    )
    inv = infer_references(assign_services(ingest_dsn(dsn), config), config)
    database = inv.tables[0].ref.database
    assert {
        (f.name, f.origin, f.table.qualified, f.columns, f.ref_table.qualified) for f in inv.foreign_keys
    } == {
        (
            "messages_conversation_id_fkey",
            "declared",
            "messaging.messages",
            ("conversation_id",),
            "messaging.conversations",
        ),
        ("inferred:messages.sender_id", "inferred", "messaging.messages", ("sender_id",), "auth.users"),
        ("inferred:messages.user_id", "inferred", "messaging.messages", ("user_id",), "auth.users"),
    }
    assert {f.ref_table.database for f in inv.foreign_keys} == {database}
