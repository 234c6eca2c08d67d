// @generated automatically by Diesel CLI.

diesel::table! {
    channels (id) {
        id -> Uuid,
        owner_user_id -> Uuid,
        #[max_length = 40]
        slug -> Varchar,
        #[max_length = 140]
        title -> Varchar,
        is_mature -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    chat_bans (channel_id, banned_user_id) {
        channel_id -> Uuid,
        banned_user_id -> Uuid,
        banned_by -> Uuid,
        reason -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    chat_messages (id) {
        id -> Int8,
        stream_id -> Uuid,
        author_id -> Uuid,
        #[max_length = 500]
        body -> Varchar,
        sent_at -> Timestamp,
        deleted_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    live_streams (id) {
        id -> Uuid,
        channel_id -> Uuid,
        #[max_length = 140]
        title -> Varchar,
        #[max_length = 16]
        state -> Varchar,
        started_at -> Nullable<Timestamp>,
        ended_at -> Nullable<Timestamp>,
        peak_viewers -> Int4,
    }
}

diesel::table! {
    local_users (id) {
        id -> Uuid,
        #[max_length = 50]
        username -> Varchar,
        #[max_length = 100]
        display_name -> Nullable<Varchar>,
        avatar_url -> Nullable<Text>,
        source_version -> Int8,
        synced_at -> Timestamp,
    }
}

diesel::table! {
    stream_segments (stream_id, seq) {
        stream_id -> Uuid,
        seq -> Int4,
        storage_key -> Text,
        duration_ms -> Int4,
    }
}

diesel::joinable!(chat_bans -> channels (channel_id));
diesel::joinable!(chat_messages -> live_streams (stream_id));
diesel::joinable!(live_streams -> channels (channel_id));
diesel::joinable!(stream_segments -> live_streams (stream_id));

diesel::allow_tables_to_appear_in_same_query!(
    channels,
    chat_bans,
    chat_messages,
    live_streams,
    local_users,
    stream_segments,
);
