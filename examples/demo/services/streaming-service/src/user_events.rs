//! Keeps `local_users` (the chat overlay's usernames and avatars) in sync with
//! auth-service's user events. auth-service owns the data; this is a copy.

use diesel::prelude::*;
use diesel::upsert::excluded;
use serde::Deserialize;
use uuid::Uuid;

use crate::schema::local_users;

#[derive(Deserialize, Insertable, AsChangeset)]
#[diesel(table_name = local_users)]
pub struct UserEvent {
    pub id: Uuid,
    pub username: String,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub source_version: i64,
}

pub fn apply(conn: &mut PgConnection, event: &UserEvent) -> QueryResult<usize> {
    diesel::insert_into(local_users::table)
        .values(event)
        .on_conflict(local_users::id)
        .do_update()
        .set((
            local_users::username.eq(excluded(local_users::username)),
            local_users::display_name.eq(excluded(local_users::display_name)),
            local_users::avatar_url.eq(excluded(local_users::avatar_url)),
            local_users::source_version.eq(excluded(local_users::source_version)),
            local_users::synced_at.eq(diesel::dsl::now),
        ))
        .filter(local_users::source_version.lt(excluded(local_users::source_version)))
        .execute(conn)
}

pub fn forget(conn: &mut PgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(local_users::table.find(id)).execute(conn)
}
