//! Server functions behind the notes panel and editor. The editor island
//! autosaves through `save_note`; with JavaScript off its Save button posts
//! the same function as a form and gets the page back.

use crate::error::AppError;
use crate::model::note::NoteView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::serverfns::support::{caller, plain_form as plain};
}

#[server(prefix = "/fn", endpoint = "notes/list")]
pub async fn load_notes() -> Result<Vec<NoteView>, AppError> {
    use crate::server::services::notes;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state.db.run(move |c| notes::list(c, uid)).await
}

#[server(prefix = "/fn", endpoint = "notes/get")]
pub async fn load_note(id: i64) -> Result<NoteView, AppError> {
    use crate::server::services::notes;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    state.db.run(move |c| notes::get(c, uid, id)).await
}

/// "New note": an empty note, opened in the editor.
#[server(prefix = "/fn", endpoint = "notes/new")]
pub async fn new_note() -> Result<(), AppError> {
    use crate::server::services::notes;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let note = state
        .db
        .run(move |c| notes::create(c, uid, &Default::default()))
        .await?;
    leptos_axum::redirect(&format!("/notes/{}", note.id));
    Ok(())
}

/// Saves title and body; answers when it was saved.
#[server(prefix = "/fn", endpoint = "notes/save")]
pub async fn save_note(id: i64, title: String, body: String) -> Result<i64, AppError> {
    use crate::model::note::NoteInput;
    use crate::server::services::notes;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let input = NoteInput {
        title: Some(title.clone()),
        body: Some(body.clone()),
    };
    let result = state
        .db
        .run(move |c| notes::update(c, uid, id, &input))
        .await;
    if support::plain().await {
        let flash = match &result {
            Ok(_) => crate::model::Flash::notice("Saved."),
            Err(e) => crate::model::Flash::error("note", e.field(), e.message())
                .with_values(&[("title", &title), ("body", &body)]),
        };
        crate::server::flash::redirect(&format!("/notes/{id}"), flash);
        return Ok(0);
    }
    result.map(|n| n.updated_at)
}

#[server(prefix = "/fn", endpoint = "notes/delete")]
pub async fn delete_note(id: i64) -> Result<(), AppError> {
    use crate::server::services::notes;
    let (state, caller) = support::caller().await?;
    let uid = caller.id;
    let result = state.db.run(move |c| notes::delete(c, uid, id)).await;
    let flash = match &result {
        Ok(()) => crate::model::Flash::notice("Note deleted."),
        Err(e) => crate::model::Flash::error("note", None, e.message()),
    };
    crate::server::flash::redirect("/notes", flash);
    Ok(())
}

/// The markdown preview: the note rendered as safe HTML.
#[server(prefix = "/fn", endpoint = "notes/preview")]
pub async fn preview_note(body: String) -> Result<String, AppError> {
    support::caller().await?;
    if body.len() > crate::server::services::notes::BODY_MAX {
        return Err(AppError::invalid(
            "body",
            "The note is too long to preview.",
        ));
    }
    Ok(crate::text::markdown::to_html(&body))
}
