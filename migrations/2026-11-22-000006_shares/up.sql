-- Read-only links to a thread: an unguessable token anyone may open until
-- the owner revokes it (the row is deleted; the link then answers 404).
CREATE TABLE shares (
    token TEXT PRIMARY KEY NOT NULL,
    conversation_id BIGINT NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
