-- queuing_db — Queuing Service (port 3002).
-- Denormalised copy of the profile fields the matcher needs every 5 seconds.
-- user_id is the user-service id (cuid, TEXT); no FK across databases. The
-- cached columns are refreshed from `user.profile.updated` events (RabbitMQ).

CREATE TABLE queue_entries (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE,
    age INTEGER NOT NULL CHECK (age >= 18),
    gender VARCHAR(16) NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    interests TEXT[] NOT NULL DEFAULT '{}',
    languages TEXT[] NOT NULL DEFAULT '{}',
    priority SMALLINT NOT NULL DEFAULT 0,
    enqueued_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX queue_entries_geo_idx ON queue_entries (latitude, longitude);
CREATE INDEX queue_entries_interests_idx ON queue_entries USING GIN (interests);
