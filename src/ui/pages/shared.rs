use crate::serverfns::chat::load_shared;
use crate::ui::components::attachment_list::{Files, Sources};
use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/s/{token}`: a thread shared read-only, for anyone with the link. No
/// account, no sidebar, nothing else of the owner's.
#[component]
pub fn SharedPage() -> impl IntoView {
    let token = use_params_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    let data = Resource::new(|| (), {
        let token = token.clone();
        move |_| load_shared(token.clone())
    });
    let token = StoredValue::new(token);
    view! {
        <main class="shared-page">
            <PublicHead label="Shared thread (read-only)" />
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(t) => {
                            let title = if t.title.is_empty() { "Conversation".to_string() } else { t.title.clone() };
                            view! {
                                <PageTitle text=title.clone() />
                                <h1 class="shared-title">{title}</h1>
                                <p class="muted">{crate::text::format::date(t.created_at)}</p>
                                <div class="messages shared-messages">
                                    {t
                                        .messages
                                        .into_iter()
                                        .map(|m| {
                                            let role = if m.role == crate::model::chat::Role::User { "user" } else { "assistant" };
                                            view! {
                                                <div class=format!("bubble bubble-{role}")>
                                                    <Files files=m.attachments share=Some(token.get_value()) />
                                                    {match m.html {
                                                        Some(html) => view! { <div class="bubble-text markdown" inner_html=html></div> }.into_any(),
                                                        None => view! { <div class="bubble-text plain">{m.content}</div> }.into_any(),
                                                    }}
                                                    <Sources sources=m.sources linked=false />
                                                </div>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            }
                                .into_any()
                        }
                        Err(_) => view! { <LinkGone message="This link does not exist or was revoked." /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The head of a page for anyone with a link (a shared thread, a public
/// room): the brand, home, and what the page is.
#[component]
pub fn PublicHead(label: &'static str) -> impl IntoView {
    view! {
        <header class="shared-head">
            <a class="brand" href="/">
                <img src="/icons/icon.svg" alt="" width="28" height="28" />
                <span>"Backrooms"</span>
            </a>
            <span class="muted">{label}</span>
        </header>
    }
}

/// A link that opens nothing (unknown or revoked): a 404 page saying so.
#[component]
pub fn LinkGone(message: &'static str) -> impl IntoView {
    crate::ui::set_status(404);
    view! {
        <PageTitle text="Not found" />
        <p class="notice notice-error">{message}</p>
    }
}
