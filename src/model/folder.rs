//! Folders: a user's named groups of threads (a thread is in at most one).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
pub struct FolderInput {
    pub name: String,
}
