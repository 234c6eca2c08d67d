"""Seed 000 end to end: a repository shaped like the seed's, scanned with no fkmap.toml at all.

The seed (a cross-service FK inventory of a Rust/TypeScript backend) lists the foreign keys
into ``users(id)`` of messaging, content (posts and stories), streaming and experiments,
all in one shared ``backend/migrations`` folder, plus messaging's own copy of its schema
(phase 7b). The repository below has that folder, one folder per service with its manifest
and a little code (Rust ``sqlx::query!`` macros, TypeScript template strings), messaging's
own database with a local ``users`` copy, streaming's and experiments' own migrations.

``scan([repository])`` must find, from the code alone: auth-service owns ``users``; every
FK the seed lists is cross-service into it (directly, or through messaging's copy, which is
detected as a replica of auth-service's users); nothing else crosses services; every table
has an owner and evidence saying why.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model.inventory import Inventory, Table, TableRef
from ownership.scan import scan

SHARED = "backend/migrations"
MESSAGING_DB = "backend/messaging-service/migrations"
STREAMING_DB = "backend/streaming-service/migrations"
EXPERIMENTS_DB = "backend/experiments-service/migrations"

# -- the repository ------------------------------------------------------------------------------------

_CARGO_WORKSPACE = """\
[workspace]
resolver = "2"
members = ["auth-service", "messaging-service", "streaming-service", "libs/db-pool"]

[workspace.dependencies]
db-pool = { path = "libs/db-pool" }
sqlx = { version = "0.7", features = ["runtime-tokio", "postgres", "uuid", "chrono"] }
"""


def _cargo(name: str) -> str:
    return (
        f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n'
        "[dependencies]\ndb-pool = { workspace = true }\nsqlx = { workspace = true }\n"
        'tokio = { version = "1", features = ["full"] }\n'
    )


def _package_json(name: str) -> str:
    return (
        f'{{\n  "name": "{name}",\n  "private": true,\n  "scripts": {{ "start": "node dist/main.js" }},\n'
        '  "dependencies": { "pg": "^8.11.3" }\n}\n'
    )


SHARED_MIGRATIONS = {
    "001_initial_schema.sql": """\
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE TABLE users (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    username VARCHAR(50) NOT NULL UNIQUE,
    email VARCHAR(255) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMPTZ
);

CREATE TABLE sessions (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE refresh_tokens (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    session_id UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash CHAR(64) NOT NULL UNIQUE
);
""",
    "003_posts_schema.sql": """\
CREATE TABLE posts (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    caption TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
""",
    "013_streaming_stream_table.sql": """\
CREATE TABLE streams (
    stream_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    broadcaster_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title VARCHAR(140) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'scheduled'
);
""",
    "015_streaming_viewer_session_table.sql": """\
CREATE TABLE viewer_sessions (
    session_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    viewer_id UUID REFERENCES users(id) ON DELETE SET NULL,
    stream_id UUID NOT NULL REFERENCES streams(stream_id) ON DELETE CASCADE,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
""",
    "018_messaging_schema.sql": """\
CREATE TABLE conversations (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    conversation_type VARCHAR(20) NOT NULL CHECK (conversation_type IN ('direct', 'group')),
    name VARCHAR(255),
    created_by UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE conversation_participants (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE messages (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender_id UUID NOT NULL REFERENCES users(id),
    content TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
""",
    "019_stories_schema.sql": """\
-- 1) Stories
CREATE TABLE IF NOT EXISTS stories (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    media_key TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL DEFAULT NOW() + INTERVAL '24 hours'
);

-- 2) Views
CREATE TABLE IF NOT EXISTS story_views (
    story_id UUID NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    viewer_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    viewed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (story_id, viewer_id)
);

-- 3) Close friends list (owner -> friend)
CREATE TABLE IF NOT EXISTS story_close_friends (
    owner_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    friend_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (owner_id, friend_id)
);
""",
    "033_experiments_schema.sql": """\
CREATE TABLE experiments (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    key VARCHAR(100) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE experiment_assignments (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    experiment_id UUID NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    variant VARCHAR(50) NOT NULL
);

CREATE TABLE experiment_events (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    experiment_id UUID NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_name VARCHAR(100) NOT NULL
);
""",
    "052_add_post_share_and_bookmark.sql": """\
CREATE TABLE IF NOT EXISTS post_shares (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    post_id UUID NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    shared_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    share_via VARCHAR(50), -- 'direct_message', 'story', 'feed', 'external'
    shared_with_user_id UUID REFERENCES users(id) ON DELETE SET NULL
);

CREATE TABLE IF NOT EXISTS bookmarks (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    post_id UUID NOT NULL REFERENCES posts(id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS bookmark_collections (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL
);
""",
}

MESSAGING_MIGRATIONS = {
    "0001_users_replica.sql": """\
-- Local copy of auth-service's users for rendering the inbox, filled by logical
-- replication (publication auth_users on auth's database). auth-service owns this data.
CREATE TABLE users (
    id UUID PRIMARY KEY,
    username VARCHAR(50) NOT NULL,
    display_name VARCHAR(100)
);
""",
    "0002_messaging_schema.sql": """\
-- Phase 7b: 018_messaging_schema.sql copied into messaging's own database.
CREATE TABLE conversations (
    id UUID PRIMARY KEY,
    conversation_type VARCHAR(20) NOT NULL CHECK (conversation_type IN ('direct', 'group')),
    name VARCHAR(255),  -- Only for group conversations
    created_by UUID NOT NULL REFERENCES users(id)
);

CREATE TABLE conversation_participants (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE
);

CREATE TABLE messages (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    sender_id UUID NOT NULL REFERENCES users(id),
    content TEXT
);
""",
}

STREAMING_MIGRATIONS = {
    "001_stream_chat.sql": """\
-- streaming's own database: user ids without a foreign key.
CREATE TABLE stream_chat_messages (
    id BIGSERIAL PRIMARY KEY,
    stream_id UUID NOT NULL,
    author_id UUID NOT NULL,
    body VARCHAR(500) NOT NULL
);
""",
}

EXPERIMENTS_MIGRATIONS = {
    "20240301_feature_flags.sql": """\
CREATE TABLE feature_flags (
    id UUID PRIMARY KEY,
    key VARCHAR(100) NOT NULL UNIQUE,
    rollout_percent SMALLINT NOT NULL DEFAULT 0
);
""",
}

AUTH_USERS_RS = """\
use sqlx::PgPool;
use uuid::Uuid;

pub async fn create_user(pool: &PgPool, username: &str, email: &str, hash: &str) -> sqlx::Result<Uuid> {
    let row = sqlx::query!(
        "INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING id",
        username,
        email,
        hash
    )
    .fetch_one(pool)
    .await?;
    Ok(row.id)
}

/// gRPC AuthService.UserExists: what the other services call before an insert.
pub async fn user_exists(pool: &PgPool, id: Uuid) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)", id)
        .fetch_one(pool)
        .await?;
    Ok(found.unwrap_or(false))
}

pub async fn open_session(pool: &PgPool, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO sessions (user_id, expires_at) VALUES ($1, NOW() + INTERVAL '30 days')",
        user_id
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "INSERT INTO refresh_tokens (session_id, user_id, token_hash) VALUES ($1, $2, $3)",
        user_id,
        user_id,
        ""
    )
    .execute(pool)
    .await?;
    Ok(())
}
"""

MESSAGING_DB_RS = """\
use sqlx::PgPool;
use uuid::Uuid;

pub async fn start(pool: &PgPool, me: Uuid, other: Uuid) -> Result<Uuid, AppError> {
    let conversation = sqlx::query!(
        "INSERT INTO conversations (id, conversation_type, created_by)
         VALUES ($1, 'direct', $2) RETURNING id",
        Uuid::new_v4(),
        me
    )
    .fetch_one(pool)
    .await?;
    sqlx::query!(
        "INSERT INTO conversation_participants (id, conversation_id, user_id) VALUES ($1, $2, $3)",
        Uuid::new_v4(),
        conversation.id,
        other
    )
    .execute(pool)
    .await?;
    Ok(conversation.id)
}

pub async fn send(
    pool: &PgPool,
    auth_client: &AuthClient,
    conversation_id: Uuid,
    user_id: Uuid,
) -> Result<(), AppError> {
    // Before insert
    if !auth_client.user_exists(user_id).await? {
        return Err(AppError::Validation("User not found".into()));
    }

    // Insert without FK constraint
    sqlx::query!(
        "INSERT INTO messages (id, conversation_id, sender_id) VALUES ($1, $2, $3)",
        Uuid::new_v4(),
        conversation_id,
        user_id
    ).execute(pool).await?;
    Ok(())
}

/// The inbox shows senders' names from the local users copy.
pub async fn inbox(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<InboxRow>> {
    sqlx::query_as!(
        InboxRow,
        "SELECT m.id, m.content, u.display_name FROM messages m
           JOIN conversation_participants p ON p.conversation_id = m.conversation_id
           LEFT JOIN users u ON u.id = m.sender_id
          WHERE p.user_id = $1",
        user_id
    )
    .fetch_all(pool)
    .await
}
"""

STREAMING_RS = """\
use sqlx::PgPool;
use uuid::Uuid;

pub async fn go_live(pool: &PgPool, broadcaster: Uuid, title: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO streams (broadcaster_id, title, status) VALUES ($1, $2, 'live')",
        broadcaster,
        title
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn join(pool: &PgPool, stream: Uuid, viewer: Option<Uuid>) -> sqlx::Result<()> {
    sqlx::query!("INSERT INTO viewer_sessions (stream_id, viewer_id) VALUES ($1, $2)", stream, viewer)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn chat(pool: &PgPool, stream: Uuid, author: Uuid, body: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO stream_chat_messages (stream_id, author_id, body) VALUES ($1, $2, $3)",
        stream,
        author,
        body
    )
    .execute(pool)
    .await?;
    Ok(())
}
"""

CONTENT_POSTS_TS = """\
import { Pool } from "pg";

export async function createPost(pool: Pool, userId: string, caption: string): Promise<string> {
  const { rows } = await pool.query(
    `INSERT INTO posts (user_id, caption) VALUES ($1, $2) RETURNING id`,
    [userId, caption],
  );
  return rows[0].id;
}

export async function sharePost(pool: Pool, postId: string, userId: string, via: string, to?: string) {
  await pool.query(
    `INSERT INTO post_shares (post_id, user_id, share_via, shared_with_user_id) VALUES ($1, $2, $3, $4)`,
    [postId, userId, via, to ?? null],
  );
}

export async function bookmark(pool: Pool, userId: string, postId: string) {
  await pool.query(`INSERT INTO bookmarks (user_id, post_id) VALUES ($1, $2)`, [userId, postId]);
}

// The feed still joins auth's users table for the author's name.
export async function feed(pool: Pool, limit: number) {
  const { rows } = await pool.query(
    `SELECT p.id, p.caption, u.username
       FROM posts p
       JOIN users u ON u.id = p.user_id
      ORDER BY p.created_at DESC
      LIMIT ${limit}`,
  );
  return rows;
}
"""

CONTENT_STORIES_TS = """\
import { Pool } from "pg";

export async function postStory(pool: Pool, userId: string, mediaKey: string) {
  await pool.query(`INSERT INTO stories (user_id, media_key) VALUES ($1, $2)`, [userId, mediaKey]);
}

export async function viewStory(pool: Pool, storyId: string, viewerId: string) {
  await pool.query(
    `INSERT INTO story_views (story_id, viewer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [storyId, viewerId],
  );
}
"""

EXPERIMENTS_TS = """\
import { Pool } from "pg";

export async function createExperiment(pool: Pool, key: string, createdBy: string) {
  await pool.query(`INSERT INTO experiments (key, created_by) VALUES ($1, $2)`, [key, createdBy]);
}

export async function assign(pool: Pool, experimentId: string, userId: string, variant: string) {
  await pool.query(
    `INSERT INTO experiment_assignments (experiment_id, user_id, variant) VALUES ($1, $2, $3)`,
    [experimentId, userId, variant],
  );
}

export async function track(pool: Pool, experimentId: string, userId: string, eventName: string) {
  await pool.query(
    `INSERT INTO experiment_events (experiment_id, user_id, event_name) VALUES ($1, $2, $3)`,
    [experimentId, userId, eventName],
  );
}

export async function rollout(pool: Pool, key: string, percent: number) {
  await pool.query(`UPDATE feature_flags SET rollout_percent = $2 WHERE key = $1`, [key, percent]);
}
"""


def _files() -> dict[str, str]:
    files = {
        "README.md": "# nova\n",
        "backend/Cargo.toml": _CARGO_WORKSPACE,
        "backend/libs/db-pool/Cargo.toml": '[package]\nname = "db-pool"\nversion = "0.1.0"\n\n[lib]\n',
        "backend/libs/db-pool/src/lib.rs": "pub fn pool_size() -> u32 { 20 }\n",
        "backend/auth-service/Cargo.toml": _cargo("auth-service"),
        "backend/auth-service/Dockerfile": "FROM rust:1.77-slim\n",
        "backend/auth-service/src/main.rs": "mod db;\nfn main() {}\n",
        "backend/auth-service/src/db/users.rs": AUTH_USERS_RS,
        "backend/messaging-service/Cargo.toml": _cargo("messaging-service"),
        "backend/messaging-service/src/main.rs": "mod db;\nfn main() {}\n",
        "backend/messaging-service/src/db.rs": MESSAGING_DB_RS,
        "backend/streaming-service/Cargo.toml": _cargo("streaming-service"),
        "backend/streaming-service/src/main.rs": "mod streams;\nfn main() {}\n",
        "backend/streaming-service/src/streams.rs": STREAMING_RS,
        "backend/content-service/package.json": _package_json("content-service"),
        "backend/content-service/src/posts.ts": CONTENT_POSTS_TS,
        "backend/content-service/src/stories.ts": CONTENT_STORIES_TS,
        "backend/experiments-service/package.json": _package_json("experiments-service"),
        "backend/experiments-service/src/experiments.ts": EXPERIMENTS_TS,
    }
    for folder, migrations in (
        (SHARED, SHARED_MIGRATIONS),
        (MESSAGING_DB, MESSAGING_MIGRATIONS),
        (STREAMING_DB, STREAMING_MIGRATIONS),
        (EXPERIMENTS_DB, EXPERIMENTS_MIGRATIONS),
    ):
        files.update({f"{folder}/{name}": text for name, text in migrations.items()})
    return files


# -- what the seed lists ---------------------------------------------------------------------------------

#: (database, table, column) of every FK into users(id) the seed's inventory lists; phase 7b's
#: copy of the messaging schema lives in messaging's own database, next to its users copy.
SEED_FKS = [
    (SHARED, "conversations", "created_by"),
    (SHARED, "conversation_participants", "user_id"),
    (SHARED, "messages", "sender_id"),
    (MESSAGING_DB, "conversations", "created_by"),
    (MESSAGING_DB, "conversation_participants", "user_id"),
    (MESSAGING_DB, "messages", "sender_id"),
    (SHARED, "stories", "user_id"),
    (SHARED, "story_views", "viewer_id"),
    (SHARED, "story_close_friends", "owner_id"),
    (SHARED, "story_close_friends", "friend_id"),
    (SHARED, "posts", "user_id"),
    (SHARED, "post_shares", "user_id"),
    (SHARED, "post_shares", "shared_with_user_id"),
    (SHARED, "bookmarks", "user_id"),
    (SHARED, "bookmark_collections", "user_id"),
    (SHARED, "streams", "broadcaster_id"),
    (SHARED, "viewer_sessions", "viewer_id"),
    (SHARED, "experiments", "created_by"),
    (SHARED, "experiment_assignments", "user_id"),
    (SHARED, "experiment_events", "user_id"),
]

#: The owner of each table and the kind of evidence that decided it.
OWNERS = {
    (SHARED, "users"): ("auth-service", "code-write"),
    (SHARED, "sessions"): ("auth-service", "code-write"),
    (SHARED, "refresh_tokens"): ("auth-service", "code-write"),
    (SHARED, "posts"): ("content-service", "code-write"),
    (SHARED, "post_shares"): ("content-service", "code-write"),
    (SHARED, "bookmarks"): ("content-service", "code-write"),
    (SHARED, "bookmark_collections"): ("content-service", "name-family"),
    (SHARED, "stories"): ("content-service", "code-write"),
    (SHARED, "story_views"): ("content-service", "code-write"),
    (SHARED, "story_close_friends"): ("content-service", "name-family"),
    (SHARED, "streams"): ("streaming-service", "code-write"),
    (SHARED, "viewer_sessions"): ("streaming-service", "code-write"),
    (SHARED, "conversations"): ("messaging-service", "code-write"),
    (SHARED, "conversation_participants"): ("messaging-service", "code-write"),
    (SHARED, "messages"): ("messaging-service", "code-write"),
    (SHARED, "experiments"): ("experiments-service", "code-write"),
    (SHARED, "experiment_assignments"): ("experiments-service", "code-write"),
    (SHARED, "experiment_events"): ("experiments-service", "code-write"),
    (MESSAGING_DB, "users"): ("messaging-service", "unit"),
    (MESSAGING_DB, "conversations"): ("messaging-service", "unit"),
    (MESSAGING_DB, "conversation_participants"): ("messaging-service", "unit"),
    (MESSAGING_DB, "messages"): ("messaging-service", "unit"),
    (STREAMING_DB, "stream_chat_messages"): ("streaming-service", "unit"),
    (EXPERIMENTS_DB, "feature_flags"): ("experiments-service", "unit"),
}


@pytest.fixture(scope="module")
def seed_scan(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    root = tmp_path_factory.mktemp("nova")
    for rel, text in _files().items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert not (root / "fkmap.toml").exists()
    return scan([str(root)])


def _table(inv: Inventory, database: str, name: str) -> Table:
    found = inv.table(TableRef(database, "public", name))
    assert found is not None, f"{database}:{name} not scanned"
    return found


def _cross(inv: Inventory) -> list[tuple[str, str, str, str]]:
    """(database, table, column, referenced owner) of every present cross-service FK."""
    by_ref = inv.tables_by_ref()
    out = []
    for fk in inv.foreign_keys:
        if fk.dropped_at is not None:
            continue
        source, target = by_ref[fk.table], by_ref[fk.ref_table]
        if target.resolved_to is not None:
            target = by_ref[target.resolved_to]
        if source.service != target.owner:
            out.append((fk.table.database, fk.table.name, ",".join(fk.columns), target.owner))
    return sorted(out)


def test_no_config_is_read(seed_scan: Inventory) -> None:
    assert [d for d in seed_scan.diagnostics if d.code == "config"] == []
    assert {s.name for s in seed_scan.services} == {
        "auth-service",
        "content-service",
        "experiments-service",
        "messaging-service",
        "streaming-service",
    }
    serious = [(d.severity, d.code, d.message) for d in seed_scan.diagnostics if d.severity != "info"]
    assert serious == []


def test_every_seed_fk_is_cross_service_into_the_owner_of_users(seed_scan: Inventory) -> None:
    users = _table(seed_scan, SHARED, "users")
    assert users.owner == "auth-service"
    cross = _cross(seed_scan)
    assert cross == sorted((db, table, column, "auth-service") for db, table, column in SEED_FKS)
    # the seed's count for the tables included here: 17 in the shared folder, 3 in phase 7b's copy
    assert len(cross) == len(SEED_FKS) == 20


def test_every_fk_into_users_points_at_auths_users_or_its_copy(seed_scan: Inventory) -> None:
    by_ref = seed_scan.tables_by_ref()
    for db, table, column in SEED_FKS:
        [fk] = [
            f
            for f in seed_scan.foreign_keys
            if f.table == TableRef(db, "public", table) and f.columns == (column,)
        ]
        target = by_ref[fk.ref_table]
        assert target.ref.name == "users" and not target.external, (table, column)
        assert target.ref.database == db  # the shared users, or messaging's own copy
        assert (target.service, target.replica_of) == (
            ("auth-service", "") if db == SHARED else ("messaging-service", "auth-service")
        )


def test_the_local_users_copy_is_detected_with_evidence(seed_scan: Inventory) -> None:
    copy = _table(seed_scan, MESSAGING_DB, "users")
    assert (copy.service, copy.replica_of) == ("messaging-service", "auth-service")
    assert copy.owner == "auth-service"
    why = copy.owner_evidence[0]
    assert (why.kind, why.service) == ("replica-of", "auth-service")
    assert (why.path, why.line) == (f"{MESSAGING_DB}/0001_users_replica.sql", 3)
    assert why.detail == (
        "a local copy of auth-service's 'users' (backend/migrations:public.users): same name and key (id); "
        "auth-service has the stronger claim (its code writes it and named after it)"
    )
    assert copy.owner_evidence[1].kind == "unit"


def test_owner_evidence_explains_every_owner(seed_scan: Inventory) -> None:
    tables = {(t.ref.database, t.ref.name): t for t in seed_scan.tables}
    assert set(tables) == set(OWNERS)
    for key, (owner, kind) in OWNERS.items():
        t = tables[key]
        decisive = t.owner_evidence[1] if t.replica_of else t.owner_evidence[0]
        assert (t.service, decisive.kind, decisive.service) == (owner, kind, owner), (key, t.owner_evidence)
        assert decisive.detail, key
    users = tables[(SHARED, "users")].owner_evidence[0]
    assert users.detail == "written by auth-service (backend/auth-service/src/db/users.rs:6)"
    assert (users.path, users.line) == ("backend/auth-service/src/db/users.rs", 6)
    family = tables[(SHARED, "story_close_friends")].owner_evidence[0]
    assert "stories" in family.detail, family


def test_shared_access_to_users(seed_scan: Inventory) -> None:
    """content-service's feed reads auth's users; messaging reads its own copy, which is not sharing."""
    found = [(a.table, a.owner, a.service, a.access, a.path, a.line) for a in seed_scan.shared_access]
    users = TableRef(SHARED, "public", "users")
    feed = "backend/content-service/src/posts.ts"
    assert found == [(users, "auth-service", "content-service", "read", feed, 25)]
    assert "JOIN users" in "\n".join(CONTENT_POSTS_TS.splitlines()[24:28])


def test_units_of_the_repository(tmp_path: Path) -> None:
    from ownership.units import find_units

    for rel, text in _files().items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    kinds = {u.path: u.kind for u in find_units(tmp_path)}
    assert kinds == {
        "backend": "root",
        "backend/libs/db-pool": "library",
        "backend/auth-service": "service",
        "backend/messaging-service": "service",
        "backend/streaming-service": "service",
        "backend/content-service": "service",
        "backend/experiments-service": "service",
    }


def test_a_service_writing_its_own_copy_does_not_take_the_original(tmp_path: Path) -> None:
    """messaging's event consumer writes its local ``users`` copy: nothing of the shared ``users``."""
    files = _files()
    files["backend/messaging-service/src/user_events.rs"] = "".join(
        f"pub async fn on_user_{i}(db: &PgPool, id: Uuid) {{\n"
        f'    sqlx::query!("INSERT INTO users (id) VALUES ($1) ON CONFLICT DO NOTHING", id)'
        f".execute(db).await.unwrap();\n}}\n"
        for i in range(4)
    )
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    inv = scan([str(tmp_path)])
    assert _table(inv, SHARED, "users").owner == "auth-service"
    assert [d.message for d in inv.diagnostics if d.code == "owner-conflict"] == []
    assert len(_cross(inv)) == 20
