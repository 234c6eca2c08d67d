-- 013_streaming_stream_table.sql
-- Live streaming: categories and streams.

CREATE TABLE stream_categories (
    id SERIAL PRIMARY KEY,
    slug VARCHAR(50) NOT NULL UNIQUE,
    display_name VARCHAR(100) NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 100
);

INSERT INTO stream_categories (slug, display_name, sort_order) VALUES
    ('just-chatting', 'Just Chatting', 10),
    ('music', 'Music', 20),
    ('gaming', 'Gaming', 30),
    ('irl', 'IRL', 40);

CREATE TABLE streams (
    stream_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    broadcaster_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category_id INTEGER REFERENCES stream_categories(id) ON DELETE RESTRICT,
    title VARCHAR(140) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'live', 'ended', 'cancelled')),
    ingest_key CHAR(32) NOT NULL UNIQUE,
    started_at TIMESTAMPTZ,
    ended_at TIMESTAMPTZ,
    peak_viewers INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT streams_ended_after_start CHECK (ended_at IS NULL OR ended_at >= started_at)
);

CREATE INDEX idx_streams_live ON streams (status) WHERE status = 'live';
CREATE INDEX idx_streams_broadcaster ON streams (broadcaster_id, created_at DESC);
