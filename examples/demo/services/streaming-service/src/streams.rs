//! Going live and ending a stream.

use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::{channels, live_streams};

pub fn go_live(conn: &mut PgConnection, channel: Uuid, title: &str) -> QueryResult<Uuid> {
    diesel::insert_into(live_streams::table)
        .values((
            live_streams::channel_id.eq(channel),
            live_streams::title.eq(title),
            live_streams::state.eq("live"),
            live_streams::started_at.eq(diesel::dsl::now),
        ))
        .returning(live_streams::id)
        .get_result(conn)
}

pub fn end(conn: &mut PgConnection, stream: Uuid) -> QueryResult<usize> {
    diesel::update(live_streams::table.find(stream))
        .set((live_streams::state.eq("ended"), live_streams::ended_at.eq(diesel::dsl::now)))
        .execute(conn)
}

pub fn channel_of(conn: &mut PgConnection, owner: Uuid) -> QueryResult<Option<Uuid>> {
    channels::table
        .filter(channels::owner_user_id.eq(owner))
        .select(channels::id)
        .first(conn)
        .optional()
}
