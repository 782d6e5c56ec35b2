-- A backroom that runs again on a schedule: at each time `cron` (five
-- fields, UTC) names, a new fork of it from its first turn starts, within
-- the owner's quotas. `next_at` is the next such time (Unix seconds);
-- `last_run` the fork it last started, `last_error` why the last time
-- started nothing, `runs` how many it has started.
CREATE TABLE backroom_schedules (
    backroom_id BIGINT PRIMARY KEY NOT NULL REFERENCES backrooms(id) ON DELETE CASCADE,
    cron TEXT NOT NULL,
    next_at BIGINT NOT NULL,
    last_at BIGINT,
    last_run BIGINT REFERENCES backrooms(id) ON DELETE SET NULL,
    last_error TEXT,
    runs INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX backroom_schedules_next_at ON backroom_schedules(next_at);
