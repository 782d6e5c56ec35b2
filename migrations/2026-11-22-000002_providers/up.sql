-- LLM providers and their models. API keys are stored only encrypted
-- (AES-256-GCM: 12-byte nonce || ciphertext).
CREATE TABLE providers (
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

CREATE TABLE provider_models (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    provider_id BIGINT NOT NULL REFERENCES providers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    model_sdk_id TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT 0,
    is_enabled BOOLEAN NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (provider_id, model_sdk_id)
);
CREATE INDEX provider_models_provider ON provider_models(provider_id);
-- At most one global default model, enforced by the database itself.
CREATE UNIQUE INDEX provider_models_one_default ON provider_models(is_default) WHERE is_default = 1;
