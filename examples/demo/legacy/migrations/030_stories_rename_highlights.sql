-- 030_stories_rename_highlights.sql
-- Product renamed "story highlights" to "highlights" (they can hold posts soon).
-- Constraint names keep the old table name: PostgreSQL does not rename them.

ALTER TABLE story_highlights RENAME TO highlights;
ALTER INDEX story_highlights_pkey RENAME TO highlights_pkey;
