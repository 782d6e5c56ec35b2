//! Shared data shapes (serde only): what the server sends and the UI shows.

pub mod agent;
pub mod archive;
pub mod attachment;
pub mod backroom;
pub mod backroom_analytics;
pub mod backroom_schedule;
pub mod chat;
pub mod community;
pub mod flash;
pub mod folder;
pub mod note;
pub mod prefs;
pub mod prompt;
pub mod provider;
pub mod search;
pub mod token;
pub mod usage;
pub mod user;
mod vocabulary;

pub use community::AdminSettings;
pub use flash::Flash;
pub use prefs::{Theme, UiPrefs};
pub use user::{Role, SessionUser, UserProfile};

/// A field that is present (even as `null`) is `Some`: tells "set to none"
/// from "leave as it is" in a patch.
pub(crate) fn present<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(d).map(Some)
}
