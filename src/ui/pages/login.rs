use crate::serverfns::account::Login;
use crate::ui::components::auth_card::AuthCard;
use crate::ui::components::flash::{form_error, typed, FlashNotice};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// `/login`: a plain form that works with JavaScript off.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let next = query.get("next").unwrap_or_default();
    let username = typed("login", "username", "");
    let register_href = if next.is_empty() {
        "/register".to_string()
    } else {
        format!("/register?next={}", crate::text::format::query_value(&next))
    };
    let open = page_context().registration == crate::model::community::Registration::Open;
    view! {
        <AuthCard title="Sign in">
            <FlashNotice />
            {form_error("login", &[])}
            <form class="stack" method="post" action=Login::url()>
                <input type="hidden" name="next" value=next />
                <label class="field">
                    <span>"Username"</span>
                    <input
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        maxlength="32"
                        value=username
                    />
                </label>
                <label class="field">
                    <span>"Password"</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        maxlength="256"
                    />
                </label>
                <button type="submit" class="btn btn-primary">"Sign in"</button>
            </form>
            {open
                .then(|| {
                    view! {
                        <p class="auth-alt">
                            "New here? " <a href=register_href>"Create an account"</a>
                        </p>
                    }
                })}
        </AuthCard>
    }
}
