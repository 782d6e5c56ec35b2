//! The integration suite: one test binary (one link step), a module per area.
//! Each test starts a real server on port 0 over a real SQLite file.

mod accounts;
mod agent_pages;
mod agents;
mod api_v1;
mod archive;
mod attachments;
mod backroom_analytics;
mod backroom_guards;
mod backrooms;
mod backups;
mod branches;
mod cast_changes;
mod chat;
mod chat_pages;
mod common;
mod community;
mod hardening;
mod long_threads;
mod migrate_data;
mod notes;
mod openapi;
mod organise;
mod own_keys;
mod pages;
mod provider_pages;
mod providers;
mod public_rooms;
mod quotas;
mod replicas;
mod schedules;
mod search;
mod security;
mod thread_files;
mod whispers;
