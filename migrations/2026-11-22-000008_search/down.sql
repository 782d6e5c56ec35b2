DROP TRIGGER conversations_fts_update;
DROP TRIGGER conversations_fts_delete;
DROP TRIGGER conversations_fts_insert;
DROP TABLE conversations_fts;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_insert;
DROP TABLE messages_fts;
