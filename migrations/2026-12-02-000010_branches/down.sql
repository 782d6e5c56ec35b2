-- Keeps the shown branch only, as before versions existed.
DELETE FROM messages WHERE on_path = 0;
DROP INDEX messages_parent;
ALTER TABLE messages DROP COLUMN on_path;
ALTER TABLE messages DROP COLUMN parent_id;
