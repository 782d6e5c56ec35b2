//! `GET /api/tags`: the caller's tags with how many threads carry each.
//! A thread's tags are set with `PUT /api/conversations/{id}` `{"tags": […]}`.

use crate::error::AppError;
use crate::server::auth::{accounts, AuthSession};
use crate::server::services::tags;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;

pub async fn list(
    State(state): State<AppState>,
    auth: AuthSession,
) -> Result<Json<Vec<(String, i64)>>, AppError> {
    let uid = accounts::require_user(&auth)?.id;
    Ok(Json(state.db.run(move |c| tags::used(c, uid)).await?))
}
