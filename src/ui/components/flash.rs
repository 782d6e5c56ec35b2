use crate::ui::page_context;
use leptos::prelude::*;

/// The page-level outcome of the last form post (errors of a specific form
/// show next to that form instead).
#[component]
pub fn FlashNotice() -> impl IntoView {
    let flash = page_context().flash;
    let general_error = flash.error.clone().filter(|_| flash.form.is_none());
    view! {
        {flash.notice.map(|m| view! { <p class="notice notice-ok" role="status" data-flash="">{m}</p> })}
        {general_error.map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
    }
}

/// The error for `field` of `form`, shown under the input.
pub fn field_error(form: &str, field: &str) -> impl IntoView {
    page_context()
        .flash
        .field_error(form, field)
        .map(|m| view! { <small class="field-error" role="alert">{m}</small> })
}

/// An error of `form` that is not about one of `shown_fields`.
pub fn form_error(form: &str, shown_fields: &[&str]) -> impl IntoView {
    page_context()
        .flash
        .form_error(form, shown_fields)
        .map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })
}

/// What the user typed into `name` of `form`, else `fallback`.
pub fn typed(form: &str, name: &str, fallback: &str) -> String {
    page_context()
        .flash
        .value(form, name)
        .unwrap_or_else(|| fallback.to_string())
}
