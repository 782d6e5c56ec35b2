//! Folder actions: the caller's folders (others' ids answer 404). Threads
//! move in and out through `threads::update`.

use super::as_caller;
use crate::error::AppError;
use crate::model::folder::{FolderInput, FolderView};
use crate::server::auth::caller::Caller;
use crate::server::services::folders;
use crate::server::state::AppState;

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<FolderView>, AppError> {
    as_caller(state, caller, folders::list).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: FolderInput,
) -> Result<FolderView, AppError> {
    as_caller(state, caller, move |c, uid| folders::create(c, uid, &input)).await
}

pub async fn rename(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: FolderInput,
) -> Result<FolderView, AppError> {
    as_caller(state, caller, move |c, uid| {
        folders::rename(c, uid, id, &input)
    })
    .await
}

/// Its threads move out of it; none is deleted.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| folders::delete(c, uid, id)).await
}
