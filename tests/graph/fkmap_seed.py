"""A hand-built inventory modelled on the seed FK inventory (no ingest needed).

One shared migration folder ``legacy/migrations`` holds five services:
``auth`` (users, sessions), ``messaging``, ``content``, ``streaming`` and
``experiments``, all pointing at ``users`` with CASCADE, SET NULL and NO
ACTION; ``users.avatar_post_id`` points back at content (a service cycle); one
FK was dropped by a later migration, one is NOT VALID, one is inferred; and
``audit_log`` has no FKs and no service.

A second database ``services/billing/migrations`` references ``users`` without
creating it (an external table resolved to the legacy one: fails on a fresh
database) and keeps ``customers``, a local copy of auth's users
(``replica_of='auth'``).
"""

from __future__ import annotations

from typing import Any

from model.inventory import (
    Diagnostic,
    ForeignKey,
    Inventory,
    Location,
    Service,
    Source,
    Table,
    TableRef,
)

L = "legacy/migrations"
B = "services/billing/migrations"

TABLES = {
    # name: (service, file, line)
    "users": ("auth", "001_auth_schema.sql", 1),
    "sessions": ("auth", "001_auth_schema.sql", 10),
    "audit_log": ("", "002_audit.sql", 1),
    "posts": ("content", "003_posts_schema.sql", 1),
    "streams": ("streaming", "013_streaming_stream_table.sql", 1),
    "viewer_sessions": ("streaming", "015_streaming_viewer_session_table.sql", 1),
    "conversations": ("messaging", "018_messaging_schema.sql", 3),
    "conversation_participants": ("messaging", "018_messaging_schema.sql", 11),
    "messages": ("messaging", "018_messaging_schema.sql", 18),
    "experiments": ("experiments", "033_experiments_schema.sql", 1),
    "experiment_assignments": ("experiments", "033_experiments_schema.sql", 7),
    "experiment_events": ("experiments", "033_experiments_schema.sql", 13),
    "post_shares": ("content", "052_add_post_share_and_bookmark.sql", 1),
    "bookmarks": ("content", "052_add_post_share_and_bookmark.sql", 9),
    "post_comments": ("content", "052_add_post_share_and_bookmark.sql", 14),
}

FILES = {
    "001": "001_auth_schema.sql",
    "003": "003_posts_schema.sql",
    "013": "013_streaming_stream_table.sql",
    "015": "015_streaming_viewer_session_table.sql",
    "018": "018_messaging_schema.sql",
    "033": "033_experiments_schema.sql",
    "052": "052_add_post_share_and_bookmark.sql",
    "053": "053_user_avatars.sql",
}
DROPPED: dict[str, Any] = {"dropped_at": Location(f"{L}/060_drop_experiment_fks.sql", 1)}

# (name, table, column, referenced table, on_delete, file, line, extra ForeignKey kwargs)
# fmt: off
FKS: list[tuple[str, str, str, str, str, str, int, dict[str, Any]]] = [
    ("sessions_user_id_fkey", "sessions", "user_id", "users", "CASCADE", "001", 12, {}),
    ("posts_user_id_fkey", "posts", "user_id", "users", "CASCADE", "003", 3, {}),
    ("streams_broadcaster_id_fkey", "streams", "broadcaster_id", "users", "CASCADE", "013", 3, {}),
    ("streams_moderator_id_ref", "streams", "moderator_id", "users", "NO ACTION", "013", 5,
     {"origin": "inferred"}),
    ("viewer_sessions_viewer_id_fkey", "viewer_sessions", "viewer_id", "users", "SET NULL", "015", 3,
     {"validated": False}),
    ("conversations_created_by_fkey", "conversations", "created_by", "users", "NO ACTION", "018", 7, {}),
    ("conversation_participants_conversation_id_fkey", "conversation_participants", "conversation_id",
     "conversations", "CASCADE", "018", 13, {}),
    ("conversation_participants_user_id_fkey", "conversation_participants", "user_id", "users", "CASCADE",
     "018", 14, {}),
    ("messages_conversation_id_fkey", "messages", "conversation_id", "conversations", "CASCADE", "018", 20,
     {}),
    ("messages_sender_id_fkey", "messages", "sender_id", "users", "NO ACTION", "018", 21, {}),
    ("experiments_created_by_fkey", "experiments", "created_by", "users", "SET NULL", "033", 4, {}),
    ("experiment_assignments_experiment_id_fkey", "experiment_assignments", "experiment_id", "experiments",
     "CASCADE", "033", 9, {}),
    ("experiment_assignments_user_id_fkey", "experiment_assignments", "user_id", "users", "CASCADE",
     "033", 10, {}),
    ("experiment_events_user_id_fkey", "experiment_events", "user_id", "users", "CASCADE", "033", 15,
     DROPPED),
    ("post_shares_post_id_fkey", "post_shares", "post_id", "posts", "CASCADE", "052", 3, {}),
    ("post_shares_user_id_fkey", "post_shares", "user_id", "users", "CASCADE", "052", 4, {}),
    ("post_shares_shared_with_user_id_fkey", "post_shares", "shared_with_user_id", "users", "SET NULL",
     "052", 6, {}),
    ("bookmarks_user_id_fkey", "bookmarks", "user_id", "users", "CASCADE", "052", 11, {}),
    ("post_comments_post_id_fkey", "post_comments", "post_id", "posts", "CASCADE", "052", 16, {}),
    ("users_avatar_post_id_fkey", "users", "avatar_post_id", "posts", "SET NULL", "053", 2, {}),
]
# fmt: on


def ref(name: str, database: str = L) -> TableRef:
    """A ``public`` table of ``database`` (the legacy folder by default)."""
    return TableRef(database, "public", name)


def seed_inventory() -> Inventory:
    """The inventory described in the module docstring, sorted like producers sort."""
    tables = [
        Table(ref(name), primary_key=("id",), defined_at=Location(f"{L}/{file}", line), service=service)
        for name, (service, file, line) in TABLES.items()
    ]
    tables += [
        Table(ref("users", B), external=True, service="auth", resolved_to=ref("users")),
        Table(
            ref("customers", B),
            primary_key=("id",),
            defined_at=Location(f"{B}/001_billing.sql", 1),
            service="billing",
            replica_of="auth",
        ),
        Table(
            ref("invoices", B),
            primary_key=("id",),
            defined_at=Location(f"{B}/001_billing.sql", 5),
            service="billing",
        ),
    ]
    fks = [
        ForeignKey(
            name,
            ref(table),
            (column,),
            ref(target),
            ("id",),
            on_delete=on_delete,
            added_at=Location(f"{L}/{FILES[file]}", line),
            **extra,
        )
        for name, table, column, target, on_delete, file, line, extra in FKS
    ]
    fks += [
        ForeignKey(
            "invoices_customer_id_fkey",
            ref("invoices", B),
            ("customer_id",),
            ref("customers", B),
            ("id",),
            on_delete="CASCADE",
            added_at=Location(f"{B}/001_billing.sql", 9),
        ),
        ForeignKey(
            "invoices_user_id_fkey",
            ref("invoices", B),
            ("user_id",),
            ref("users", B),
            ("id",),
            added_at=Location(f"{B}/001_billing.sql", 8),
        ),
    ]
    return Inventory(
        tables=tuple(sorted(tables, key=lambda t: t.ref)),
        foreign_keys=tuple(sorted(fks, key=lambda fk: (fk.table, fk.name))),
        diagnostics=(
            Diagnostic(
                "warning",
                "table audit_log belongs to no service",
                f"{L}/002_audit.sql",
                1,
                "CREATE TABLE audit_log (",
                "unassigned",
            ),
            Diagnostic(
                "error",
                'syntax error at or near "TABEL"',
                f"{L}/040_broken.sql",
                3,
                "CREATE TABEL x (",
                "parse-error",
            ),
        ),
        services=tuple(
            Service(name, description)
            for name, description in (
                ("auth", "Identity and sessions"),
                ("billing", ""),
                ("content", "Posts and bookmarks"),
                ("experiments", ""),
                ("messaging", ""),
                ("streaming", ""),
            )
        ),
        sources=(Source("migrations", "repo"),),
    )


#: What :func:`graph.impact.summary_sentences` says of each coupled service of the seed
#: (dropped FKs included).
SENTENCES = {
    "messaging": [
        "Cannot deploy messaging without auth's database: 3 foreign keys into auth (users).",
        "Deleting a row of auth.users cascades into 1 messaging table: conversation_participants.",
        "auth cannot delete a row of users that messaging still references: 2 foreign keys block it "
        "(conversations.created_by, messages.sender_id).",
    ],
    "content": [
        "Cannot deploy content without auth's database: 4 foreign keys into auth (users).",
        "Deleting a row of auth.users cascades into 3 content tables: bookmarks, post_shares, posts.",
        "Deleting a row of auth.users sets 1 content column to NULL: post_shares.shared_with_user_id.",
        "auth depends on content's database: 1 foreign key into content (posts).",
        "Deleting a row of content.posts sets 1 foreign key of 1 service to NULL: "
        "auth (users.avatar_post_id).",
    ],
    "streaming": [
        "Cannot deploy streaming without auth's database: 2 foreign keys into auth (users).",
        "Deleting a row of auth.users cascades into 1 streaming table: streams.",
        "Deleting a row of auth.users sets 1 streaming column to NULL: viewer_sessions.viewer_id.",
        "1 foreign key into auth is NOT VALID: existing streaming rows were never checked "
        "(viewer_sessions.viewer_id).",
        "streaming stores references to auth without a constraint in 1 column: streams.moderator_id.",
    ],
    "experiments": [
        "Cannot deploy experiments without auth's database: 2 foreign keys into auth (users).",
        "Deleting a row of auth.users cascades into 1 experiments table: experiment_assignments.",
        "Deleting a row of auth.users sets 1 experiments column to NULL: experiments.created_by.",
        "Already dropped: 1 foreign key from experiments into auth (experiment_events.user_id).",
    ],
    "billing": [
        "Cannot deploy billing without auth's database: 1 foreign key into auth (users).",
        "Migrating a fresh billing database fails: users is never created there but referenced by "
        "1 foreign key.",
        "billing keeps a local copy of auth's customers: 1 foreign key relies on it staying in sync "
        "with auth.",
        "When auth deletes an entity, removing it from billing.customers cascades into 1 billing table: "
        "invoices.",
        "auth cannot delete a row of users that billing still references: 1 foreign key blocks it "
        "(invoices.user_id).",
    ],
    "auth": [
        "Cannot deploy auth without content's database: 1 foreign key into content (posts).",
        "Deleting a row of content.posts sets 1 auth column to NULL: users.avatar_post_id.",
        "billing, content, experiments, messaging and streaming depend on auth's database: "
        "12 foreign keys into auth (users).",
        "billing keeps a local copy of auth's data (billing.customers); 1 foreign key depends on it staying "
        "in sync with auth.",
        "Deleting a row of auth.users cascades into 6 tables of 4 services: content (bookmarks, post_shares, "
        "posts), experiments (experiment_assignments), messaging (conversation_participants), "
        "streaming (streams).",
        "Deleting a row of auth.users sets 3 foreign keys of 3 services to NULL: content "
        "(post_shares.shared_with_user_id), experiments (experiments.created_by), "
        "streaming (viewer_sessions.viewer_id).",
        "auth cannot delete a row of users while other services reference it: billing (invoices.user_id), "
        "messaging (conversations.created_by, messages.sender_id).",
        "1 column of other services stores references to auth without a constraint: "
        "streaming (streams.moderator_id).",
        "Already dropped: 1 foreign key into auth: experiments (experiment_events.user_id).",
    ],
}
