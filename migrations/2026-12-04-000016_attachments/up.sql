-- Attachments: pictures for vision models and documents whose text goes
-- into the prompt. The bytes are kept once per content (SHA-256), in the
-- database, so backups and the account export carry them; each upload is
-- an attachment of its owner, who alone can read it.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'document')),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    width INTEGER,
    height INTEGER,
    pages INTEGER,
    -- A document's text, as extracted on upload.
    text TEXT,
    -- Set once the attachment went out with a message: from then on it goes
    -- when nothing refers to it any more (an unsent upload waits a day).
    sent BOOLEAN NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_user ON attachments(user_id);
CREATE INDEX attachments_sha256 ON attachments(sha256);
-- Which message carries which attachments, in order.
CREATE TABLE message_attachments (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (message_id, attachment_id)
);
CREATE INDEX message_attachments_attachment ON message_attachments(attachment_id);
-- A document's text in pieces of about a thousand characters, indexed for
-- full-text search: a turn whose files do not all fit gets the pieces that
-- best match its message. `position` is the piece's first character in
-- the text, `page` its PDF page.
CREATE TABLE attachment_chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    page INTEGER,
    body TEXT NOT NULL
);
CREATE INDEX attachment_chunks_attachment ON attachment_chunks(attachment_id);
CREATE VIRTUAL TABLE attachment_chunks_fts USING fts5(
    body,
    content = 'attachment_chunks',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER attachment_chunks_fts_insert AFTER INSERT ON attachment_chunks BEGIN
    INSERT INTO attachment_chunks_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER attachment_chunks_fts_delete AFTER DELETE ON attachment_chunks BEGIN
    INSERT INTO attachment_chunks_fts(attachment_chunks_fts, rowid, body)
    VALUES ('delete', old.id, old.body);
END;
-- The excerpts a reply was given, numbered as it cites them ([1], [2]).
CREATE TABLE message_sources (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    page INTEGER,
    PRIMARY KEY (message_id, n)
);
CREATE INDEX message_sources_attachment ON message_sources(attachment_id);
-- An agent's knowledge shelf: files searched in every thread with it.
CREATE TABLE agent_knowledge (
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (agent_id, attachment_id)
);
CREATE INDEX agent_knowledge_attachment ON agent_knowledge(attachment_id);
-- Whether a model sees pictures (admin-set; import guesses from known ids).
ALTER TABLE provider_models ADD COLUMN vision BOOLEAN NOT NULL DEFAULT 0;
