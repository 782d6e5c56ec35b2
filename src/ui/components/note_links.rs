//! What the sidebar and the notes page both show of notes: a note's name
//! and the "New note" button.

use crate::serverfns::notes::NewNote;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A note's name in lists: its title, else its first line.
pub fn label(title: &str, body: &str) -> String {
    let t = title.trim();
    if !t.is_empty() {
        return t.to_string();
    }
    body.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(60).collect())
        .unwrap_or_else(|| "Untitled note".to_string())
}

/// The "New note" button: a plain form that opens the new note.
#[component]
pub fn NewNoteButton() -> impl IntoView {
    view! {
        <form method="post" action=NewNote::url() class="new-note">
            <button type="submit" class="btn btn-small">"+ New note"</button>
        </form>
    }
}
