-- 021_add_comment_mentions.sql
-- @mentions inside comments (drives the "mentioned you" notification).
-- NOTE: merged the same day as 021_streaming_stream_tags.sql; both kept their
-- number because they had already run in staging. The runner orders ties by name.

CREATE TABLE comment_mentions (
    comment_id UUID NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
    mentioned_user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (comment_id, mentioned_user_id)
);

CREATE INDEX idx_comment_mentions_user ON comment_mentions (mentioned_user_id);
