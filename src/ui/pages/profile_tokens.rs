//! The profile's "Access tokens" panel: tokens for other programs (the
//! `/v1` API and the REST API), each shown once when made.

use crate::model::token::TokenView;
use crate::serverfns::tokens::{load_tokens, CreateToken, RevokeToken, FORM};
use crate::text::format;
use crate::ui::components::copy_button::CopyButton;
use crate::ui::components::flash::{field_error, form_error, typed};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn TokensPanel() -> impl IntoView {
    let list = Resource::new(|| (), |_| load_tokens());
    let fresh = page_context().flash.value(FORM, "token");
    view! {
        <section class="panel" id="tokens">
            <h2>"Access tokens"</h2>
            <p class="muted">
                "For other programs: an OpenAI or Anthropic client pointed at this server's /v1, "
                "or a script on the REST API. A token acts as you; revoke any you no longer use."
            </p>
            {fresh
                .map(|token| {
                    view! {
                        <div class="new-token" role="status">
                            <label class="field">
                                <span>"Your new token (shown this once)"</span>
                                <input class="token-value" readonly value=token.clone() />
                            </label>
                            <CopyButton text=token label="Copy token".to_string() />
                        </div>
                    }
                })}
            {form_error(FORM, &["name", "expires_in_days"])}
            <form method="post" action=CreateToken::url() class="inline-form token-new">
                <label class="field">
                    <span>"Name"</span>
                    <input name="name" required maxlength="64" placeholder="e.g. my editor" value=typed(FORM, "name", "") />
                    {field_error(FORM, "name")}
                </label>
                <label class="field">
                    <span>"Expires"</span>
                    <select name="expires_in_days">
                        <option value="30">"in 30 days"</option>
                        <option value="90">"in 90 days"</option>
                        <option value="365">"in a year"</option>
                        <option value="never">"never"</option>
                    </select>
                    {field_error(FORM, "expires_in_days")}
                </label>
                <button type="submit" class="btn">"Create token"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) if l.is_empty() => view! { <p class="muted">"No tokens yet."</p> }.into_any(),
                        Ok(l) => view! { <ul class="token-list">{l.into_iter().map(token_row).collect_view()}</ul> }.into_any(),
                        Err(e) => view! { <p class="notice notice-error">{format::server_error(e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn token_row(t: TokenView) -> impl IntoView {
    let used = t
        .last_used_at
        .map(|u| format!("last used {}", format::date_time(u)))
        .unwrap_or_else(|| "never used".into());
    let expires = t
        .expires_at
        .map(|e| format!("expires {}", format::date(e)))
        .unwrap_or_else(|| "never expires".into());
    view! {
        <li class="token">
            <div>
                <span class="token-name">{t.name.clone()}</span>
                " "
                <code>{format!("{}…", t.prefix)}</code>
                <div class="muted">
                    {format!("made {} · {used} · {expires}", format::date(t.created_at))}
                </div>
            </div>
            <form method="post" action=RevokeToken::url()>
                <input type="hidden" name="id" value=t.id />
                <button type="submit" class="btn btn-small btn-danger-outline" aria-label=format!("Revoke {}", t.name)>
                    "Revoke"
                </button>
            </form>
        </li>
    }
}
