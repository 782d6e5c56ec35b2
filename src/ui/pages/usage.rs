//! `/usage`: the caller's own usage this month (tokens per day as a chart,
//! by model as a table) and what is left under each limit.
//! `/admin/usage`: everyone's, by user, model and day.

use super::admin::{admin_or_forbidden, forbidden, AdminTabs};
use crate::model::usage::UsageGroup;
use crate::serverfns::usage::{load_limits, load_usage};
use crate::text::format::server_error;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::usage_view::{day_chart, meters, usage_table};
use leptos::prelude::*;

fn failed(e: crate::error::AppError) -> AnyView {
    view! { <p class="notice notice-error">{server_error(e)}</p> }.into_any()
}

/// This month's usage, `everyone`'s or the caller's.
#[component]
fn UsageReports(everyone: bool) -> impl IntoView {
    let days = Resource::new(move || (), move |_| load_usage(UsageGroup::Day, everyone));
    let models = Resource::new(move || (), move |_| load_usage(UsageGroup::Model, everyone));
    let users = Resource::new(
        move || (),
        move |_| async move {
            if everyone {
                load_usage(UsageGroup::User, true).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let csv = if everyone {
        "/api/usage.csv?group=user"
    } else {
        "/api/usage.csv?group=day"
    };
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (days.await, models.await, users.await) {
                    (Ok(d), Ok(m), Ok(u)) => {
                        view! {
                            <section class="panel">
                                <h2>{format!("Tokens per day, {} to {}", d.from, d.to)}</h2>
                                {day_chart(&d)}
                                <a class="btn btn-small" href=csv download>"Download CSV"</a>
                            </section>
                            {u.map(|u| view! {
                                <section class="panel">
                                    <h2>"By user"</h2>
                                    {usage_table("User", u.rows, u.total)}
                                </section>
                            })}
                            <section class="panel">
                                <h2>"By model"</h2>
                                {usage_table("Model", m.rows, m.total)}
                            </section>
                        }
                            .into_any()
                    }
                    (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn UsagePage() -> impl IntoView {
    let limits = Resource::new(|| (), |_| load_limits());
    view! {
        <AppShell title="Usage">
            <section class="panel" id="limits">
                <h2>"Your limits"</h2>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match limits.await {
                            Ok(l) => meters(l).into_any(),
                            Err(e) => failed(e),
                        }
                    })}
                </Suspense>
            </section>
            <UsageReports everyone=false />
        </AppShell>
    }
}

#[component]
pub fn AdminUsagePage() -> impl IntoView {
    let is_admin = admin_or_forbidden();
    view! {
        <AppShell title="Usage of everyone">
            {if is_admin {
                view! {
                    <AdminTabs current="/admin/usage" />
                    <UsageReports everyone=true />
                }
                    .into_any()
            } else {
                forbidden()
            }}
        </AppShell>
    }
}
