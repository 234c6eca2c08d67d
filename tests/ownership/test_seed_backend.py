"""Seed 000 (a shared ``backend/migrations`` folder, service folders, a phase-7b set), with units and code.

The seed's inventory lists the foreign keys of messaging, content (posts and
stories), streaming and experiments into ``users(id)``: with the repository's
units and what their code writes and reads given as inputs, every one of them
must be cross-service into the owner of ``users``, and every other one must stay
inside its service.
"""

from __future__ import annotations

from model.inventory import ForeignKey, Inventory, TableRef
from ownership.config import Config
from ownership.services import assign_services
from ownership.summary import unowned_summary
from tests.ownership.builders import Access, Unit, fk, inventory, reads, writes

DB = "backend/migrations"
PHASE = "backend/migrations/phase-7b"
MSG_OWN = "backend/messaging-service/migrations"

FILES = {
    f"{DB}/001_initial_schema.sql": ["users", "sessions"],
    f"{DB}/003_posts_schema.sql": ["posts"],
    f"{DB}/013_streaming_stream_table.sql": ["streams"],
    f"{DB}/015_streaming_viewer_session_table.sql": ["viewer_sessions"],
    f"{DB}/018_messaging_schema.sql": ["conversations", "conversation_participants", "messages"],
    f"{DB}/019_stories_schema.sql": ["stories", "story_views", "story_close_friends"],
    f"{DB}/033_experiments_schema.sql": ["experiments", "experiment_assignments", "experiment_events"],
    f"{DB}/052_add_post_share_and_bookmark.sql": ["post_shares", "bookmarks", "bookmark_collections"],
    f"{PHASE}/001_messaging_schema.sql": ["conversations", "conversation_participants", "messages"],
    f"{MSG_OWN}/001_reactions.sql": ["message_reactions"],
}

#: (database, table, column, referenced table) of every FK into users the seed lists.
INTO_USERS = [
    (DB, "conversations", "created_by"),
    (DB, "conversation_participants", "user_id"),
    (DB, "messages", "sender_id"),
    (PHASE, "conversations", "created_by"),
    (PHASE, "conversation_participants", "user_id"),
    (PHASE, "messages", "sender_id"),
    (DB, "stories", "user_id"),
    (DB, "story_views", "viewer_id"),
    (DB, "story_close_friends", "owner_id"),
    (DB, "story_close_friends", "friend_id"),
    (DB, "posts", "user_id"),
    (DB, "post_shares", "user_id"),
    (DB, "post_shares", "shared_with_user_id"),
    (DB, "bookmarks", "user_id"),
    (DB, "bookmark_collections", "user_id"),
    (DB, "streams", "broadcaster_id"),
    (DB, "viewer_sessions", "viewer_id"),
    (DB, "experiments", "created_by"),
    (DB, "experiment_assignments", "user_id"),
    (DB, "experiment_events", "user_id"),
]
INSIDE = [
    (DB, "conversation_participants", "conversation_id", "conversations"),
    (DB, "messages", "conversation_id", "conversations"),
    (PHASE, "conversation_participants", "conversation_id", "conversations"),
    (PHASE, "messages", "conversation_id", "conversations"),
    (DB, "story_views", "story_id", "stories"),
    (DB, "post_shares", "post_id", "posts"),
    (DB, "experiment_assignments", "experiment_id", "experiments"),
    (DB, "experiment_events", "experiment_id", "experiments"),
]

UNITS = [
    Unit("nova", "", "root"),
    Unit("db-pool", "backend/libs/db-pool", "library"),
    Unit("auth-service", "backend/auth-service", depends_on=("backend/libs/db-pool",)),
    Unit("messaging-service", "backend/messaging-service", depends_on=("backend/libs/db-pool",)),
    Unit("content-service", "backend/content-service"),
    Unit("streaming-service", "backend/streaming-service"),
    Unit("experiments-service", "backend/experiments-service"),
]


def _writes(unit: str, file: str, line: int) -> dict[str, Access]:
    return {f"backend/{unit}": writes(f"backend/{unit}/src/{file}", line)}


ACCESS: dict[str, dict[str, Access]] = {
    "users": {
        **_writes("auth-service", "db/users.rs", 40),
        "backend/messaging-service": reads("backend/messaging-service/src/auth.rs", 12),
        "backend/content-service": reads("backend/content-service/src/authz.rs", 7, 3),
    },
    "sessions": _writes("auth-service", "db/sessions.rs", 9),
    "conversations": _writes("messaging-service", "db.rs", 20),
    "conversation_participants": _writes("messaging-service", "db.rs", 31),
    "messages": _writes("messaging-service", "db.rs", 44),
    "message_reactions": _writes("messaging-service", "reactions.rs", 5),
    "posts": _writes("content-service", "posts.rs", 18),
    "post_shares": _writes("content-service", "shares.rs", 4),
    "bookmarks": _writes("content-service", "bookmarks.rs", 8),
    "stories": _writes("content-service", "stories.rs", 15),
    "streams": _writes("streaming-service", "streams.rs", 11),
    "viewer_sessions": {"backend/streaming-service": reads("backend/streaming-service/src/viewers.rs", 3)},
    "experiments": _writes("experiments-service", "experiments.rs", 21),
    "experiment_assignments": _writes("experiments-service", "assign.rs", 2),
}


def seed_inventory() -> Inventory:
    fks: list[ForeignKey] = [
        fk(db, table, column, "users", at=(f"{db}/x.sql", 1)) for db, table, column in INTO_USERS
    ]
    fks += [fk(db, table, column, target) for db, table, column, target in INSIDE]
    fks.append(fk(MSG_OWN, "message_reactions", "user_id", "users"))
    return inventory(FILES, fks=fks)


def test_every_seed_fk_into_users_is_cross_service_into_its_owner() -> None:
    inv = assign_services(seed_inventory(), Config(), units=UNITS, access=ACCESS, root_label="nova")
    by_ref = inv.tables_by_ref()
    users = by_ref[TableRef(DB, "public", "users")]
    assert users.owner == "auth-service"

    def effective(ref: TableRef) -> TableRef:
        return by_ref[ref].resolved_to or ref

    for db, table, column in INTO_USERS:
        source = by_ref[TableRef(db, "public", table)]
        [key] = [f for f in inv.foreign_keys if f.table == source.ref and f.columns == (column,)]
        target = by_ref[effective(key.ref_table)]
        assert target.ref == users.ref, f"{table}.{column} points at {target.ref}"
        assert source.service and source.service != target.owner, f"{table}.{column} is not cross-service"
    for db, table, column, ref_table in INSIDE:
        source = by_ref[TableRef(db, "public", table)]
        assert source.service == by_ref[TableRef(db, "public", ref_table)].owner, f"{table}.{column}"
    assert unowned_summary(inv) == (0, 0)


def test_seed_services_and_the_evidence_that_placed_them() -> None:
    inv = assign_services(seed_inventory(), Config(), units=UNITS, access=ACCESS, root_label="nova")
    services = {t.ref.name: t.service for t in inv.tables if t.ref.database == DB}
    assert services == {
        "users": "auth-service",
        "sessions": "auth-service",
        "conversations": "messaging-service",
        "conversation_participants": "messaging-service",
        "messages": "messaging-service",
        "posts": "content-service",
        "post_shares": "content-service",
        "bookmarks": "content-service",
        "bookmark_collections": "content-service",
        "stories": "content-service",
        "story_views": "content-service",
        "story_close_friends": "content-service",
        "streams": "streaming-service",
        "viewer_sessions": "streaming-service",
        "experiments": "experiments-service",
        "experiment_assignments": "experiments-service",
        "experiment_events": "experiments-service",
    }
    kinds = {t.ref.name: t.owner_evidence[0].kind for t in inv.tables if t.ref.database == DB}
    assert (
        kinds["users"],
        kinds["viewer_sessions"],
        kinds["story_views"],
        kinds["bookmark_collections"],
    ) == (
        "code-write",
        "file-name",
        "name-family",
        "name-family",
    )
    assert {t.service for t in inv.tables if t.ref.database == PHASE and not t.external} == {
        "messaging-service"
    }
    reactions = inv.table(TableRef(MSG_OWN, "public", "message_reactions"))
    assert reactions is not None and reactions.owner_evidence[0].kind == "unit"
    assert [(a.table.name, a.service, a.access, a.path, a.line) for a in inv.shared_access] == [
        ("users", "content-service", "read", "backend/content-service/src/authz.rs", 7),
        ("users", "messaging-service", "read", "backend/messaging-service/src/auth.rs", 12),
    ]
    assert [d for d in inv.diagnostics if d.code in ("unowned", "owner-conflict", "shared-library")] == []
    assert assign_services(inv, Config(), units=UNITS, access=ACCESS, root_label="nova") == inv


def test_without_units_and_code_the_seed_folder_stays_partly_unowned() -> None:
    inv = assign_services(seed_inventory(), Config())
    unowned, into = unowned_summary(inv)
    assert unowned > 0 and into > 0
    assert {t.service for t in inv.tables if t.ref.database == MSG_OWN and not t.external} == {"messaging"}
    assert "phase-7b" not in {t.service for t in inv.tables}
