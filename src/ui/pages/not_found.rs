use crate::ui::components::app_shell::AppShell;
use leptos::prelude::*;

/// Any unknown path (signed-out visitors never get here: they are sent to
/// sign in first).
#[component]
pub fn NotFoundPage() -> impl IntoView {
    crate::ui::set_status(404);
    view! {
        <AppShell title="Not found">
            <section class="welcome">
                <h2>"Nothing here"</h2>
                <p class="muted">"This room does not exist. "<a href="/">"Go home"</a></p>
            </section>
        </AppShell>
    }
}
