-- Usernames and avatars for the chat overlay, copied from auth's users by the
-- user-events consumer (src/user_events.rs: user.created / user.updated /
-- user.deleted). A read model: auth-service stays the owner of this data, and
-- chat_messages.author_id still has no foreign key.
CREATE TABLE local_users (
    id UUID PRIMARY KEY,                -- auth users.id
    username VARCHAR(50) NOT NULL,
    display_name VARCHAR(100),
    avatar_url TEXT,
    source_version BIGINT NOT NULL DEFAULT 0,
    synced_at TIMESTAMP NOT NULL DEFAULT NOW()
);
