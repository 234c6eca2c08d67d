pub mod sessions;
pub mod tokens;
pub mod users;

pub async fn serve(pool: sqlx::PgPool) -> anyhow::Result<()> {
    let _ = pool;
    Ok(())
}
