use crate::model::provider::preset_by_key;
use crate::serverfns::providers::load_provider_settings;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::FlashNotice;
use crate::ui::components::provider_card::{AddProvider, ProviderCard};
use crate::ui::page_context;
use leptos::prelude::*;
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
            <AddProvider preset own=false />
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
