//! Folders: a user's named groups of threads (a thread is in at most one).

use serde::{Deserialize, Serialize};

/// A folder. `created_at` is Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FolderView {
    pub id: i64,
    pub name: String,
    /// Threads in it, archived ones included.
    pub threads: i64,
    pub created_at: i64,
}

/// `POST /api/folders` and `PUT /api/folders/{id}` (rename).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FolderInput {
    /// One line of at most 60 characters, unlike your other folders' names.
    pub name: String,
}
