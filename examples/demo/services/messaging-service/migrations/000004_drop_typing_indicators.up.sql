-- Typing state moved to Redis pub/sub (ephemeral, 5s TTL).
DROP TABLE IF EXISTS typing_indicators;
