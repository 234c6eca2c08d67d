-- 044_messaging_conversation_last_message.sql
-- Denormalised pointer for the inbox list. The hotfix script already created
-- the constraint by hand in production, hence the idempotent guard.

ALTER TABLE conversations ADD COLUMN IF NOT EXISTS last_message_id UUID;

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint WHERE conname = 'conversations_last_message_id_fkey'
    ) THEN
        ALTER TABLE conversations
            ADD CONSTRAINT conversations_last_message_id_fkey FOREIGN KEY (last_message_id)
            REFERENCES messages(id)
            ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED;
    END IF;
END $$;

UPDATE conversations c
SET last_message_id = (
    SELECT m.id FROM messages m
    WHERE m.conversation_id = c.id
    ORDER BY m.created_at DESC
    LIMIT 1
);
