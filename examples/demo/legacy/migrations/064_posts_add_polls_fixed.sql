-- 064_posts_add_polls_fixed.sql
-- Polls attached to posts (replaces the broken 063).

CREATE TABLE post_polls (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    post_id UUID NOT NULL UNIQUE REFERENCES posts(id) ON DELETE CASCADE,
    question VARCHAR(200) NOT NULL,
    allows_multiple BOOLEAN NOT NULL DEFAULT FALSE,
    closes_at TIMESTAMPTZ
);

CREATE TABLE post_poll_options (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    poll_id UUID NOT NULL REFERENCES post_polls(id) ON DELETE CASCADE,
    label VARCHAR(80) NOT NULL,
    position SMALLINT NOT NULL,
    UNIQUE (poll_id, position)
);

CREATE TABLE post_poll_votes (
    option_id UUID NOT NULL REFERENCES post_poll_options(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    voted_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (option_id, user_id)
);
