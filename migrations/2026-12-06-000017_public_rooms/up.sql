-- Public live rooms: a backroom's owner publishes its run at /b/{token}
-- for anyone with the link; revoking deletes the row (the link answers 404
-- at once). `show_details` lets viewers see the seats' models and prompts.
CREATE TABLE backroom_publications (
    backroom_id BIGINT PRIMARY KEY NOT NULL REFERENCES backrooms(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    show_details BOOLEAN NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
