-- 055_add_missing_bookmark_fks.sql
-- "bookmarks.user_id has no FK" (it does: 052 declared it inline). This adds a
-- second, identical constraint that PostgreSQL names bookmarks_user_id_fkey1.
-- Found during the phase-2 audit; see 073.

ALTER TABLE bookmarks ADD FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
