//! Stream chat. Authors are auth user ids, checked with auth_client.user_exists:
//! there is deliberately no foreign key to another service's table.

use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::{chat_bans, chat_messages, local_users};

#[derive(Insertable)]
#[diesel(table_name = chat_messages)]
pub struct NewChatMessage<'a> {
    pub stream_id: Uuid,
    pub author_id: Uuid,
    pub body: &'a str,
}

pub fn post_message(conn: &mut PgConnection, msg: &NewChatMessage<'_>) -> QueryResult<i64> {
    diesel::insert_into(chat_messages::table)
        .values(msg)
        .returning(chat_messages::id)
        .get_result(conn)
}

pub fn is_banned(conn: &mut PgConnection, channel: Uuid, user: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        chat_bans::table
            .filter(chat_bans::channel_id.eq(channel))
            .filter(chat_bans::banned_user_id.eq(user)),
    ))
    .get_result(conn)
}

pub fn ban(conn: &mut PgConnection, channel: Uuid, user: Uuid, by: Uuid) -> QueryResult<usize> {
    diesel::insert_into(chat_bans::table)
        .values((
            chat_bans::channel_id.eq(channel),
            chat_bans::banned_user_id.eq(user),
            chat_bans::banned_by.eq(by),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
}

/// The last messages of a stream with their authors' names (from the local copy of auth's users).
pub fn recent(conn: &mut PgConnection, stream: Uuid) -> QueryResult<Vec<(String, Option<String>)>> {
    chat_messages::table
        .inner_join(local_users::table.on(local_users::id.eq(chat_messages::author_id)))
        .filter(chat_messages::stream_id.eq(stream))
        .order(chat_messages::sent_at.desc())
        .limit(50)
        .select((chat_messages::body, local_users::display_name))
        .load(conn)
}
