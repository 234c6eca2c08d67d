-- 021_streaming_stream_tags.sql
-- Free-form tags on streams (max 10 per stream, enforced in the API).

CREATE TABLE stream_tags (
    stream_id UUID NOT NULL REFERENCES streams(stream_id) ON DELETE CASCADE,
    tag VARCHAR(25) NOT NULL,
    PRIMARY KEY (stream_id, tag)
);

CREATE INDEX idx_stream_tags_tag ON stream_tags (tag);
