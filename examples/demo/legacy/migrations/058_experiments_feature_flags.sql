-- 058_experiments_feature_flags.sql
-- Feature flags live next to experiments (same evaluation SDK).
-- Written by a contractor used to SQL Server: unquoted identifiers below are
-- case-folded by PostgreSQL, so Users(Id) is users(id).

CREATE TABLE feature_flags (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    key VARCHAR(100) NOT NULL UNIQUE,
    description TEXT,
    enabled BOOLEAN NOT NULL DEFAULT FALSE,
    rollout_percent SMALLINT NOT NULL DEFAULT 0 CHECK (rollout_percent BETWEEN 0 AND 100),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE Feature_Flag_Overrides (
    Flag_Id UUID NOT NULL REFERENCES Feature_Flags(Id) ON DELETE CASCADE,
    User_Id UUID NOT NULL REFERENCES Users(Id) ON DELETE CASCADE,
    Enabled BOOLEAN NOT NULL,
    Expires_At TIMESTAMPTZ,
    PRIMARY KEY (Flag_Id, User_Id)
);

-- Audit trail of rollout changes (name kept long on purpose by the team:
-- the generated FK name is truncated by PostgreSQL to 63 bytes).
CREATE TABLE feature_flag_rollout_percentage_change_history (
    id BIGSERIAL PRIMARY KEY,
    feature_flag_id UUID NOT NULL REFERENCES feature_flags (id) ON DELETE CASCADE,
    old_percent SMALLINT NOT NULL,
    new_percent SMALLINT NOT NULL,
    changed_by UUID REFERENCES users (id) ON DELETE SET NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

INSERT INTO feature_flags (key, description, enabled, rollout_percent) VALUES
    ('stories.close_friends', 'Close friends audience for stories', TRUE, 100),
    ('messaging.reactions', 'Emoji reactions in DMs', TRUE, 100),
    ('streaming.co_hosts', 'Second host on live streams', FALSE, 5);
