//! `GET /api/tags`: the caller's tags with how many threads carry each.
//! A thread's tags are set with `PUT /api/conversations/{id}` `{"tags": […]}`.

use crate::error::AppError;
use crate::server::auth::caller::Caller;
use crate::server::services::tags;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<(String, i64)>>, AppError> {
    let uid = caller.id;
    Ok(Json(state.db.run(move |c| tags::used(c, uid)).await?))
}
