-- Agents: a user's personalities (name, avatar, prompt, model, settings).
-- An admin may mark one `shared`: every user can then use and duplicate it.
-- Uploaded avatar images live in `avatars` under a random id; an agent
-- points at one (duplicates share it), unreferenced ones are removed.
CREATE TABLE avatars (
    id TEXT PRIMARY KEY NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE agents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    avatar TEXT NOT NULL DEFAULT '🤖',
    avatar_image TEXT REFERENCES avatars(id) ON DELETE SET NULL,
    color TEXT NOT NULL DEFAULT '#6366f1',
    system_prompt TEXT NOT NULL DEFAULT '',
    model_id BIGINT REFERENCES provider_models(id) ON DELETE SET NULL,
    -- Set when the agent's model was deleted: it now uses the default, and
    -- the UI says so until a model is chosen again.
    model_lost BOOLEAN NOT NULL DEFAULT 0,
    temperature REAL NOT NULL DEFAULT 1.0,
    max_tokens INTEGER,
    talkativeness REAL NOT NULL DEFAULT 0.5,
    shared BOOLEAN NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX agents_user ON agents(user_id, id);
CREATE INDEX agents_shared ON agents(shared) WHERE shared = 1;
CREATE INDEX agents_avatar_image ON agents(avatar_image) WHERE avatar_image IS NOT NULL;

-- Fires for direct deletes and for those cascaded from a provider.
CREATE TRIGGER agents_model_deleted BEFORE DELETE ON provider_models
BEGIN
    UPDATE agents SET model_lost = 1, model_id = NULL WHERE model_id = OLD.id;
END;

-- A thread may be bound to an agent: its prompt, model and settings apply.
ALTER TABLE conversations ADD COLUMN agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL;
