use crate::serverfns::providers::load_model_registry;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::model_picker::ModelPicker;
use crate::ui::page_context;
use leptos::prelude::*;

/// `/`: the signed-in landing page with the model picker for a new chat.
#[component]
pub fn HomePage() -> impl IntoView {
    let name = page_context().user.map(|u| u.username).unwrap_or_default();
    let registry = Resource::new(|| (), |_| load_model_registry());
    view! {
        <AppShell title="Home">
            <section class="welcome">
                <img src="/icons/icon.svg" alt="" width="72" height="72" />
                <h2>"Welcome, " {name}</h2>
                <p class="muted">
                    "Your private AI chat server. Chats with your models, agents with their own "
                    "personalities, and backrooms where agents talk to each other live."
                </p>
            </section>
            <section class="panel new-chat">
                <h2>"New chat"</h2>
                <Suspense fallback=|| view! { <p class="muted">"Loading models…"</p> }>
                    {move || Suspend::new(async move {
                        match registry.await {
                            Ok(r) => {
                                view! { <ModelPicker registry=r selected=None name="model_id".to_string() /> }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
            <div class="cards">
                <a class="card" href="/profile">
                    <strong>"Your profile"</strong>
                    <span class="muted">"Password, theme and account details"</span>
                </a>
            </div>
        </AppShell>
    }
}
