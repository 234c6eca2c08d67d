DROP TABLE IF EXISTS typing_indicators;
DROP TABLE IF EXISTS read_receipts;
DROP TABLE IF EXISTS message_attachments;
