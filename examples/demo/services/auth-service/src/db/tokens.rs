//! Password resets and e-mail verification codes.

use sqlx::PgPool;
use uuid::Uuid;

pub async fn request_password_reset(pool: &PgPool, user_id: Uuid, token_hash: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO password_reset_tokens (user_id, token_hash) VALUES ($1, $2)",
        user_id,
        token_hash
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn send_verification(pool: &PgPool, user_id: Uuid, code: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO email_verifications (user_id, code) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET code = EXCLUDED.code, attempts = 0, sent_at = NOW()",
        user_id,
        code
    )
    .execute(pool)
    .await?;
    Ok(())
}
