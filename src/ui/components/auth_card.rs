use crate::ui::raw_text::PageTitle;
use leptos::prelude::*;

/// The centred card around the sign-in and sign-up forms.
#[component]
pub fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <PageTitle text=title />
        <main class="auth-page">
            <div class="auth-card">
                <a class="auth-brand" href="/">
                    <img src="/icons/icon.svg" alt="" width="48" height="48" />
                    <span>"Backrooms"</span>
                </a>
                <h1>{title}</h1>
                {children()}
            </div>
        </main>
    }
}
