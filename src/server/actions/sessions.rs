//! The caller's own sign-in sessions: see them and end any.

use super::as_caller;
use crate::error::AppError;
use crate::model::community::SessionView;
use crate::server::auth::caller::Caller;
use crate::server::services::sessions;
use crate::server::state::AppState;

/// `current` is the id of the session the request came with.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    current: Option<String>,
) -> Result<Vec<SessionView>, AppError> {
    as_caller(state, caller, move |c, uid| {
        sessions::list(c, uid, current.as_deref())
    })
    .await
}

pub async fn end(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| sessions::end(c, uid, id)).await
}
