-- 047_streaming_co_hosts.sql
-- A stream can have one co-host (shown next to the broadcaster).

ALTER TABLE streams ADD COLUMN co_host_id UUID;
ALTER TABLE streams ADD FOREIGN KEY (co_host_id) REFERENCES users (id) ON DELETE SET NULL;
