-- migrate:up
CREATE TABLE push_deliveries (
    id BIGSERIAL PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    device_token TEXT NOT NULL,          -- user-service "DeviceToken".token
    platform VARCHAR(10) NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sent', 'failed', 'invalid_token')),
    provider_message_id TEXT,
    attempted_at TIMESTAMPTZ
);

CREATE INDEX push_deliveries_notification_idx ON push_deliveries (notification_id);

-- migrate:down
DROP INDEX push_deliveries_notification_idx;
DROP TABLE push_deliveries;
