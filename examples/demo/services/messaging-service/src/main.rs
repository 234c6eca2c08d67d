//! messaging-service: conversations, messages, reactions and read receipts.
//! Its database is messaging_db (migrations/, golang-migrate); users are a
//! local read model fed by auth's user events (src/user_events.rs).

mod auth_client;
mod db;
mod user_events;

use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect(&std::env::var("DATABASE_URL")?)
        .await?;
    let auth = auth_client::AuthClient::connect(std::env::var("AUTH_GRPC_URL")?).await?;
    tokio::spawn(user_events::consume(pool.clone()));
    db::serve(pool, auth).await
}
