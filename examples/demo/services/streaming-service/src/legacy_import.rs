//! One-off backfill of the extraction: copies the monolith's streams and
//! their viewer counts (kindred_core) into streaming_db's live_streams.
//! Reads kindred_core through a second, read-only connection.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};

#[derive(QueryableByName)]
pub struct LegacyStream {
    #[diesel(sql_type = SqlUuid)]
    pub stream_id: uuid::Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub broadcaster_id: uuid::Uuid,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub started_at: Option<chrono::DateTime<chrono::Utc>>,
    #[diesel(sql_type = Integer)]
    pub viewers: i32,
}

pub fn legacy_streams(core: &mut PgConnection) -> QueryResult<Vec<LegacyStream>> {
    diesel::sql_query(
        "SELECT s.stream_id, s.broadcaster_id, s.title, s.status, s.started_at,
                COUNT(DISTINCT v.viewer_id)::int AS viewers
           FROM streams s
           LEFT JOIN viewer_sessions v ON v.stream_id = s.stream_id
          WHERE s.status IN ('live', 'ended')
          GROUP BY s.stream_id",
    )
    .load(core)
}
