//! Note actions: the caller's notes (others' ids answer 404) and the
//! markdown preview.

use super::as_caller;
use crate::error::AppError;
use crate::model::note::{NoteInput, NoteView};
use crate::server::auth::caller::Caller;
use crate::server::services::notes;
use crate::server::state::AppState;

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<NoteView>, AppError> {
    as_caller(state, caller, notes::list).await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<NoteView, AppError> {
    as_caller(state, caller, move |c, uid| notes::get(c, uid, id)).await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NoteInput,
) -> Result<NoteView, AppError> {
    as_caller(state, caller, move |c, uid| notes::create(c, uid, &input)).await
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    input: NoteInput,
) -> Result<NoteView, AppError> {
    as_caller(state, caller, move |c, uid| {
        notes::update(c, uid, id, &input)
    })
    .await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| notes::delete(c, uid, id)).await
}

/// A note's body as safe HTML, refused past the note size limit.
pub fn preview(_caller: &Caller, body: &str) -> Result<String, AppError> {
    if body.len() > notes::BODY_MAX {
        return Err(AppError::invalid(
            "body",
            "The note is too long to preview.",
        ));
    }
    Ok(crate::text::markdown::to_html(body))
}
