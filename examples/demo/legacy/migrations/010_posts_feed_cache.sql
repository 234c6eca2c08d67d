-- 010_posts_feed_cache.sql
-- Materialised home feed (fan-out on write). Replaced by the Redis feed in 068.

CREATE TABLE feed_cache (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    post_id UUID NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    score DOUBLE PRECISION NOT NULL,
    inserted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (user_id, post_id)
);

CREATE INDEX idx_feed_cache_rank ON feed_cache (user_id, score DESC);
