//! `/api/tokens*`: the caller's personal access tokens.

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::token::{CreatedToken, NewToken, TokenView};
use crate::server::actions::tokens;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Create a personal access token
///
/// Makes a token for your account. The token itself is in this answer
/// and nowhere else, ever: keep it. An account holds at most 50.
#[utoipa::path(post, path = "/api/tokens", tag = "profile",
    request_body = NewToken,
    responses(
        (status = 201, body = CreatedToken),
        (status = 409, body = ErrorBody, description = "The account already holds 50 tokens: revoke one first"),
        Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let made = tokens::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/api/tokens", tag = "profile",
    summary = "Your personal access tokens, newest first",
    responses((status = 200, body = Vec<TokenView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(tokens::list(&state, &caller).await?))
}

/// Revoke a personal access token
///
/// The token stops working at once.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "profile",
    params(("id" = i64, Path, description = "The token's id")),
    responses((status = 204, description = "Revoked"), Failures))]
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
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}
