//! Conversations and messages. Phase 3 of the consolidation: the sender is
//! checked with auth_client.user_exists before insert, not by a foreign key.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth_client::AuthClient;

#[derive(Debug)]
pub enum AppError {
    Validation(String),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Db(e)
    }
}

pub async fn serve(pool: PgPool, auth: AuthClient) -> anyhow::Result<()> {
    let _ = (pool, auth);
    Ok(())
}

pub async fn start_direct(pool: &PgPool, auth: &AuthClient, me: Uuid, other: Uuid) -> Result<Uuid, AppError> {
    if !auth.user_exists(other).await.unwrap_or(false) {
        return Err(AppError::Validation("User not found".into()));
    }
    let mut tx = pool.begin().await?;
    let conversation = sqlx::query!(
        "INSERT INTO conversations (conversation_type, created_by) VALUES ('direct', $1) RETURNING id",
        me
    )
    .fetch_one(&mut *tx)
    .await?;
    for user_id in [me, other] {
        sqlx::query!(
            "INSERT INTO conversation_participants (conversation_id, user_id) VALUES ($1, $2)",
            conversation.id,
            user_id
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(conversation.id)
}

pub async fn send_message(
    pool: &PgPool,
    auth: &AuthClient,
    conversation_id: Uuid,
    user_id: Uuid,
    body: &str,
) -> Result<Uuid, AppError> {
    // Before insert
    if !auth.user_exists(user_id).await.unwrap_or(false) {
        return Err(AppError::Validation("User not found".into()));
    }
    // Insert without FK constraint
    let row = sqlx::query!(
        "INSERT INTO messages (conversation_id, sender_id, body) VALUES ($1, $2, $3) RETURNING id",
        conversation_id,
        user_id,
        body
    )
    .fetch_one(pool)
    .await?;
    Ok(row.id)
}

pub async fn attach(pool: &PgPool, message_id: Uuid, content_type: &str, key: &str, size: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO message_attachments (message_id, content_type, storage_key, size_bytes)
         VALUES ($1, $2, $3, $4)",
        message_id,
        content_type,
        key,
        size
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn mark_read(pool: &PgPool, message_id: Uuid, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO read_receipts (message_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        message_id,
        user_id
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn react(pool: &PgPool, message_id: Uuid, user_id: Uuid, emoji: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO message_reactions (message_id, user_id, emoji) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        message_id,
        user_id,
        emoji
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub struct InboxRow {
    pub conversation_id: Uuid,
    pub last_body: Option<String>,
    pub sender_name: Option<String>,
}

/// The inbox: latest message per conversation, sender names from the local users copy.
pub async fn inbox(pool: &PgPool, user_id: Uuid) -> sqlx::Result<Vec<InboxRow>> {
    sqlx::query_as!(
        InboxRow,
        r#"SELECT DISTINCT ON (m.conversation_id)
                  m.conversation_id, m.body AS last_body, u.display_name AS sender_name
           FROM conversation_participants p
           JOIN messages m ON m.conversation_id = p.conversation_id
           LEFT JOIN users u ON u.id = m.sender_id
           WHERE p.user_id = $1
           ORDER BY m.conversation_id, m.created_at DESC"#,
        user_id
    )
    .fetch_all(pool)
    .await
}
