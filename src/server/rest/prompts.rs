//! `/api/prompts*`: the caller's prompt templates (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::prompt::{PromptInput, PromptView};
use crate::server::actions::prompts;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/prompts", tag = "library",
    summary = "Your saved prompts, by title",
    responses((status = 200, body = Vec<PromptView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<PromptView>>, AppError> {
    Ok(Json(prompts::list(&state, &caller).await?))
}

/// Save a prompt
///
/// Both `title` and `body` are required here.
#[utoipa::path(post, path = "/api/prompts", tag = "library",
    request_body = PromptInput,
    responses(
        (status = 201, body = PromptView),
        (status = 409, body = ErrorBody, description = "You already keep 500 prompts"),
        Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PromptInput>,
) -> Result<(StatusCode, Json<PromptView>), AppError> {
    let prompt = prompts::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(prompt)))
}

#[utoipa::path(get, path = "/api/prompts/{id}", tag = "library",
    summary = "One of your saved prompts",
    params(("id" = i64, Path, description = "The prompt's id")),
    responses((status = 200, body = PromptView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PromptView>, AppError> {
    Ok(Json(prompts::get(&state, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/prompts/{id}", tag = "library",
    summary = "Change a saved prompt (absent fields stay)",
    params(("id" = i64, Path, description = "The prompt's id")),
    request_body = PromptInput,
    responses((status = 200, body = PromptView), Failures))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<PromptInput>,
) -> Result<Json<PromptView>, AppError> {
    Ok(Json(prompts::update(&state, &caller, id, input).await?))
}

#[utoipa::path(delete, path = "/api/prompts/{id}", tag = "library",
    summary = "Delete a saved prompt",
    params(("id" = i64, Path, description = "The prompt's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    prompts::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(self::get, update, self::delete))
}
