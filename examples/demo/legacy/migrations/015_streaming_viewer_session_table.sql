-- 015_streaming_viewer_session_table.sql
-- One row per viewer per stream visit; anonymous viewers have viewer_id NULL.

CREATE TABLE viewer_sessions (
    session_id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    viewer_id UUID REFERENCES users(id) ON DELETE SET NULL,
    stream_id UUID NOT NULL REFERENCES streams(stream_id) ON DELETE CASCADE,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    left_at TIMESTAMPTZ,
    client VARCHAR(20) NOT NULL DEFAULT 'web',
    country_code CHAR(2)
);

CREATE INDEX idx_viewer_sessions_stream ON viewer_sessions (stream_id, joined_at);
