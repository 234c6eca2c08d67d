-- 072_drop_streaming_user_fks.sql
-- Phase 2 for streaming-service. user_deleted events (Kafka) now clean up
-- streams and viewer sessions.

ALTER TABLE streams DROP CONSTRAINT streams_broadcaster_id_fkey;
ALTER TABLE viewer_sessions DROP CONSTRAINT IF EXISTS viewer_sessions_viewer_id_fkey;
-- added unnamed in 047; dropped by the name PostgreSQL generated for it
ALTER TABLE streams DROP CONSTRAINT streams_co_host_id_fkey;
