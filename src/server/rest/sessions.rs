//! `/api/sessions`: the caller's own sign-in sessions.

use super::id::Id;
use super::openapi::Failures;
use crate::error::AppError;
use crate::model::community::SessionView;
use crate::server::actions::sessions;
use crate::server::auth::caller::Caller;
use crate::server::auth::AuthSession;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Your sign-in sessions, most recently used first
///
/// Every browser session signed in to your account, the one this request
/// came with marked `current`. Needs the session cookie: a personal access
/// token alone answers 401.
#[utoipa::path(get, path = "/api/sessions", tag = "profile",
    responses((status = 200, body = Vec<SessionView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    auth: AuthSession,
) -> Result<Json<Vec<SessionView>>, AppError> {
    let caller = Caller::signed_in(&auth)?;
    let current = auth.session.id().map(|id| id.to_string());
    Ok(Json(sessions::list(&state, &caller, current).await?))
}

/// End one of your sessions
///
/// Signs that session out (ending the current one signs you out).
#[utoipa::path(delete, path = "/api/sessions/{id}", tag = "profile",
    params(("id" = i64, Path, description = "The session's id, from the list")),
    responses((status = 204, description = "Ended"), Failures))]
pub async fn end(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    sessions::end(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(end))
}
