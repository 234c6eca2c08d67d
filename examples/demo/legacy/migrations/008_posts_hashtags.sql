-- 008_posts_hashtags.sql
-- Hashtags extracted from captions at write time.

CREATE TABLE hashtags (
    id BIGSERIAL PRIMARY KEY,
    tag VARCHAR(100) NOT NULL,
    post_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT hashtags_tag_lowercase CHECK (tag = lower(tag))
);

CREATE UNIQUE INDEX uq_hashtags_tag ON hashtags (tag);

CREATE TABLE post_hashtags (
    post_id UUID NOT NULL,
    hashtag_id BIGINT NOT NULL,
    PRIMARY KEY (post_id, hashtag_id),
    CONSTRAINT fk_post_hashtags_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT fk_post_hashtags_hashtag FOREIGN KEY (hashtag_id) REFERENCES hashtags (id) ON DELETE CASCADE
);

-- Seed the tags the onboarding flow suggests.
INSERT INTO hashtags (tag) VALUES
    ('kindred'),
    ('firstpost'),
    ('weekend'),
    ('music; live'),  -- yes, a semicolon inside a string literal
    ('travel');
