-- Organising threads: folders (a thread is in at most one; deleting a folder
-- moves its threads back out), tags (free words per thread), archive (hidden
-- from the lists, still searchable), and each user's saved prompts.
CREATE TABLE folders (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, name)
);

ALTER TABLE conversations ADD COLUMN folder_id BIGINT REFERENCES folders(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN archived BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX conversations_folder ON conversations(folder_id) WHERE folder_id IS NOT NULL;

CREATE TABLE conversation_tags (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_tag ON conversation_tags(tag, conversation_id);

CREATE TABLE prompts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX prompts_user ON prompts(user_id, title);
