//! Login sessions and the refresh tokens that renew them.

use sqlx::PgPool;
use uuid::Uuid;

pub async fn open_session(pool: &PgPool, user_id: Uuid, user_agent: &str) -> sqlx::Result<Uuid> {
    let row = sqlx::query!(
        "INSERT INTO sessions (user_id, user_agent, expires_at)
         VALUES ($1, $2, NOW() + INTERVAL '30 days')
         RETURNING id",
        user_id,
        user_agent
    )
    .fetch_one(pool)
    .await?;
    Ok(row.id)
}

pub async fn rotate_refresh_token(
    pool: &PgPool,
    session_id: Uuid,
    user_id: Uuid,
    old_hash: &str,
    new_hash: &str,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "INSERT INTO refresh_tokens (session_id, user_id, token_hash, expires_at)
         VALUES ($1, $2, $3, NOW() + INTERVAL '30 days')
         RETURNING id",
        session_id,
        user_id,
        new_hash
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE refresh_tokens SET replaced_by = $1 WHERE token_hash = $2",
        row.id,
        old_hash
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn revoke_all(pool: &PgPool, user_id: Uuid) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "UPDATE sessions SET revoked_at = NOW() WHERE user_id = $1 AND revoked_at IS NULL",
        user_id
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
