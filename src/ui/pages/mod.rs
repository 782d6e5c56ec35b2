//! One file per route.

pub mod admin;
pub mod admin_audit;
pub mod admin_users;
pub mod agents;
pub mod analytics;
pub mod backrooms;
pub mod chat;
pub mod compare;
pub mod home;
pub mod keys;
pub mod login;
pub mod not_found;
pub mod notes;
pub mod profile;
pub mod profile_tokens;
pub mod prompts;
pub mod providers;
pub mod public_room;
pub mod register;
pub mod search;
pub mod shared;
pub mod threads;
pub mod usage;
