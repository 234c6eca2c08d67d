"""The service map on the users' layouts (the seeds) and every rule of fkmap.toml."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.inventory import (
    Diagnostic,
    ForeignKey,
    Inventory,
    Location,
    Migration,
    Service,
    Source,
    Table,
    TableRef,
)
from ownership.config import Config, Replica, ServiceRule
from ownership.config_file import parse_config
from ownership.resolve import merge, resolve_external
from ownership.services import Assignment, assign_services, explain_services
from tests.helpers import not_none


def migrations_inventory(
    files: dict[str, list[str]], *, schema: str = "public", root: str = "."
) -> Inventory:
    """An ingested-looking inventory: one set per folder, tables created at line 1, 11, 21..."""
    tables: list[Table] = []
    migrations: list[Migration] = []
    by_set: dict[str, list[str]] = {}
    for path in files:
        by_set.setdefault(posixpath.dirname(path), []).append(path)
    for label in sorted(by_set):
        for ordinal, path in enumerate(sorted(by_set[label])):
            migrations.append(Migration(path, label, ordinal, len(migrations)))
            for i, name in enumerate(files[path]):
                tables.append(Table(TableRef(label, schema, name), defined_at=Location(path, 1 + 10 * i)))
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        migrations=tuple(migrations),
        sources=(Source("migrations", root),),
    )


def services_of(inv: Inventory) -> dict[str, str]:
    return {f"{t.ref.database}:{t.ref.name}": t.service for t in inv.tables}


def unowned(inv: Inventory) -> list[Diagnostic]:
    return [d for d in inv.diagnostics if d.code == "unowned"]


# -- seed 000: a shared legacy migrations folder -------------------------------------------------------

LEGACY = {
    "legacy/migrations/001_auth_schema.sql": ["users", "sessions"],
    "legacy/migrations/003_posts_schema.sql": ["posts"],
    "legacy/migrations/013_streaming_stream_table.sql": ["streams"],
    "legacy/migrations/015_streaming_viewer_session_table.sql": ["viewer_sessions"],
    "legacy/migrations/018_messaging_schema.sql": ["conversations", "conversation_participants", "messages"],
    "legacy/migrations/019_stories_schema.sql": ["stories", "story_views", "story_close_friends"],
    "legacy/migrations/033_experiments_schema.sql": [
        "experiments",
        "experiment_assignments",
        "experiment_events",
    ],
    "legacy/migrations/052_add_post_share_and_bookmark.sql": [
        "post_shares",
        "bookmarks",
        "bookmark_collections",
    ],
}
LEGACY_CONFIG = """
[services.auth]
description = "Identity"
[services.messaging]
[services.content]
description = "Posts and stories"
[services.streaming]
[services.experiments]
"""


def test_shared_legacy_folder_takes_services_from_file_names() -> None:
    cfg, diags = parse_config(LEGACY_CONFIG)
    assert diags == []
    inv = assign_services(migrations_inventory(LEGACY), cfg)
    db = "legacy/migrations"
    assert services_of(inv) == {
        f"{db}:users": "auth",
        f"{db}:sessions": "auth",
        f"{db}:posts": "",  # 'posts' names no known service: content is not a word of the file name
        f"{db}:streams": "streaming",
        f"{db}:viewer_sessions": "streaming",
        f"{db}:conversations": "messaging",
        f"{db}:conversation_participants": "messaging",
        f"{db}:messages": "messaging",
        f"{db}:stories": "",
        f"{db}:story_views": "",
        f"{db}:story_close_friends": "",
        f"{db}:experiments": "experiments",
        f"{db}:experiment_assignments": "experiments",
        f"{db}:experiment_events": "experiments",
        f"{db}:post_shares": "",
        f"{db}:bookmarks": "",
        f"{db}:bookmark_collections": "",
    }
    warned = unowned(inv)
    assert len(warned) == 7  # one per unowned table, never dropped
    assert len(inv.tables) == 17
    posts = next(d for d in warned if d.excerpt == "public.posts")
    assert (posts.severity, posts.path, posts.line) == (
        "warning",
        "legacy/migrations/003_posts_schema.sql",
        1,
    )
    assert posts.message == (
        "table legacy/migrations:public.posts (created at legacy/migrations/003_posts_schema.sql:1) has no "
        "service: no rule of fkmap.toml matches it and the map_by='path' default gives none; add it to a "
        "service's 'tables' or 'paths' in fkmap.toml"
    )
    bookmarks = next(d for d in warned if d.excerpt == "public.bookmarks")
    assert (bookmarks.path, bookmarks.line) == ("legacy/migrations/052_add_post_share_and_bookmark.sql", 11)
    assert inv.services == (
        Service("auth", "Identity"),
        Service("content", "Posts and stories"),
        Service("experiments"),
        Service("messaging"),
        Service("streaming"),
    )


def test_shared_folder_owned_through_paths_globs() -> None:
    cfg, _ = parse_config(
        LEGACY_CONFIG.replace(
            "[services.content]\n",
            '[services.content]\npaths = ["legacy/migrations/*_posts_*", "*_stories_*", "*_post_share_*"]\n',
        )
    )
    inv = assign_services(migrations_inventory(LEGACY), cfg)
    assert unowned(inv) == []
    assert {t.ref.name for t in inv.tables if t.service == "content"} == {
        "posts",
        "stories",
        "story_views",
        "story_close_friends",
        "post_shares",
        "bookmarks",
        "bookmark_collections",
    }


def test_shared_folder_without_config_knows_services_from_other_sets() -> None:
    files = {
        "legacy/migrations/001_auth_schema.sql": ["users"],
        "legacy/migrations/018_messaging_schema.sql": ["conversations"],
        "legacy/migrations/033_experiments_schema.sql": ["experiments"],
        "services/messaging/migrations/001_messaging_schema.sql": ["messages"],
    }
    inv = assign_services(migrations_inventory(files), Config())
    assert services_of(inv) == {
        "legacy/migrations:users": "",
        "legacy/migrations:conversations": "messaging",
        "legacy/migrations:experiments": "",
        "services/messaging/migrations:messages": "messaging",
    }
    assert sorted(d.excerpt for d in unowned(inv)) == ["public.experiments", "public.users"]
    assert inv.services == (Service("messaging"),)


# -- seed 000 (phase-7b): a messaging service with its own shadow users table -----------------------


def shadow_users_inventory() -> Inventory:
    inv = migrations_inventory(
        {
            "services/auth/migrations/001_init.sql": ["users", "sessions"],
            "services/messaging/migrations/001_messaging_schema.sql": ["users", "conversations", "messages"],
        }
    )
    fk = ForeignKey(
        "messages_sender_id_fkey",
        TableRef("services/messaging/migrations", "public", "messages"),
        ("sender_id",),
        TableRef("services/messaging/migrations", "public", "users"),
        ("id",),
        added_at=Location("services/messaging/migrations/001_messaging_schema.sql", 25),
    )
    return replace(inv, foreign_keys=(fk,))


def test_shadow_users_table_is_a_replica_of_auth() -> None:
    cfg, diags = parse_config(
        "[services.auth]\n[services.messaging]\n[[replicas]]\n"
        'table = "services/messaging/migrations:public.users"\nowner = "auth"\n'
    )
    assert diags == []
    inv = assign_services(shadow_users_inventory(), cfg)
    got = {(t.ref.database, t.ref.name): (t.service, t.replica_of, t.owner) for t in inv.tables}
    assert got == {
        ("services/auth/migrations", "users"): ("auth", "", "auth"),
        ("services/auth/migrations", "sessions"): ("auth", "", "auth"),
        ("services/messaging/migrations", "users"): ("messaging", "auth", "auth"),
        ("services/messaging/migrations", "conversations"): ("messaging", "", "messaging"),
        ("services/messaging/migrations", "messages"): ("messaging", "", "messaging"),
    }
    assert inv.foreign_keys == shadow_users_inventory().foreign_keys
    assert unowned(inv) == []


def test_first_replica_entry_wins() -> None:
    cfg = Config(replicas=(Replica("*:users", "auth"), Replica("services/messaging/*:users", "identity")))
    inv = assign_services(shadow_users_inventory(), cfg)
    assert {t.replica_of for t in inv.tables if t.ref.name == "users"} == {"auth"}
    assert [s.name for s in inv.services] == ["auth", "messaging"]


# -- seed 001: accounting keeps a local user_accounts copy --------------------------------------------


def test_accounting_service_with_local_user_accounts_copy() -> None:
    inv = migrations_inventory(
        {
            "accounting-service/migrations/20250401_init.sql": ["user_accounts", "credit_allocations"],
        }
    )
    cfg, diags = parse_config(
        '[services.auth]\ndescription = "MongoDB, not scanned"\n'
        '[[replicas]]\ntable = "user_accounts"\nowner = "auth"\n'
    )
    assert diags == []
    out = assign_services(inv, cfg)
    got = {t.ref.name: (t.service, t.replica_of) for t in out.tables}
    assert got == {"user_accounts": ("accounting", "auth"), "credit_allocations": ("accounting", "")}
    assert out.services == (Service("accounting"), Service("auth", "MongoDB, not scanned"))


# -- seed 004: database per service, read from live catalogs -----------------------------------------


def test_database_per_service_catalogs_use_database_pattern() -> None:
    tables = tuple(
        Table(TableRef(db, "public", name), defined_at=Location(f"postgresql://app@pg/{db}"))
        for db, name in [
            ("communication_db", "Conversation"),
            ("communication_db", "Message"),
            ("queuing_db", "QueueEntry"),
            ("user_db", "User"),
            ("analytics", "Event"),
        ]
    )
    inv = Inventory(tables=tables, sources=(Source("catalog", "postgresql://app@pg/user_db"),))
    out = assign_services(inv, Config())
    assert [(t.ref.name, t.service) for t in out.tables] == [
        ("Conversation", "communication"),
        ("Message", "communication"),
        ("QueueEntry", "queuing"),
        ("User", "user"),
        ("Event", "analytics"),
    ]
    assert [s.name for s in out.services] == ["analytics", "communication", "queuing", "user"]
    assert unowned(out) == []


def test_prisma_layout_per_service() -> None:
    inv = migrations_inventory(
        {
            "services/user-service/prisma/migrations/20240101_init/migration.sql": ["User"],
            "services/chat-service/prisma/migrations/20240102_init/migration.sql": ["Conversation"],
        }
    )
    assert services_of(assign_services(inv, Config())) == {
        "services/chat-service/prisma/migrations/20240102_init:Conversation": "chat",
        "services/user-service/prisma/migrations/20240101_init:User": "user",
    }


# -- external tables --------------------------------------------------------------------------------


def fresh_db_failure_inventory() -> Inventory:
    """Messaging's migrations reference users(id), which only auth's migrations create."""
    inv = migrations_inventory(
        {
            "services/auth/migrations/001_init.sql": ["users"],
            "services/messaging/migrations/001_messaging_schema.sql": ["messages"],
        }
    )
    stub = Table(TableRef("services/messaging/migrations", "public", "users"), external=True)
    fk = ForeignKey(
        "messages_sender_id_fkey",
        TableRef("services/messaging/migrations", "public", "messages"),
        ("sender_id",),
        stub.ref,
        ("id",),
        added_at=Location("services/messaging/migrations/001_messaging_schema.sql", 7),
    )
    return replace(inv, tables=tuple(sorted((*inv.tables, stub), key=lambda t: t.ref)), foreign_keys=(fk,))


def test_resolved_external_takes_the_service_of_its_table() -> None:
    inv = assign_services(resolve_external(merge([fresh_db_failure_inventory()])), Config())
    stub = inv.table(TableRef("services/messaging/migrations", "public", "users"))
    assert stub is not None
    assert (stub.service, stub.resolved_to) == (
        "auth",
        TableRef("services/auth/migrations", "public", "users"),
    )
    assert explain_services(resolve_external(fresh_db_failure_inventory()), Config())[stub.ref] == Assignment(
        "auth", "", "resolved to services/auth/migrations:public.users"
    )
    assert unowned(inv) == []


def test_resolved_external_follows_rules_of_its_table_not_its_folder() -> None:
    cfg = Config(
        services=(ServiceRule("identity", tables=("services/auth/*:users",)),),
        replicas=(Replica("services/auth/*:users", "people"),),
    )
    inv = assign_services(resolve_external(fresh_db_failure_inventory()), cfg)
    stub = inv.table(TableRef("services/messaging/migrations", "public", "users"))
    assert stub is not None and (stub.service, stub.replica_of) == ("identity", "people")


def test_unresolved_external_is_unowned_not_its_referencing_folder() -> None:
    inv = fresh_db_failure_inventory()
    inv = replace(inv, tables=tuple(t for t in inv.tables if t.ref.database != "services/auth/migrations"))
    out = assign_services(resolve_external(inv), Config())
    stub = out.table(TableRef("services/messaging/migrations", "public", "users"))
    assert stub is not None and stub.service == ""
    [warning] = unowned(out)
    assert (warning.path, warning.line) == ("services/messaging/migrations/001_messaging_schema.sql", 7)
    assert warning.message.startswith(
        "table services/messaging/migrations:public.users (referenced at "
        "services/messaging/migrations/001_messaging_schema.sql:7) is defined in no scanned database"
    )
    cfg = Config(services=(ServiceRule("auth", tables=("users",)),))
    stub = assign_services(inv, cfg).table(stub.ref)
    assert stub is not None and stub.service == "auth"
    schema_cfg = Config(services=(ServiceRule("auth", schemas=("public",)),))
    assert not_none(assign_services(inv, schema_cfg).table(stub.ref)).service == "auth"
    db_cfg = Config(services=(ServiceRule("auth", databases=("services/messaging/*",)),))
    assert not_none(assign_services(inv, db_cfg).table(stub.ref)).service == ""


# -- rule order -------------------------------------------------------------------------------------

ORDER_INV = migrations_inventory(
    {
        "services/billing/migrations/001_init.sql": ["invoices", "users"],
        "services/billing/migrations/002_ledger.sql": ["ledger"],
    },
    schema="acct",
)
INVOICES = TableRef("services/billing/migrations", "acct", "invoices")


@pytest.mark.parametrize(
    ("services", "expected", "rule"),
    [
        ((), "billing", "migration folder 'services/billing/migrations'"),
        (
            (ServiceRule("d", databases=("services/billing/*",)),),
            "d",
            "databases glob 'services/billing/*' of [services.d]",
        ),
        (
            (ServiceRule("d", databases=("services/*",)), ServiceRule("s", schemas=("acct",))),
            "s",
            "schemas glob 'acct' of [services.s]",
        ),
        (
            (ServiceRule("s", schemas=("acct",)), ServiceRule("p", paths=("*/billing/**",))),
            "p",
            "paths glob '*/billing/**' of [services.p]",
        ),
        (
            (ServiceRule("p", paths=("services/billing",)), ServiceRule("t", tables=("acct.inv*",))),
            "t",
            "tables glob 'acct.inv*' of [services.t]",
        ),
        (
            (ServiceRule("first", tables=("invoices",)), ServiceRule("second", tables=("*",))),
            "first",
            "tables glob 'invoices' of [services.first]",
        ),
        (
            (ServiceRule("second", tables=("*",)), ServiceRule("first", tables=("invoices",))),
            "second",
            "tables glob '*' of [services.second]",
        ),
        (
            (ServiceRule("x", paths=("*_ledger.sql",)), ServiceRule("y", paths=("services/**",))),
            "y",
            "paths glob 'services/**' of [services.y]",
        ),
        ((ServiceRule("Billing"),), "Billing", "migration folder 'services/billing/migrations'"),
    ],
    ids=[
        "default",
        "databases",
        "schemas>databases",
        "paths>schemas",
        "tables>paths",
        "first-wins",
        "first-wins-reversed",
        "paths-first-wins",
        "declared-spelling",
    ],
)
def test_rule_order(services: tuple[ServiceRule, ...], expected: str, rule: str) -> None:
    cfg = Config(services=services)
    found = explain_services(ORDER_INV, cfg)
    assert found[INVOICES] == Assignment(expected, "", rule)
    assert not_none(assign_services(ORDER_INV, cfg).table(INVOICES)).service == expected


def test_replica_does_not_decide_the_service() -> None:
    cfg = Config(services=(ServiceRule("auth"),), replicas=(Replica("users", "auth"),))
    inv = assign_services(ORDER_INV, cfg)
    users = inv.table(TableRef("services/billing/migrations", "acct", "users"))
    assert users is not None and (users.service, users.replica_of, users.owner) == ("billing", "auth", "auth")


@pytest.mark.parametrize(
    ("map_by", "pattern_key", "pattern", "expected"),
    [
        ("database", "database_pattern", r"^services/(?P<service>[^/]+)/", "billing"),
        ("database", "database_pattern", r"^services/([^/]+)/", "billing"),
        ("database", "database_pattern", r"^nomatch", ""),
        ("database", "database_pattern", r"services", "services"),
        ("schema", "schema_pattern", r"^(?P<service>.+)$", "acct"),
        ("schema", "schema_pattern", r"^ac(?P<service>x)?", ""),
        ("schema", "schema_pattern", r"^(?P<service>ac)ct$", "ac"),
    ],
)
def test_map_by_database_and_schema(map_by: str, pattern_key: str, pattern: str, expected: str) -> None:
    cfg, diags = parse_config(f"[scan]\nmap_by = '{map_by}'\n{pattern_key} = '{pattern}'\n")
    assert diags == []
    inv = assign_services(ORDER_INV, cfg)
    assert not_none(inv.table(INVOICES)).service == expected
    assert len(unowned(inv)) == (0 if expected else 3)


def test_invalid_regex_in_hand_built_config_is_a_diagnostic() -> None:
    cfg = Config(map_by="database", database_pattern="(", path="fkmap.toml")
    inv = assign_services(ORDER_INV, cfg)
    errors = [d for d in inv.diagnostics if d.code == "config"]
    assert [(d.severity, d.path) for d in errors] == [("error", "fkmap.toml")]
    assert errors[0].message.startswith("'scan.database_pattern' '(' is not a valid regular expression")
    assert {t.service for t in inv.tables} == {""}


# -- ignore_tables ----------------------------------------------------------------------------------


def test_ignore_tables_drops_tables_and_their_foreign_keys() -> None:
    inv = migrations_inventory({"db/migrations/001_init.sql": ["schema_migrations", "users", "audit_log"]})
    db = "db/migrations"
    fks = (
        ForeignKey(
            "a_fkey", TableRef(db, "public", "audit_log"), ("u",), TableRef(db, "public", "users"), ("id",)
        ),
        ForeignKey(
            "b_fkey",
            TableRef(db, "public", "audit_log"),
            ("m",),
            TableRef(db, "public", "schema_migrations"),
            ("v",),
        ),
    )
    inv = replace(inv, foreign_keys=fks)
    cfg = Config(services=(ServiceRule("core", paths=("db/**",)),), path="fkmap.toml")
    out = assign_services(inv, cfg)
    assert [t.ref.name for t in out.tables] == ["audit_log", "users"]
    assert out.foreign_keys == fks[:1]
    [info] = [d for d in out.diagnostics if d.code == "ignored"]
    assert (info.severity, info.path) == ("info", "fkmap.toml")
    assert info.message == (
        "ignored 1 table(s) matching scan.ignore_tables (public.schema_migrations) "
        "and 1 foreign key(s) touching them"
    )
    custom = assign_services(inv, replace(cfg, ignore_tables=("audit_*",)))
    assert [t.ref.name for t in custom.tables] == ["schema_migrations", "users"]
    assert custom.foreign_keys == ()
    none = assign_services(inv, replace(cfg, ignore_tables=()))
    assert len(none.tables) == 3 and [d for d in none.diagnostics if d.code == "ignored"] == []


def test_ignored_table_takes_its_resolved_aliases_along() -> None:
    inv = resolve_external(fresh_db_failure_inventory())
    out = assign_services(inv, Config(ignore_tables=("services/auth/*:users",)))
    assert [t.ref.name for t in out.tables] == ["messages"]
    assert out.foreign_keys == ()


# -- services, idempotence, folder names ------------------------------------------------------------


def test_services_list_merges_declared_derived_replica_owners_and_existing() -> None:
    inv = replace(
        ORDER_INV, services=(Service("legacy", "kept from a saved inventory"), Service("billing", "old"))
    )
    cfg = Config(
        services=(ServiceRule("zeta", description="declared, no tables"), ServiceRule("billing")),
        replicas=(Replica("ledger", "owner-undeclared"),),
    )
    out = assign_services(inv, cfg)
    assert out.services == (
        Service("billing", "old"),
        Service("legacy", "kept from a saved inventory"),
        Service("owner-undeclared"),
        Service("zeta", "declared, no tables"),
    )


def test_assign_is_idempotent_and_keeps_loaded_services() -> None:
    cfg, _ = parse_config(LEGACY_CONFIG)
    once = assign_services(migrations_inventory(LEGACY), cfg)
    assert assign_services(once, cfg) == once
    loaded = replace(once, tables=tuple(replace(t, service=t.service or "from-json") for t in once.tables))
    again = assign_services(loaded, cfg)
    assert unowned(again) == []
    assert not_none(again.table(TableRef("legacy/migrations", "public", "posts"))).service == "from-json"


def test_does_not_mutate_its_input() -> None:
    inv = migrations_inventory(LEGACY)
    before = inv.to_json()
    assign_services(inv, Config())
    assert inv.to_json() == before


def test_single_file_set_and_root_set() -> None:
    single = Inventory(
        tables=(
            Table(
                TableRef("services/auth/schema.sql", "public", "users"),
                defined_at=Location("services/auth/schema.sql", 3),
            ),
        ),
        migrations=(Migration("services/auth/schema.sql", "services/auth/schema.sql", 0, 0),),
    )
    assert assign_services(single, Config()).tables[0].service == "auth"
    root = Inventory(
        tables=(Table(TableRef(".", "public", "users"), defined_at=Location("001_init.sql", 1)),),
        migrations=(Migration("001_init.sql", ".", 0, 0),),
        sources=(Source("migrations", "services/identity-service/migrations"),),
    )
    assert assign_services(root, Config()).tables[0].service == "identity"


NAMES = st.sampled_from(["users", "posts", "schema_migrations", "a.b", "x:y", "User"])
DBS = st.sampled_from(["services/auth/migrations", "legacy/migrations", ".", "", "auth_db", "a:b"])
TABLES = st.builds(
    Table,
    ref=st.builds(TableRef, DBS, st.sampled_from(["public", "auth", ""]), NAMES),
    external=st.booleans(),
    defined_at=st.none() | st.builds(Location, st.sampled_from(["legacy/migrations/001_auth.sql", "x", ""])),
    service=st.sampled_from(["", "old"]),
    resolved_to=st.none() | st.builds(TableRef, DBS, st.just("public"), NAMES),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    tables=st.lists(TABLES, max_size=8, unique_by=lambda t: t.ref),
    text=st.sampled_from([LEGACY_CONFIG, "[scan]\nmap_by='schema'\n", "[scan]\nmap_by='database'\n", "x=1"]),
    migrations=st.lists(
        st.builds(Migration, st.just("legacy/migrations/001_auth.sql"), DBS, st.just(0), st.just(0))
    ),
)
def test_assign_never_raises_and_loses_only_ignored_tables(
    tables: list[Table], text: str, migrations: list[Migration]
) -> None:
    cfg, _ = parse_config(text)
    inv = Inventory(tables=tuple(tables), migrations=tuple(migrations))
    out = assign_services(inv, cfg)
    kept = {t.ref for t in out.tables}
    assert kept <= {t.ref for t in tables}
    ignored = {t.ref for t in tables} - kept
    for t in tables:
        if t.ref in ignored:
            assert t.ref.name == "schema_migrations" or t.resolved_to in ignored
    assert len([d for d in out.diagnostics if d.code == "unowned"]) == len(
        [t for t in out.tables if not t.service]
    )
    assert assign_services(out, cfg) == out
    assert all(re.match(r"^\S", s.name) for s in out.services)
