use crate::model::provider::{preset_by_key, PRESETS};
use crate::serverfns::providers::{load_provider_settings, CreateProvider};
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{form_error, FlashNotice};
use crate::ui::components::provider_card::{ProviderCard, ProviderForm};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// `/settings/providers` (admins): add providers from presets, edit them,
/// test the connection, import and manage models, pick the global default.
#[component]
pub fn ProvidersPage() -> impl IntoView {
    let is_admin = page_context().user.is_some_and(|u| u.is_admin());
    if !is_admin {
        crate::ui::set_status(403);
        return view! {
            <AppShell title="Providers">
                <p class="notice notice-error">"Only admins can see this page."</p>
            </AppShell>
        }
        .into_any();
    }
    let adding = use_query_map().get_untracked().get("add");
    let preset = adding.as_deref().and_then(preset_by_key);
    let data = Resource::new(|| (), |_| load_provider_settings());
    view! {
        <AppShell title="Providers">
            <FlashNotice />
            <section class="panel" id="add">
                <h2>"Add a provider"</h2>
                <div class="preset-grid">
                    {PRESETS
                        .iter()
                        .map(|p| {
                            let current = preset.is_some_and(|x| x.key == p.key);
                            view! {
                                <a
                                    class="preset"
                                    class:current=current
                                    href=format!("?add={}#add", p.key)
                                    data-preset=p.key
                                >
                                    <img src=p.image_url alt="" width="32" height="32" />
                                    <span>{p.name}</span>
                                </a>
                            }
                        })
                        .collect_view()}
                </div>
                {preset
                    .map(|p| {
                        view! {
                            <h3>{format!("New {} provider", p.name)}</h3>
                            {form_error("add", &["name", "provider_sdk_id", "api_format", "base_url", "api_key", "image_url"])}
                            <ProviderForm
                                action=CreateProvider::url()
                                form="add".to_string()
                                submit="Add provider"
                                provider=None
                                preset=p
                            />
                        }
                    })}
            </section>
            <Suspense fallback=|| view! { <p class="muted">"Loading providers…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(settings) if settings.providers.is_empty() => {
                            view! {
                                <p class="muted empty">
                                    "No providers yet. Pick one above to add it."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(settings) => {
                            settings
                                .providers
                                .into_iter()
                                .map(|(p, m)| view! { <ProviderCard provider=p models=m /> })
                                .collect_view()
                                .into_any()
                        }
                        Err(e) => view! { <p class="notice notice-error">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </AppShell>
    }
    .into_any()
}
