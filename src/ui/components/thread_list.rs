use crate::model::chat::{ThreadPage, ThreadSummary};
use crate::serverfns::chat::list_threads;
use crate::ui::browser;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn order(items: &mut [ThreadSummary]) {
    // Pinned threads first, each group newest first (stable sort).
    items.sort_by_key(|t| !t.pinned);
}

/// The sidebar's threads: the first page comes with the HTML; older ones
/// load as the list is scrolled to its end.
#[island]
pub fn ThreadList(page: ThreadPage, current: String) -> impl IntoView {
    let mut first = page.items;
    order(&mut first);
    let items = RwSignal::new(first);
    let cursor = RwSignal::new(page.next_cursor);
    let loading = RwSignal::new(false);
    let more = NodeRef::<leptos::html::Button>::new();
    let current = StoredValue::new(current);

    let load = move || {
        let Some(before) = cursor.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        spawn_local(async move {
            if let Ok(next) = list_threads(Some(before)).await {
                items.update(|i| i.extend(next.items));
                cursor.set(next.next_cursor);
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        if let Some(el) = more.get() {
            let _ = el.set_attribute("data-hydrated", "true");
            browser::when_visible(&el, load);
        }
    });

    view! {
        <Show
            when=move || !items.with(|i| i.is_empty())
            fallback=|| view! { <p class="muted">"Your threads will appear here."</p> }
        >
            <ul class="thread-list">
                <For each=move || items.get() key=|t| t.id let:t>
                    {
                        let here = current.with_value(|c| *c == format!("/c/{}", t.id)).then_some("page");
                        let href = crate::model::chat::thread_link(t.id);
                        let title = if t.title.is_empty() { "New chat".to_string() } else { t.title.clone() };
                        let id = t.id;
                        view! {
                            <li>
                                <a
                                    href=href
                                    aria-current=here
                                    class:pinned=t.pinned
                                    draggable="true"
                                    on:dragstart=move |ev| super::folder_drop::start_drag(&ev, id)
                                >
                                    {title}
                                </a>
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
        <button
            type="button"
            class="btn btn-small older-threads"
            node_ref=more
            hidden=move || cursor.with(|c| c.is_none())
            disabled=move || loading.get()
            on:click=move |_| load()
        >
            {move || if loading.get() { "Loading…" } else { "Older threads" }}
        </button>
    }
}
