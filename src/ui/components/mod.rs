//! Reusable views. Only `#[island]`s run in the browser.

pub mod app_shell;
pub mod auth_card;
pub mod notice;
pub mod sidebar_toggle;
pub mod theme_picker;
pub mod user_menu;
