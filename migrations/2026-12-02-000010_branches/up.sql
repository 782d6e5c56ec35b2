-- A thread is a tree: regenerate and edit add a sibling version instead of
-- deleting what followed. `parent_id` is the message a message answers (or
-- follows); `on_path` marks the branch the thread shows, which runs from a
-- root to a leaf, so the shown messages in id order are that branch.
ALTER TABLE messages ADD COLUMN parent_id BIGINT REFERENCES messages(id) ON DELETE CASCADE;
ALTER TABLE messages ADD COLUMN on_path BOOLEAN NOT NULL DEFAULT 1;
UPDATE messages SET parent_id = (
    SELECT MAX(p.id) FROM messages p
    WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id
);
CREATE INDEX messages_parent ON messages(parent_id);
