-- V1_1__add_usage_events.sql
-- Raw metering events from the API gateway (no FK on purpose: user_id is
-- whatever the gateway saw in the JWT).

CREATE TABLE usage_events (
    id BIGSERIAL PRIMARY KEY,
    user_id VARCHAR(50) NOT NULL,
    allocation_id INTEGER REFERENCES credit_allocations (id) ON DELETE SET NULL,
    event_type VARCHAR(50) NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 1,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_usage_events_user_time ON usage_events (user_id, recorded_at);

-- Balance per user; a view, not a table.
CREATE OR REPLACE VIEW credit_balances AS
SELECT a.user_id,
       SUM(a.credits) - COALESCE(SUM(u.used), 0) AS balance
FROM credit_allocations a
LEFT JOIN (
    SELECT allocation_id, SUM(credits_used) AS used FROM credit_usages GROUP BY allocation_id
) u ON u.allocation_id = a.id
WHERE a.expires_at IS NULL OR a.expires_at > NOW()
GROUP BY a.user_id;
