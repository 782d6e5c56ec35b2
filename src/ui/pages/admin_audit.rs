//! `/admin/audit`: what admins did, newest first, 100 to a page.

use super::admin::{admin_or_forbidden, forbidden, AdminTabs};
use crate::model::community::AuditPage;
use crate::serverfns::admin::load_audit;
use crate::text::format;
use crate::ui::components::app_shell::AppShell;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let is_admin = admin_or_forbidden();
    let before = use_query_map()
        .get_untracked()
        .get("before")
        .and_then(|b| b.parse::<i64>().ok());
    let data = Resource::new(move || (), move |_| load_audit(before));
    view! {
        <AppShell title="Audit log">
            {if is_admin {
                view! {
                    <AdminTabs current="/admin/audit" />
                    <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                        {move || Suspend::new(async move {
                            match data.await {
                                Ok(page) => entries(page).into_any(),
                                Err(e) => view! { <p class="notice notice-error">{format::server_error(e)}</p> }.into_any(),
                            }
                        })}
                    </Suspense>
                }
                    .into_any()
            } else {
                forbidden()
            }}
        </AppShell>
    }
}

fn entries(page: AuditPage) -> impl IntoView {
    if page.entries.is_empty() {
        return view! { <p class="muted empty">"Nothing yet: admin actions are listed here."</p> }
            .into_any();
    }
    view! {
        <ol class="audit-list">
            {page
                .entries
                .into_iter()
                .map(|e| {
                    let whom = e.target.clone().map(|t| format!(" {t}")).unwrap_or_default();
                    let detail = if e.detail.is_empty() { String::new() } else { format!(" ({})", e.detail) };
                    view! {
                        <li class="audit-entry" data-action=e.action.as_str()>
                            <time class="muted">{format::date_time(e.created_at)}</time>
                            " "
                            <span class="audit-text">
                                <strong>{e.actor.clone()}</strong>
                                {format!(" {}{whom}{detail}", e.action.label())}
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {page.older.map(|id| view! { <a class="btn btn-small" href=format!("/admin/audit?before={id}")>"Older entries"</a> })}
    }
        .into_any()
}
