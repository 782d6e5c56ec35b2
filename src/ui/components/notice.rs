use crate::text::notice;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Shows the result of the last form post (`?error=code` or `?notice=code`).
#[component]
pub fn FormNotice() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let error = query.get("error").and_then(|c| notice::message(&c));
    let info = query.get("notice").and_then(|c| notice::message(&c));
    view! {
        {error.map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        {info.map(|m| view! { <p class="notice notice-ok" role="status">{m}</p> })}
    }
}
