use crate::serverfns::providers::{import_models, test_provider};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Import models": lists what the provider offers, the admin ticks some,
/// they become this provider's models. `existing` are upstream ids already
/// here (shown ticked and locked).
#[island]
pub fn ModelImporter(
    provider_id: i64,
    existing: Vec<String>,
    /// One of the caller's own keys.
    own: bool,
) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    let existing = StoredValue::new(existing);
    let busy = RwSignal::new(false);
    let upstream = RwSignal::new(None::<Vec<String>>);
    let picked = RwSignal::new(Vec::<String>::new());
    let message = RwSignal::new(None::<String>);

    let list = move |_| {
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            match test_provider(provider_id, own).await {
                Ok(t) if t.ok => upstream.set(Some(t.models.unwrap_or_default())),
                Ok(t) => message.set(t.error),
                Err(e) => message.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let import = move |_| {
        let chosen = picked.get_untracked();
        if chosen.is_empty() {
            message.set(Some("Tick at least one model.".into()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match import_models(provider_id, chosen, own).await {
                Ok(_) => {
                    // The page lists the models: show them.
                    let _ = window().location().reload();
                }
                Err(e) => {
                    message.set(Some(e.message().to_string()));
                    busy.set(false);
                }
            }
        });
    };

    view! {
        <div class="model-import" node_ref=root>
            <Show
                when=move || upstream.get().is_some()
                fallback=move || {
                    view! {
                        <button type="button" class="btn" on:click=list disabled=move || busy.get()>
                            {move || if busy.get() { "Loading models…" } else { "Import models" }}
                        </button>
                    }
                }
            >
                <fieldset class="import-list">
                    <legend>"Models offered by the provider"</legend>
                    {move || {
                        upstream
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|id| {
                                let here = existing.with_value(|e| e.contains(&id));
                                let value = id.clone();
                                let toggle = move |ev: leptos::ev::Event| {
                                    let on = event_target_checked(&ev);
                                    let v = value.clone();
                                    picked.update(|p| {
                                        p.retain(|x| x != &v);
                                        if on {
                                            p.push(v);
                                        }
                                    });
                                };
                                view! {
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            value=id.clone()
                                            checked=here
                                            disabled=here
                                            on:change=toggle
                                        />
                                        <span>{id.clone()}</span>
                                        {here.then(|| view! { <small class="muted">" (added)"</small> })}
                                    </label>
                                }
                            })
                            .collect_view()
                    }}
                    <button
                        type="button"
                        class="btn btn-primary"
                        on:click=import
                        disabled=move || busy.get()
                    >
                        {move || format!("Import {} selected", picked.get().len())}
                    </button>
                </fieldset>
            </Show>
            {move || message.get().map(|m| view! { <p class="test-result fail" role="alert">{m}</p> })}
        </div>
    }
}
