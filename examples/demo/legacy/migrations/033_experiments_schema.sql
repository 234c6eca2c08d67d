-- 033_experiments_schema.sql
-- A/B testing platform: experiments, variants, sticky assignments and events.

CREATE TABLE experiments (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    key VARCHAR(100) NOT NULL UNIQUE,
    description TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'running', 'paused', 'completed')),
    traffic_percent SMALLINT NOT NULL DEFAULT 100 CHECK (traffic_percent BETWEEN 0 AND 100),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    started_at TIMESTAMPTZ,
    ended_at TIMESTAMPTZ
);

CREATE TABLE experiment_variants (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    experiment_id UUID NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    key VARCHAR(50) NOT NULL,
    weight SMALLINT NOT NULL DEFAULT 50 CHECK (weight >= 0),
    payload JSONB NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (experiment_id, key)
);

CREATE TABLE experiment_assignments (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    experiment_id UUID NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    variant_id UUID NOT NULL REFERENCES experiment_variants(id),
    assigned_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (experiment_id, user_id)
);

CREATE TABLE experiment_events (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    experiment_id UUID NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    variant_id UUID,
    event_name VARCHAR(100) NOT NULL,
    properties JSONB,
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_experiment_events_lookup ON experiment_events (experiment_id, event_name, occurred_at);

CREATE TRIGGER trg_experiments_updated_at
    BEFORE UPDATE ON experiments
    FOR EACH ROW
    EXECUTE FUNCTION update_updated_at_column();

-- Nightly job: move old events to a per-month archive table. The CREATE TABLE
-- below only runs when the function is called, never during the migration.
CREATE OR REPLACE FUNCTION archive_experiment_events(cutoff TIMESTAMPTZ)
RETURNS INTEGER
LANGUAGE plpgsql
AS $fn$
DECLARE
    archive_name TEXT := 'experiment_events_archive_' || to_char(cutoff, 'YYYY_MM');
    moved INTEGER;
BEGIN
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I (LIKE experiment_events INCLUDING DEFAULTS, '
        'user_ref UUID REFERENCES users(id))',
        archive_name
    );
    EXECUTE format(
        'INSERT INTO %I SELECT *, user_id FROM experiment_events WHERE occurred_at < $1',
        archive_name
    ) USING cutoff;
    GET DIAGNOSTICS moved = ROW_COUNT;
    DELETE FROM experiment_events WHERE occurred_at < cutoff;
    RETURN moved;
END;
$fn$;
