//! `GET /api/tags`: the caller's tags with how many threads carry each.
//! A thread's tags are set with `PUT /api/conversations/{id}` `{"tags": […]}`.

use super::openapi::Failures;
use crate::error::AppError;
use crate::server::actions::threads;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Your tags and how many threads carry each
///
/// Each tag on your threads (archived ones left out), by name, as a pair
/// `[tag, how many threads]`.
#[utoipa::path(get, path = "/api/tags", tag = "library",
    responses((status = 200, body = Vec<(String, i64)>,
        example = json!([["rust", 4], ["work", 12]])), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<(String, i64)>>, AppError> {
    Ok(Json(threads::tags(&state, &caller).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}
