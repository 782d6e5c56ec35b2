-- Usage and cost: optional prices per model, a ledger of what each account
-- used per day and model (written with each reply's tokens), and limits.

-- USD per million tokens; NULL when the admin set none.
ALTER TABLE provider_models ADD COLUMN input_price DOUBLE;
ALTER TABLE provider_models ADD COLUMN output_price DOUBLE;

-- `day` counts days since 1970-01-01 (UTC). Cost in billionths of a USD,
-- from the model's price when the reply finished.
CREATE TABLE usage_days (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    cost_nanos BIGINT NOT NULL DEFAULT 0,
    replies BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, model)
);
CREATE INDEX usage_days_day ON usage_days(day);

-- What replies stored before the ledger existed (no prices then).
INSERT INTO usage_days (user_id, day, model, prompt_tokens, completion_tokens, cost_nanos, replies)
SELECT c.user_id, m.created_at / 86400, COALESCE(m.model_sdk_id, ''),
       SUM(COALESCE(m.prompt_tokens, 0)), SUM(COALESCE(m.completion_tokens, 0)), 0, COUNT(*)
  FROM messages m JOIN conversations c ON c.id = m.conversation_id
 WHERE m.prompt_tokens IS NOT NULL OR m.completion_tokens IS NOT NULL
 GROUP BY c.user_id, m.created_at / 86400, COALESCE(m.model_sdk_id, '');

-- An account's own limits over the defaults: a JSON object holding only
-- the limits it overrides (null there means "no limit").
CREATE TABLE user_limits (
    user_id BIGINT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    limits TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
