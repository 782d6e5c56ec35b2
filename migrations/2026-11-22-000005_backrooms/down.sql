ALTER TABLE messages DROP COLUMN kind;
ALTER TABLE messages DROP COLUMN speaker;
ALTER TABLE messages DROP COLUMN participant_id;
DROP TABLE backroom_participants;
DROP TABLE backrooms;
DROP INDEX conversations_kind;
ALTER TABLE conversations DROP COLUMN kind;
