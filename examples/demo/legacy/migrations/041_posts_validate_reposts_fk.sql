-- 041_posts_validate_reposts_fk.sql
ALTER TABLE posts VALIDATE CONSTRAINT posts_reposted_from_id_fkey;
