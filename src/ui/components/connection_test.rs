use crate::model::provider::ConnectionTest;
use crate::serverfns::providers::test_provider;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Test connection": asks the provider for its model list with the stored
/// key and shows how it went. `own`: one of the caller's own keys.
#[island]
pub fn ConnectionTester(provider_id: i64, own: bool) -> impl IntoView {
    let root = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = root.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<ConnectionTest, String>>);
    let run = move |_| {
        busy.set(true);
        result.set(None);
        spawn_local(async move {
            let r = test_provider(provider_id, own)
                .await
                .map_err(|e| e.message().to_string());
            result.set(Some(r));
            busy.set(false);
        });
    };
    view! {
        <div class="connection-test" node_ref=root>
            <button type="button" class="btn" on:click=run disabled=move || busy.get()>
                {move || if busy.get() { "Testing…" } else { "Test connection" }}
            </button>
            <Show when=move || busy.get()>
                <span class="spinner" role="progressbar" aria-label="Testing"></span>
            </Show>
            {move || {
                result
                    .get()
                    .map(|r| match r {
                        Ok(t) if t.ok => {
                            let n = t.models.map(|m| m.len()).unwrap_or(0);
                            let ms = t.latency_ms.unwrap_or(0);
                            view! {
                                <p class="test-result ok" role="status">
                                    {format!("Connected in {ms} ms · {n} models available")}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(t) => {
                            view! {
                                <p class="test-result fail" role="alert">
                                    {t.error.unwrap_or_else(|| "Failed.".into())}
                                </p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="test-result fail" role="alert">{e}</p> }.into_any(),
                    })
            }}
        </div>
    }
}
