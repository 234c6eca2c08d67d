-- 063_posts_add_polls.sql
--
-- KNOWN BAD MIGRATION, kept verbatim on purpose for the fkmap demo.
-- It was hand-edited during the 2024-06-12 release freeze, failed in staging
-- ("syntax error at or near CREAT") and never ran anywhere. 064 re-creates the
-- tables correctly. fkmap reports the statement below as a parse error and
-- carries on with the rest of the history.

CREAT TABLE post_polls (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    post_id UUID NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    question VARCHAR(200) NOT NULL,
    closes_at TIMESTAMPTZ
);
