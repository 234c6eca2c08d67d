CREATE TABLE chat_messages (
    id BIGSERIAL PRIMARY KEY,
    stream_id UUID NOT NULL REFERENCES live_streams (id) ON DELETE CASCADE,
    author_id UUID NOT NULL,            -- auth user id, no FK (other service)
    body VARCHAR(500) NOT NULL,
    sent_at TIMESTAMP NOT NULL DEFAULT NOW(),
    deleted_by UUID
);

CREATE INDEX chat_messages_stream_idx ON chat_messages (stream_id, sent_at);

CREATE TABLE chat_bans (
    channel_id UUID NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    banned_user_id UUID NOT NULL,       -- auth user id, no FK
    banned_by UUID NOT NULL,            -- auth user id, no FK
    reason TEXT,
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT NOW(),
    PRIMARY KEY (channel_id, banned_user_id)
);
