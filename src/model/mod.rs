//! Shared data shapes (serde only): what the server sends and the UI shows.

pub mod agent;
pub mod backroom;
pub mod chat;
pub mod flash;
pub mod note;
pub mod prefs;
pub mod provider;
pub mod search;
pub mod user;

pub use flash::Flash;
pub use prefs::{Theme, UiPrefs};
pub use user::{AdminSettings, Role, SessionUser, UserProfile};
