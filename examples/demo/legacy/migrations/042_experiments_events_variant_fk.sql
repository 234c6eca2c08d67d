-- 042_experiments_events_variant_fk.sql
-- Link events to the variant the user saw. Old events have variant_id values
-- from deleted variants, so the FK is NOT VALID until the backfill (JIRA EXP-212)
-- is done. It was never validated.

ALTER TABLE experiment_events
    ADD CONSTRAINT experiment_events_variant_id_fkey FOREIGN KEY (variant_id)
    REFERENCES experiment_variants (id)
    ON DELETE SET NULL
    NOT VALID;
