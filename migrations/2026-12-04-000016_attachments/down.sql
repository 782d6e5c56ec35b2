ALTER TABLE provider_models DROP COLUMN vision;
DROP TABLE message_attachments;
DROP TABLE attachments;
DROP TABLE blobs;
