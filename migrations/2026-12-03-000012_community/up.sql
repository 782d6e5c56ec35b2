-- Running the server for a community: accounts an admin can disable or
-- reset, sessions a user can see, invitations, and the audit log.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT 0;
-- Set when an admin chose a password: the user picks their own first.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_active_at BIGINT;

-- What a user sees of their own sessions (filled in by requests, at most
-- once a minute per session).
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;
ALTER TABLE sessions ADD COLUMN first_seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;

CREATE TABLE invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    max_uses INTEGER NOT NULL CHECK (max_uses BETWEEN 1 AND 100),
    uses INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT,
    revoked BOOLEAN NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- Names are copied, so a row still reads after its accounts are deleted.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_id BIGINT,
    target_name TEXT,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_created ON audit_log(created_at);
