//! `/api/sessions`: the caller's own sign-in sessions.

use super::id::Id;
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

pub async fn list(
    State(state): State<AppState>,
    auth: AuthSession,
) -> Result<Json<Vec<SessionView>>, AppError> {
    let caller = Caller::signed_in(&auth)?;
    let current = auth.session.id().map(|id| id.to_string());
    Ok(Json(sessions::list(&state, &caller, current).await?))
}

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
    use axum::routing::{get, delete};
    OpenApiRouter::new()
        .route("/api/sessions", get(list))
        .route("/api/sessions/{id}", delete(end))
}
