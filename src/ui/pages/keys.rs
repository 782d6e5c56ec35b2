//! `/settings/keys` ("Your keys"): an account's own providers and API
//! keys, with the same presets and forms as the admin's providers. Only
//! the account sees them; the admin decides whether they are allowed.

use crate::model::provider::preset_by_key;
use crate::serverfns::providers::load_own_keys;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::FlashNotice;
use crate::ui::components::provider_card::{AddProvider, ProviderCard};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn KeysPage() -> impl IntoView {
    let policy = page_context().own_keys;
    let adding = use_query_map().get_untracked().get("add");
    let preset = adding.as_deref().and_then(preset_by_key);
    let data = Resource::new(|| (), |_| load_own_keys());
    view! {
        <AppShell title="Your keys">
            <FlashNotice />
            {if policy.allowed {
                view! {
                    <p class="muted">
                        "Chat with your own provider account. Only you see and use these keys; "
                        "what you spend on them shows on your Usage page and never counts "
                        "against this server's limits. Keys are stored encrypted and never shown again."
                    </p>
                    {(!policy.private_addresses)
                        .then(|| {
                            view! {
                                <p class="muted">
                                    "This server refuses base URLs on private networks "
                                    "(localhost, 10.x, 192.168.x and the like)."
                                </p>
                            }
                        })}
                    <AddProvider preset own=true />
                }
                    .into_any()
            } else {
                view! {
                    <p class="notice" role="status">
                        "Own keys are turned off on this server. An admin can allow them in Admin › Settings."
                    </p>
                }
                    .into_any()
            }}
            <Suspense fallback=|| view! { <p class="muted">"Loading your keys…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) if page.keys.is_empty() => {
                            policy
                                .allowed
                                .then(|| {
                                    view! {
                                        <p class="muted empty">
                                            "No keys of your own yet. Pick a provider above to add one."
                                        </p>
                                    }
                                })
                                .into_any()
                        }
                        Ok(page) => {
                            page.keys
                                .into_iter()
                                .map(|k| {
                                    view! { <ProviderCard provider=k.provider models=k.models own=true /> }
                                })
                                .collect_view()
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AppShell>
    }
}
