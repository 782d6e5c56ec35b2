use crate::serverfns::providers::load_model_registry;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::chat_view::ChatView;
use crate::ui::page_context;
use leptos::prelude::*;

/// `/`: a new chat. The first message creates the thread and opens it.
#[component]
pub fn HomePage() -> impl IntoView {
    let name = page_context().user.map(|u| u.username).unwrap_or_default();
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
}
