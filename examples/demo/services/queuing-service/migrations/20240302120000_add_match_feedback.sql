CREATE TABLE match_feedback (
    match_id TEXT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    rating SMALLINT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (match_id, user_id)
);
