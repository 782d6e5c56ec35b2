//! Reusable views. Only `#[island]`s run in the browser.

pub mod agent_card;
pub mod agent_editor;
pub mod app_shell;
pub mod attachment_list;
pub mod auth_card;
pub mod charts;
pub mod chat_view;
pub mod connection_test;
pub mod copy_button;
pub mod flash;
pub mod folder_drop;
pub mod folder_links;
pub mod form_errors;
pub mod model_import;
pub mod model_picker;
pub mod note_editor;
pub mod note_links;
pub mod prompt_picker;
pub mod provider_card;
pub mod room_view;
pub mod run_schedule;
pub mod sidebar_toggle;
pub mod theme_picker;
pub mod thread_list;
pub mod usage_view;
pub mod user_menu;
