ALTER TABLE conversations DROP COLUMN agent_id;
DROP TRIGGER agents_model_deleted;
DROP TABLE agents;
DROP TABLE avatars;
