//! auth-service: sign-up, login, sessions and the gRPC `user_exists` check
//! every other service calls before it stores a user id (phase 1 of the
//! database consolidation).

mod db;
mod erasure;

use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL")?;
    let pool = PgPoolOptions::new().max_connections(20).connect(&url).await?;
    tracing::info!("auth-service listening on :8080 (HTTP) and :50051 (gRPC)");
    db::serve(pool).await
}
