//! `/api/tokens*`: the caller's personal access tokens.

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::token::{CreatedToken, NewToken, TokenView};
use crate::server::actions::tokens;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let made = tokens::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(tokens::list(&state, &caller).await?))
}

pub async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    tokens::revoke(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post, delete};
    OpenApiRouter::new()
        .route("/api/tokens", get(list).post(create))
        .route("/api/tokens/{id}", delete(revoke))
}
