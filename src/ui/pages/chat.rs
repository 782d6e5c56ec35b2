use crate::serverfns::chat::load_conversation;
use crate::serverfns::providers::load_model_registry;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::chat_view::ChatView;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/c/{id}`: one thread. A reply still being written joins its live
/// stream when the page wakes up.
#[component]
pub fn ChatPage() -> impl IntoView {
    let id = use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(-1);
    let data = Resource::new(
        || (),
        move |_| async move { (load_conversation(id).await, load_model_registry().await) },
    );
    view! {
        <AppShell title="Chat">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        (Ok(c), Ok(registry)) => {
                            let title = if c.title.is_empty() { "New chat".to_string() } else { c.title.clone() };
                            view! {
                                <leptos_meta::Title text=title.clone() />
                                <h2 class="thread-title">{title}</h2>
                                <ChatView
                                    conversation_id=Some(c.id)
                                    messages=c.messages
                                    registry=registry
                                    model_id=c.model_id
                                    temperature=c.temperature
                                    max_tokens=c.max_tokens
                                />
                            }
                                .into_any()
                        }
                        _ => {
                            #[cfg(feature = "ssr")]
                            if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                                res.set_status(axum::http::StatusCode::NOT_FOUND);
                            }
                            view! {
                                <p class="notice notice-error">"This conversation does not exist."</p>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </AppShell>
    }
}
