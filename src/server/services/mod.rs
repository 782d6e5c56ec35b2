//! Domain logic as synchronous Diesel code on `&mut Conn`.
//! REST handlers, server functions and background tasks all call these.

pub mod accounts;
pub mod agent_templates;
pub mod agents;
pub mod archive_export;
pub mod archive_import;
pub mod attachments;
pub mod audit;
pub mod avatars;
pub mod backroom_export;
pub mod backroom_loops;
pub mod backroom_rules;
pub mod backrooms;
pub mod folders;
pub mod invites;
pub mod limits;
pub mod messages;
pub mod models;
pub mod notes;
pub mod prompts;
pub mod providers;
pub mod replicas;
pub mod search;
pub mod sessions;
pub mod settings;
pub mod shares;
pub mod tags;
pub mod thread_export;
pub mod threads;
pub mod tokens;
pub mod usage;
pub mod users;
pub mod validate;
