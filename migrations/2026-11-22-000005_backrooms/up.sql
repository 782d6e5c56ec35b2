-- Backrooms: agents talking to each other on the server. A backroom owns a
-- conversation of kind 'backroom' whose messages are its turns (agents'
-- turns are `assistant` messages with a participant, a human's interjection
-- a `user` message with the speaker's name), so the chat engine streams and
-- stores them exactly as it does replies.
ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat';
CREATE INDEX conversations_kind ON conversations(user_id, kind);

CREATE TABLE backrooms (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    scenario TEXT NOT NULL DEFAULT '',
    turn_order TEXT NOT NULL CHECK (turn_order IN ('round_robin', 'shuffled', 'natural', 'manual')),
    max_turns INTEGER NOT NULL,
    min_turns INTEGER NOT NULL DEFAULT 0,
    -- A JSON array of literal strings.
    stop_patterns TEXT NOT NULL DEFAULT '["^C^C"]',
    token_budget INTEGER,
    state TEXT NOT NULL CHECK (state IN ('draft', 'running', 'paused', 'finished', 'stopped')),
    -- Why it is in that state (finished by max_turns, paused by an error...).
    state_reason TEXT,
    tokens_used INTEGER NOT NULL DEFAULT 0,
    -- Manual turn order: who a viewer picked to speak next.
    next_participant BIGINT,
    forked_from BIGINT REFERENCES backrooms(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX backrooms_user_recent ON backrooms(user_id, updated_at DESC, id DESC);
CREATE INDEX backrooms_running ON backrooms(state) WHERE state = 'running';

-- Each participant is a snapshot of an agent when the backroom was made, so
-- a run reads the same later (and survives the agent being edited or deleted).
CREATE TABLE backroom_participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    backroom_id BIGINT NOT NULL REFERENCES backrooms(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    agent_id BIGINT REFERENCES agents(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    avatar TEXT NOT NULL,
    avatar_image TEXT REFERENCES avatars(id) ON DELETE SET NULL,
    color TEXT NOT NULL,
    system_prompt TEXT NOT NULL,
    model_id BIGINT REFERENCES provider_models(id) ON DELETE SET NULL,
    temperature REAL NOT NULL,
    max_tokens INTEGER,
    talkativeness REAL NOT NULL,
    UNIQUE (backroom_id, position)
);

ALTER TABLE messages ADD COLUMN participant_id BIGINT REFERENCES backroom_participants(id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN speaker TEXT;
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
