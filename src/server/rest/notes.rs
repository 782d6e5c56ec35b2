//! `/api/notes*`: the caller's notes (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::model::note::{NoteInput, NoteView};
use crate::server::actions::notes;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/notes", tag = "library",
    summary = "Your notes, newest first",
    responses((status = 200, body = Vec<NoteView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<NoteView>>, AppError> {
    Ok(Json(notes::list(&state, &caller).await?))
}

#[utoipa::path(post, path = "/api/notes", tag = "library",
    summary = "Create a note",
    request_body = NoteInput,
    responses((status = 201, body = NoteView), Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<NoteView>), AppError> {
    let note = notes::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(note)))
}

#[utoipa::path(get, path = "/api/notes/{id}", tag = "library",
    summary = "One of your notes",
    params(("id" = i64, Path, description = "The note's id")),
    responses((status = 200, body = NoteView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<NoteView>, AppError> {
    Ok(Json(notes::get(&state, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/notes/{id}", tag = "library",
    summary = "Change a note's title or text (absent fields stay)",
    params(("id" = i64, Path, description = "The note's id")),
    request_body = NoteInput,
    responses((status = 200, body = NoteView), Failures))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<Json<NoteView>, AppError> {
    Ok(Json(notes::update(&state, &caller, id, input).await?))
}

#[utoipa::path(delete, path = "/api/notes/{id}", tag = "library",
    summary = "Delete a note",
    params(("id" = i64, Path, description = "The note's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    notes::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(self::get, update, self::delete))
}
