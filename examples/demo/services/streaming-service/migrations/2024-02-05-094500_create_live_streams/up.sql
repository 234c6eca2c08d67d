CREATE TABLE live_streams (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    channel_id UUID NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    title VARCHAR(140) NOT NULL,
    state VARCHAR(16) NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'live', 'ended', 'failed')),
    started_at TIMESTAMP,
    ended_at TIMESTAMP,
    peak_viewers INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX live_streams_channel_idx ON live_streams (channel_id, started_at DESC);

CREATE TABLE stream_segments (
    stream_id UUID NOT NULL REFERENCES live_streams (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    storage_key TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (stream_id, seq)
);
