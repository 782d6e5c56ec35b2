//! `/api/prompts*`: the caller's prompt templates (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::prompt::{PromptInput, PromptView};
use crate::server::actions::prompts;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<PromptView>>, AppError> {
    Ok(Json(prompts::list(&state, &caller).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PromptInput>,
) -> Result<(StatusCode, Json<PromptView>), AppError> {
    let prompt = prompts::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(prompt)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PromptView>, AppError> {
    Ok(Json(prompts::get(&state, &caller, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<PromptInput>,
) -> Result<Json<PromptView>, AppError> {
    Ok(Json(prompts::update(&state, &caller, id, input).await?))
}

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
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/prompts", get(list).post(create))
        .route("/api/prompts/{id}", get(self::get).put(update).delete(self::delete))
}
