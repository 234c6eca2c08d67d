CREATE TABLE matches (
    id TEXT PRIMARY KEY,
    user1_id TEXT NOT NULL,
    user2_id TEXT NOT NULL,
    score REAL NOT NULL,
    status VARCHAR(16) NOT NULL DEFAULT 'PROPOSED'
        CHECK (status IN ('PROPOSED', 'ACCEPTED', 'REJECTED', 'EXPIRED')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT matches_distinct_users CHECK (user1_id <> user2_id)
);

CREATE UNIQUE INDEX matches_pair_idx ON matches (LEAST(user1_id, user2_id), GREATEST(user1_id, user2_id));
