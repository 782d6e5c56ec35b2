//! Search over the caller's own messages and thread titles.

use super::as_caller;
use crate::error::AppError;
use crate::model::search::SearchPage;
use crate::server::auth::caller::Caller;
use crate::server::services::search;
use crate::server::state::AppState;

pub async fn search(
    state: &AppState,
    caller: &Caller,
    q: String,
    offset: i64,
) -> Result<SearchPage, AppError> {
    as_caller(state, caller, move |c, uid| {
        search::search(c, uid, &q, offset)
    })
    .await
}
