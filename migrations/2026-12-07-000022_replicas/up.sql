-- Several processes on one database (PostgreSQL replicas; on SQLite only
-- ever one). Each process is a replica with a heartbeat: one not seen for
-- 10 s is dead, and what it was doing is taken over or ended by the others.
CREATE TABLE replicas (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    started_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
);
-- The replica writing each reply still `streaming`.
CREATE TABLE reply_owners (
    message_id BIGINT PRIMARY KEY NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    replica BIGINT NOT NULL
);
CREATE INDEX reply_owners_replica ON reply_owners(replica);
-- The replica running each backroom run: its lease lasts while the
-- replica's heartbeat does.
CREATE TABLE run_leases (
    backroom_id BIGINT PRIMARY KEY NOT NULL REFERENCES backrooms(id) ON DELETE CASCADE,
    replica BIGINT NOT NULL
);
-- Failed sign-ins per username ('u:name') and per address ('a:addr').
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    last_failure BIGINT NOT NULL,
    blocked_until BIGINT
);
CREATE INDEX login_failures_last_failure ON login_failures(last_failure);
-- Replies and turns admitted against their account's limits: in flight
-- until released, counted for the per-minute limit for a minute.
CREATE TABLE reply_holds (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    replica BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    released BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX reply_holds_user ON reply_holds(user_id, started_at);
