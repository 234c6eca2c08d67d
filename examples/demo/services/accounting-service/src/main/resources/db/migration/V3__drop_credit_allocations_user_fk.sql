-- V3__drop_credit_allocations_user_fk.sql
-- Users register in auth-service first and reach user_accounts later
-- (eventual consistency), so the FK rejected valid allocations:
--   insert or update on table "credit_allocations" violates foreign key
--   constraint "credit_allocations_user_id_fkey"
-- The service now creates a placeholder account before allocating.

-- Drop the foreign key constraint
ALTER TABLE credit_allocations DROP CONSTRAINT IF EXISTS credit_allocations_user_id_fkey;

-- Inform the user of the changes
SELECT 'Foreign key constraint removed successfully.' as result;
