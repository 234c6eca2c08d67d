-- 073_drop_bookmark_user_fk.sql
-- Phase 2 for content-service, first table. The duplicate created by 055
-- (bookmarks_user_id_fkey1) was missed and still couples bookmarks to auth.

ALTER TABLE bookmarks DROP CONSTRAINT bookmarks_user_id_fkey;
