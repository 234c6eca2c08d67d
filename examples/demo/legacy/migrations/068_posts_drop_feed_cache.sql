-- 068_posts_drop_feed_cache.sql
-- The home feed moved to Redis sorted sets (feed-service). The table and its
-- two foreign keys go away with it.

DROP TABLE IF EXISTS feed_cache;
