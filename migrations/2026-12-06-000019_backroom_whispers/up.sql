-- Whispers: a viewer's interjection addressed to some seats only (`@name`,
-- or `visible_to` in the API). Only those seats hear it in their prompts;
-- viewers see it marked. A turn without rows is heard by everyone.
CREATE TABLE backroom_whispers (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES backroom_participants(id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, participant_id)
);
