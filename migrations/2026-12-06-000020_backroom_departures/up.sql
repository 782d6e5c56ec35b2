-- The cast changing mid-run: a seat that left the room. Its turns stay in
-- the transcript; it takes no more turns until its agent enters again
-- (which deletes the row).
CREATE TABLE backroom_departures (
    participant_id BIGINT PRIMARY KEY NOT NULL REFERENCES backroom_participants(id) ON DELETE CASCADE,
    left_at BIGINT NOT NULL
);
