DROP TABLE stream_segments;
DROP TABLE live_streams;
