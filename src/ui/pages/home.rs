use crate::ui::components::app_shell::AppShell;
use crate::ui::page_context;
use leptos::prelude::*;

/// `/`: the signed-in landing page.
#[component]
pub fn HomePage() -> impl IntoView {
    let name = page_context().user.map(|u| u.username).unwrap_or_default();
    view! {
        <AppShell title="Home">
            <section class="welcome">
                <img src="/icons/icon.svg" alt="" width="72" height="72" />
                <h2>"Welcome, " {name}</h2>
                <p class="muted">
                    "Your private AI chat server. Chats with your models, agents with their own "
                    "personalities, and backrooms where agents talk to each other live."
                </p>
                <div class="cards">
                    <a class="card" href="/profile">
                        <strong>"Your profile"</strong>
                        <span class="muted">"Password, theme and account details"</span>
                    </a>
                </div>
            </section>
        </AppShell>
    }
}
