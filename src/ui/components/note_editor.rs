use super::form_errors::FormErrors;
use crate::serverfns::notes::{preview_note, save_note, SaveNote};
use crate::ui::browser;
use crate::ui::raw_text::raw_text;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;

/// How long typing must pause before the note is saved.
const DEBOUNCE_MS: i32 = 700;

/// A note being edited: saved by itself a moment after typing stops (with
/// a "saved" indicator), and a markdown preview. With JavaScript off it is
/// a plain form with a Save button.
#[island]
pub fn NoteEditor(id: i64, title: String, body: String) -> impl IntoView {
    let root = NodeRef::<leptos::html::Form>::new();
    let title = RwSignal::new(title);
    let body = RwSignal::new(body);
    let edits = RwSignal::new(0u32);
    let status = RwSignal::new("Saved".to_string());
    let preview = RwSignal::new(None::<String>);
    let errors = FormErrors::new(&["title", "body"]);
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });

    let save = move || {
        spawn_local(async move {
            let seen = edits.get_untracked();
            status.set("Saving…".into());
            match save_note(id, title.get_untracked(), body.get_untracked()).await {
                Ok(_) => {
                    errors.clear();
                    if edits.get_untracked() == seen {
                        status.set("Saved".into());
                    }
                }
                Err(e) => status.set(match errors.set(e) {
                    Some(m) => format!("Not saved: {m}"),
                    None => "Not saved".into(),
                }),
            }
        });
    };
    let changed = move || {
        edits.update(|n| *n += 1);
        status.set("Unsaved changes".into());
        let mine = edits.get_untracked();
        spawn_local(async move {
            browser::sleep_ms(DEBOUNCE_MS).await;
            if edits.get_untracked() == mine {
                save();
            }
        });
    };
    let toggle_preview = move |_| {
        if preview.get_untracked().is_some() {
            preview.set(None);
            return;
        }
        spawn_local(async move {
            match preview_note(body.get_untracked()).await {
                Ok(html) => preview.set(Some(html)),
                Err(e) => {
                    if let Some(m) = errors.set(e) {
                        status.set(m);
                    }
                }
            }
        });
    };

    view! {
        <form
            class="note-editor"
            method="post"
            action=SaveNote::url()
            node_ref=root
            on:submit=move |ev| {
                ev.prevent_default();
                save();
            }
        >
            <input type="hidden" name="id" value=id />
            <div class="note-bar">
                <span class="note-status muted" role="status" aria-live="polite">{move || status.get()}</span>
                <button type="button" class="btn btn-small note-preview-toggle" on:click=toggle_preview>
                    {move || if preview.get().is_some() { "Edit" } else { "Preview" }}
                </button>
                <button type="submit" class="btn btn-small btn-primary">"Save"</button>
            </div>
            <input
                name="title"
                class="note-title"
                aria-label="Title"
                placeholder="Title"
                maxlength="200"
                value=title.get_untracked()
                prop:value=move || title.get()
                on:input=move |ev| {
                    title.set(event_target_value(&ev));
                    changed();
                }
            />
            {errors.at("title")}
            {move || match preview.get() {
                Some(html) => view! { <div class="note-preview markdown" inner_html=html></div> }.into_any(),
                None => {
                    view! {
                        <textarea
                            name="body"
                            class="note-body"
                            aria-label="Note"
                            placeholder="Write in plain text or markdown"
                            prop:value=move || body.get()
                            on:input=move |ev| {
                                body.set(event_target_value(&ev));
                                changed();
                            }
                            inner_html=raw_text(&body.get_untracked())
                        ></textarea>
                    }
                        .into_any()
                }
            }}
            {errors.at("body")}
        </form>
    }
}
