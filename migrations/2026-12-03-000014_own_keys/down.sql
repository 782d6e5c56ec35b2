PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM usage_days WHERE own_key = 1;
ALTER TABLE usage_days DROP COLUMN own_key;
DELETE FROM provider_models WHERE provider_id IN (SELECT id FROM providers WHERE owner_id IS NOT NULL);
CREATE TABLE providers_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    provider_sdk_id TEXT NOT NULL UNIQUE,
    api_format TEXT NOT NULL CHECK (api_format IN ('openai', 'anthropic')),
    base_url TEXT,
    api_key BLOB,
    image_url TEXT,
    is_enabled BOOLEAN NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO providers_old (id, name, provider_sdk_id, api_format, base_url, api_key,
                           image_url, is_enabled, created_at, updated_at)
SELECT id, name, provider_sdk_id, api_format, base_url, api_key,
       image_url, is_enabled, created_at, updated_at
  FROM providers WHERE owner_id IS NULL;
DROP TABLE providers;
ALTER TABLE providers_old RENAME TO providers;
COMMIT;
PRAGMA foreign_keys = ON;
