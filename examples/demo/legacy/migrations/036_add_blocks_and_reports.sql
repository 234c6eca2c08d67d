-- 036_add_blocks_and_reports.sql
-- Trust & safety: user blocks and content reports.

CREATE TABLE user_blocks (
    blocker_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason VARCHAR(50),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (blocker_id, blocked_id)
);

CREATE TABLE content_reports (
    id BIGSERIAL PRIMARY KEY,
    reporter_id UUID REFERENCES users(id) ON DELETE SET NULL,
    post_id UUID REFERENCES posts(id) ON DELETE CASCADE,
    comment_id UUID REFERENCES comments(id) ON DELETE CASCADE,
    reason VARCHAR(30) NOT NULL
        CHECK (reason IN ('spam', 'harassment', 'nudity', 'violence', 'ip', 'other')),
    details TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'actioned', 'dismissed')),
    -- a moderator who reviewed reports cannot be deleted (audit trail)
    reviewed_by UUID REFERENCES users(id) ON DELETE RESTRICT,
    reviewed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT content_reports_target CHECK (num_nonnulls(post_id, comment_id) = 1)
);

CREATE INDEX idx_content_reports_open ON content_reports (created_at) WHERE status = 'open';
