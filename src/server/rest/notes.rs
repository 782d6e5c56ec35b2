//! `/api/notes*`: the caller's notes (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::note::{NoteInput, NoteView};
use crate::server::auth::caller::Caller;
use crate::server::services::notes;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<NoteView>>, AppError> {
    let uid = caller.id;
    Ok(Json(state.db.run(move |c| notes::list(c, uid)).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<NoteView>), AppError> {
    let uid = caller.id;
    let note = state.db.run(move |c| notes::create(c, uid, &input)).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<NoteView>, AppError> {
    let uid = caller.id;
    Ok(Json(state.db.run(move |c| notes::get(c, uid, id)).await?))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<Json<NoteView>, AppError> {
    let uid = caller.id;
    Ok(Json(
        state
            .db
            .run(move |c| notes::update(c, uid, id, &input))
            .await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    let uid = caller.id;
    state.db.run(move |c| notes::delete(c, uid, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
