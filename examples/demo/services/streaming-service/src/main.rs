//! streaming-service: channels, live streams, segments and chat (streaming_db).

mod chat;
mod legacy_import;
mod schema;
mod streams;
mod user_events;

use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

fn main() -> anyhow::Result<()> {
    let mut conn = PgConnection::establish(&std::env::var("DATABASE_URL")?)?;
    conn.run_pending_migrations(MIGRATIONS).map_err(|e| anyhow::anyhow!(e))?;
    if std::env::args().any(|a| a == "--import-legacy") {
        let mut core = PgConnection::establish(&std::env::var("KINDRED_CORE_URL")?)?;
        let found = legacy_import::legacy_streams(&mut core)?;
        println!("{} legacy streams to import", found.len());
    }
    Ok(())
}
