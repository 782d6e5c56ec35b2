//! `/api/notes*`: the caller's notes (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::note::{NoteInput, NoteView};
use crate::server::actions::notes;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<NoteView>>, AppError> {
    Ok(Json(notes::list(&state, &caller).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<NoteView>), AppError> {
    let note = notes::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<NoteView>, AppError> {
    Ok(Json(notes::get(&state, &caller, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<Json<NoteView>, AppError> {
    Ok(Json(notes::update(&state, &caller, id, input).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    notes::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
