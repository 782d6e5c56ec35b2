use leptos::prelude::*;
use leptos_meta::Title;

/// The centred card around the sign-in and sign-up forms.
#[component]
pub fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <Title text=title />
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
