-- Own keys: a provider may belong to one account (`owner_id`), seen and
-- used by that account alone. Names and slugs are then unique per owner
-- (the shared providers being one owner), which SQLite can only change by
-- rebuilding the table. Foreign keys are off while the old table goes, so
-- its models are not cascaded away.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE providers_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    provider_sdk_id TEXT NOT NULL,
    api_format TEXT NOT NULL CHECK (api_format IN ('openai', 'anthropic')),
    base_url TEXT,
    api_key BLOB,
    image_url TEXT,
    is_enabled BOOLEAN NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO providers_new (id, owner_id, name, provider_sdk_id, api_format, base_url, api_key,
                           image_url, is_enabled, created_at, updated_at)
SELECT id, NULL, name, provider_sdk_id, api_format, base_url, api_key,
       image_url, is_enabled, created_at, updated_at
  FROM providers;
DROP TABLE providers;
ALTER TABLE providers_new RENAME TO providers;
CREATE UNIQUE INDEX providers_owner_name ON providers(COALESCE(owner_id, 0), name COLLATE NOCASE);
CREATE UNIQUE INDEX providers_owner_slug ON providers(COALESCE(owner_id, 0), provider_sdk_id);
CREATE INDEX providers_owner ON providers(owner_id);

-- Tokens spent on an account's own key: shown, never counted against
-- its quotas.
ALTER TABLE usage_days ADD COLUMN own_key BOOLEAN NOT NULL DEFAULT 0;
COMMIT;
PRAGMA foreign_keys = ON;
