use crate::serverfns::providers::load_model_registry;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::chat_view::ChatView;
use crate::ui::page_context;
use leptos::prelude::*;

/// The thread remembered by the `last_thread` cookie.
fn last_thread() -> Option<i64> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<axum::http::request::Parts>()?;
        let cookies = parts
            .headers
            .get(axum::http::header::COOKIE)?
            .to_str()
            .ok()?;
        cookies.split(';').find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == "last_thread").then(|| v.parse().ok()).flatten()
        })
    }
    #[cfg(not(feature = "ssr"))]
    None
}

/// `/`: reopens the last thread; `/?new=1` (the "New chat" link) is a new
/// chat, whose first message creates the thread and opens it.
#[component]
pub fn HomePage() -> impl IntoView {
    let name = page_context().user.map(|u| u.username).unwrap_or_default();
    let fresh = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("new")
        .is_some();
    let reopen = (!fresh).then(last_thread).flatten();
    if let Some(id) = reopen {
        let check = Resource::new(
            || (),
            move |_| crate::serverfns::chat::load_conversation(id),
        );
        return view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    #[cfg(feature = "ssr")]
                    {
                        let to = if check.await.is_ok() { format!("/c/{id}") } else { "/?new=1".to_string() };
                        leptos_axum::redirect(&to);
                    }
                    #[cfg(not(feature = "ssr"))]
                    let _ = check.await;
                })}
            </Suspense>
        }
        .into_any();
    }
    let registry = Resource::new(|| (), |_| load_model_registry());
    view! {
        <AppShell title="New chat">
            <section class="welcome">
                <img src="/icons/icon.svg" alt="" width="56" height="56" />
                <h2>"Welcome, " {name}</h2>
                <p class="muted">"Your private AI chat server. Pick a model and say something."</p>
            </section>
            <Suspense fallback=|| view! { <p class="muted">"Loading models…"</p> }>
                {move || Suspend::new(async move {
                    match registry.await {
                        Ok(r) => {
                            view! {
                                <ChatView
                                    conversation_id=None
                                    messages=Vec::new()
                                    registry=r
                                    model_id=None
                                    temperature=None
                                    max_tokens=None
                                />
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AppShell>
    }
    .into_any()
}
