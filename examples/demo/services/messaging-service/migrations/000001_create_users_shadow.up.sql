-- Local read model of auth's users, kept in sync by the user-events consumer
-- (topics user.created / user.updated / user.deleted). Only the columns the
-- inbox renders. auth-service remains the owner of this data.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE TABLE IF NOT EXISTS users (
    id UUID PRIMARY KEY,
    username VARCHAR(50) NOT NULL,
    display_name VARCHAR(100),
    avatar_url TEXT,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    source_version BIGINT NOT NULL DEFAULT 0,
    synced_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

COMMENT ON TABLE users IS 'Shadow copy of auth.users (read-only, event-sourced)';
