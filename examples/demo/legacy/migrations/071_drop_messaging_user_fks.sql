-- 071_drop_messaging_user_fks.sql
-- P0 database consolidation, phase 2 (remove FKs) for messaging-service.
-- Phase 1 shipped in messaging-service v3.14: auth_client.user_exists(user_id)
-- is checked before every insert, behind the `messaging.validate_users` flag.

ALTER TABLE conversations DROP CONSTRAINT conversations_created_by_fkey;
ALTER TABLE conversation_participants DROP CONSTRAINT conversation_participants_user_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
ALTER TABLE message_reactions DROP CONSTRAINT message_reactions_user_id_fkey;
