//! Personal access tokens: each account makes, lists and revokes its own.

use crate::error::AppError;
use crate::model::token::{CreatedToken, NewToken, TokenView};
use crate::server::auth::caller::Caller;
use crate::server::services::tokens;
use crate::server::state::AppState;

/// The token is in this answer and nowhere else, ever.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewToken,
) -> Result<CreatedToken, AppError> {
    let user = caller.id;
    state.db.run(move |c| tokens::create(c, user, &input)).await
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<TokenView>, AppError> {
    let user = caller.id;
    state.db.run(move |c| tokens::list(c, user)).await
}

pub async fn revoke(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    let user = caller.id;
    state.db.run(move |c| tokens::revoke(c, user, id)).await
}
