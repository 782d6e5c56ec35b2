use crate::ui::components::app_shell::AppShell;
use leptos::prelude::*;

/// Any unknown path (signed-out visitors never get here: they are sent to
/// sign in first).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <AppShell title="Not found">
            <section class="welcome">
                <h2>"Nothing here"</h2>
                <p class="muted">"This room does not exist. "<a href="/">"Go home"</a></p>
            </section>
        </AppShell>
    }
}
