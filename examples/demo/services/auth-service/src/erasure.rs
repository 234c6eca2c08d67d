//! GDPR erasure (right to be forgotten). Written in the monolith days, when
//! auth could reach every table: it still deletes the follow graph itself
//! instead of publishing `user.deleted` and letting content-service do it.

use sqlx::PgPool;
use uuid::Uuid;

pub async fn erase_user(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    // TODO(P0 consolidation, phase 4): move to content-service's user_deleted handler.
    sqlx::query!("DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1", id)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "UPDATE users SET deleted_at = NOW(), email = id::text || '@erased.invalid' WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
