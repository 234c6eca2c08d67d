//! The `users` table: auth-service is its only writer. Other services get
//! `user.created` / `user.updated` / `user.deleted` events instead of rows.

use sqlx::PgPool;
use uuid::Uuid;

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: Option<&'a str>,
}

pub async fn create_user(pool: &PgPool, user: &NewUser<'_>) -> sqlx::Result<Uuid> {
    let row = sqlx::query!(
        "INSERT INTO users (username, email, password_hash, display_name)
         VALUES ($1, $2, $3, $4)
         RETURNING id",
        user.username,
        user.email,
        user.password_hash,
        user.display_name,
    )
    .fetch_one(pool)
    .await?;
    Ok(row.id)
}

pub async fn find_by_email(pool: &PgPool, email: &str) -> sqlx::Result<Option<(Uuid, String)>> {
    let row = sqlx::query!(
        "SELECT id, password_hash FROM users WHERE email = $1 AND deleted_at IS NULL",
        email
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.id, r.password_hash)))
}

/// gRPC `AuthService.UserExists`: what the other services call instead of a foreign key.
pub async fn user_exists(pool: &PgPool, id: Uuid) -> sqlx::Result<bool> {
    let found = sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL)",
        id
    )
    .fetch_one(pool)
    .await?;
    Ok(found.unwrap_or(false))
}

pub async fn update_profile(pool: &PgPool, id: Uuid, display_name: &str, bio: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE users SET display_name = $2, bio = $3, updated_at = NOW() WHERE id = $1",
        id,
        display_name,
        bio
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn block(pool: &PgPool, blocker: Uuid, blocked: Uuid, reason: Option<&str>) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO user_blocks (blocker_id, blocked_id, reason) VALUES ($1, $2, $3)
         ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
        blocker,
        blocked,
        reason
    )
    .execute(pool)
    .await?;
    Ok(())
}
