DROP TABLE prompts;
DROP TABLE conversation_tags;
DROP INDEX conversations_folder;
ALTER TABLE conversations DROP COLUMN archived;
ALTER TABLE conversations DROP COLUMN folder_id;
DROP TABLE folders;
