-- 040_posts_add_reposts.sql
-- Reposts point at the original post. posts has ~80M rows: add the FK as
-- NOT VALID (no full-table scan under an ACCESS EXCLUSIVE lock) and validate
-- it in the next migration, which only needs SHARE UPDATE EXCLUSIVE.

ALTER TABLE posts ADD COLUMN reposted_from_id UUID;

ALTER TABLE posts
    ADD CONSTRAINT posts_reposted_from_id_fkey FOREIGN KEY (reposted_from_id)
    REFERENCES posts (id) ON DELETE SET NULL NOT VALID;

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_posts_reposted_from
    ON posts (reposted_from_id) WHERE reposted_from_id IS NOT NULL;
