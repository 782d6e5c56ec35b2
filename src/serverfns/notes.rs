//! Server functions behind the notes panel and editor. The editor island
//! autosaves through `save_note`; with JavaScript off its Save button posts
//! the same function as a form and gets the page back.

use crate::error::AppError;
use crate::model::note::NoteView;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod support {
    pub use crate::server::actions::notes;
    pub use crate::serverfns::support::{caller, plain_form as plain};
}

#[server(prefix = "/fn", endpoint = "notes/list")]
pub async fn load_notes() -> Result<Vec<NoteView>, AppError> {
    let (state, caller) = support::caller().await?;
    support::notes::list(&state, &caller).await
}

#[server(prefix = "/fn", endpoint = "notes/get")]
pub async fn load_note(id: i64) -> Result<NoteView, AppError> {
    let (state, caller) = support::caller().await?;
    support::notes::get(&state, &caller, id).await
}

/// "New note": an empty note, opened in the editor.
#[server(prefix = "/fn", endpoint = "notes/new")]
pub async fn new_note() -> Result<(), AppError> {
    let (state, caller) = support::caller().await?;
    let note = support::notes::create(&state, &caller, Default::default()).await?;
    leptos_axum::redirect(&format!("/notes/{}", note.id));
    Ok(())
}

/// Saves title and body; answers when it was saved.
#[server(prefix = "/fn", endpoint = "notes/save")]
pub async fn save_note(id: i64, title: String, body: String) -> Result<i64, AppError> {
    use crate::model::note::NoteInput;
    let (state, caller) = support::caller().await?;
    let input = NoteInput {
        title: Some(title.clone()),
        body: Some(body.clone()),
    };
    let result = support::notes::update(&state, &caller, id, input).await;
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
    let (state, caller) = support::caller().await?;
    let result = support::notes::delete(&state, &caller, id).await;
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
    let (_, caller) = support::caller().await?;
    support::notes::preview(&caller, &body)
}
