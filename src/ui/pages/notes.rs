use crate::serverfns::notes::{load_note, load_notes, DeleteNote};
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{form_error, typed, FlashNotice};
use crate::ui::components::note_editor::NoteEditor;
use crate::ui::components::note_links::{label, NewNoteButton};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// `/notes`: every note, newest first.
#[component]
pub fn NotesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_notes());
    view! {
        <AppShell title="Notes">
            <FlashNotice />
            <div class="page-actions">
                <p class="muted">"Your notes, on every device you sign in from."</p>
                <NewNoteButton />
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted empty">"No notes yet."</p> }.into_any(),
                        Ok(list) => {
                            view! {
                                <ul class="note-list">
                                    {list
                                        .into_iter()
                                        .map(|n| {
                                            view! {
                                                <li>
                                                    <a href=format!("/notes/{}", n.id)>{label(&n.title, &n.body)}</a>
                                                    <span class="muted">{crate::text::format::date(n.updated_at)}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AppShell>
    }
}

/// `/notes/{id}`: the editor.
#[component]
pub fn NotePage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    let data = Resource::new(|| (), move |_| load_note(id));
    view! {
        <AppShell title="Note">
            <FlashNotice />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(n) => {
                            let title = typed("note", "title", &n.title);
                            let body = typed("note", "body", &n.body);
                            view! {
                                {form_error("note", &[])}
                                <NoteEditor id=n.id title=title body=body />
                                <details class="confirm note-delete">
                                    <summary class="btn btn-small">"Delete…"</summary>
                                    <form method="post" action=DeleteNote::url() class="confirm-box">
                                        <input type="hidden" name="id" value=id />
                                        <p>"Delete this note for good?"</p>
                                        <button type="submit" class="btn btn-danger">"Delete note"</button>
                                    </form>
                                </details>
                            }
                                .into_any()
                        }
                        Err(_) => {
                            crate::ui::set_status(404);
                            view! { <p class="notice notice-error">"This note does not exist."</p> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </AppShell>
    }
}
