-- Personal access tokens for other programs (`Authorization: Bearer bk_...`
-- on /v1 and /api). Only a SHA-256 of the token is kept: it is 256 random
-- bits, so a slow password hash would add nothing but latency per request.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- The first characters, to tell tokens apart in the list.
    prefix TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    expires_at BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
