//! `GET /api/tags`: the caller's tags with how many threads carry each.
//! A thread's tags are set with `PUT /api/conversations/{id}` `{"tags": […]}`.

use crate::error::AppError;
use crate::server::actions::threads;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<(String, i64)>>, AppError> {
    Ok(Json(threads::tags(&state, &caller).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get};
    OpenApiRouter::new()
        .route("/api/tags", get(list))
}
