//! Breaking in: a line every agent hears, until the run is over.

use super::Room;
use crate::serverfns::backrooms::{room_interject, RoomInterject};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;

#[component]
pub(super) fn Interject(room: Room) -> impl IntoView {
    let Room {
        id, errors, live, ..
    } = room;
    let draft = RwSignal::new(String::new());
    let interject = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        // Shown at once as queued (before the answer, which may come after
        // the turn that says it has already begun).
        live.queued.update(|q| q.push(text.clone()));
        draft.set(String::new());
        spawn_local(async move {
            match room_interject(id, text.clone()).await {
                Ok(()) => errors.clear(),
                Err(e) => {
                    // Not queued after all: the text comes back to the box.
                    live.queued.update(|q| {
                        if let Some(i) = q.iter().rposition(|t| *t == text) {
                            q.remove(i);
                        }
                    });
                    draft.set(text);
                    errors.set(e);
                }
            }
        });
    };
    view! {
        <form
            class="composer room-composer"
            method="post"
            action=RoomInterject::url()
            on:submit=move |ev| {
                ev.prevent_default();
                interject();
            }
        >
            <input type="hidden" name="id" value=id />
            <div class="composer-row">
                <textarea
                    name="content"
                    rows="1"
                    maxlength="10000"
                    placeholder="Break in: all agents hear it"
                    aria-label="Interject"
                    required
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                ></textarea>
                <button type="submit" class="btn btn-primary send">"Say"</button>
            </div>
            {errors.at("content")}
            <Show when=move || live.queued.with(|q| !q.is_empty())>
                <div class="queued" role="status">
                    <p class="muted">"Queued: said as soon as the current turn ends."</p>
                    <ul>
                        {move || live.queued.get().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                    </ul>
                </div>
            </Show>
        </form>
    }
}
