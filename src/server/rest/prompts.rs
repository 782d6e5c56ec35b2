//! `/api/prompts*`: the caller's prompt templates (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::prompt::{PromptInput, PromptView};
use crate::server::auth::caller::Caller;
use crate::server::services::prompts;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<PromptView>>, AppError> {
    let uid = caller.id;
    Ok(Json(state.db.run(move |c| prompts::list(c, uid)).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<PromptInput>,
) -> Result<(StatusCode, Json<PromptView>), AppError> {
    let uid = caller.id;
    let prompt = state
        .db
        .run(move |c| prompts::create(c, uid, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(prompt)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<PromptView>, AppError> {
    let uid = caller.id;
    Ok(Json(state.db.run(move |c| prompts::get(c, uid, id)).await?))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<PromptInput>,
) -> Result<Json<PromptView>, AppError> {
    let uid = caller.id;
    Ok(Json(
        state
            .db
            .run(move |c| prompts::update(c, uid, id, &input))
            .await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    let uid = caller.id;
    state.db.run(move |c| prompts::delete(c, uid, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
