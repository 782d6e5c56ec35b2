//! `/admin/users`: every account with what it has used this month, found
//! by name, 50 to a page; each opens its own actions (role, disable, a new
//! password, end sessions, delete).

use super::admin::{admin_or_forbidden, forbidden, AdminTabs};
use crate::model::community::{Account, AccountPage};
use crate::model::usage::LimitsOverride;
use crate::model::Role;
use crate::serverfns::admin::{load_accounts, ManageAccount, SetAccountLimits};
use crate::text::format;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::flash::{field_error, form_error, FlashNotice};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let is_admin = admin_or_forbidden();
    let query = use_query_map().get_untracked();
    let q = query.get("q").unwrap_or_default();
    let offset = query
        .get("offset")
        .and_then(|o| o.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let here = if q.is_empty() && offset == 0 {
        "/admin/users".to_string()
    } else {
        format!("/admin/users?q={}&offset={offset}", format::query_value(&q))
    };
    let search = q.clone();
    let data = Resource::new(move || (), move |_| load_accounts(search.clone(), offset));
    view! {
        <AppShell title="Users">
            <FlashNotice />
            {if is_admin {
                view! {
                    <AdminTabs current="/admin/users" />
                    <form method="get" action="/admin/users" class="account-search" role="search">
                        <input type="search" name="q" value=q.clone() maxlength="64" aria-label="Search accounts by name" placeholder="Search by name" />
                        <button type="submit" class="btn">"Search"</button>
                    </form>
                    <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                        {
                            let q = q.clone();
                            let here = here.clone();
                            move || {
                                let q = q.clone();
                                let here = here.clone();
                                Suspend::new(async move {
                                    match data.await {
                                        Ok(page) => accounts_view(page, &q, &here).into_any(),
                                        Err(e) => view! { <p class="notice notice-error">{format::server_error(e)}</p> }.into_any(),
                                    }
                                })
                            }
                        }
                    </Suspense>
                }
                    .into_any()
            } else {
                forbidden()
            }}
        </AppShell>
    }
}

fn accounts_view(page: AccountPage, q: &str, here: &str) -> impl IntoView {
    let shown = page.accounts.len() as i64;
    let summary = if page.total == 0 {
        "No accounts match.".to_string()
    } else {
        format!(
            "{}–{} of {} account(s)",
            page.offset + 1,
            page.offset + shown,
            page.total
        )
    };
    let link = |offset: i64| format!("/admin/users?q={}&offset={offset}", format::query_value(q));
    let prev = (page.offset > 0)
        .then(|| link((page.offset - crate::model::community::ACCOUNTS_PAGE).max(0)));
    let next = page.next.map(link);
    let me = page_context().user.map(|u| u.id);
    view! {
        <p class="muted account-count">{summary}</p>
        <ul class="account-list">
            {page.accounts.into_iter().map(|a| account_row(a, me, here)).collect_view()}
        </ul>
        <nav class="pager" aria-label="Pages">
            {prev.map(|href| view! { <a href=href class="btn btn-small">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href class="btn btn-small">"Next page"</a> })}
        </nav>
    }
}

fn action_button(
    id: i64,
    back: &str,
    action: &'static str,
    label: String,
    danger: bool,
) -> impl IntoView {
    let class = if danger {
        "btn btn-small btn-danger-outline"
    } else {
        "btn btn-small"
    };
    view! {
        <form method="post" action=ManageAccount::url()>
            {whom(id, back)}
            <button type="submit" name="action" value=action class=class>{label}</button>
        </form>
    }
}

/// Which account a form acts on, and the page to come back to.
fn whom(id: i64, back: &str) -> impl IntoView {
    view! {
        <input type="hidden" name="id" value=id />
        <input type="hidden" name="back" value=back.to_string() />
    }
}

/// The account's own limits: blank follows the default for everyone,
/// `none` is no limit.
fn limits_form(id: i64, name: &str, o: &LimitsOverride, back: &str) -> impl IntoView {
    fn shown<T: ToString>(v: Option<Option<T>>) -> String {
        match v {
            None => String::new(),
            Some(None) => "none".into(),
            Some(Some(n)) => n.to_string(),
        }
    }
    let field = |field: &'static str, label: &'static str, value: String| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input name=field value=value placeholder="default" inputmode="decimal" autocomplete="off" />
            </label>
        }
    };
    view! {
        <details class="account-limits">
            <summary class="btn btn-small">{format!("Limits for {name}")}</summary>
            <form method="post" action=SetAccountLimits::url() class="limits-form">
                {whom(id, back)}
                <p class="muted">"Empty: the default for everyone. \"none\": no limit."</p>
                {field("tokens_per_day", "Tokens per day", shown(o.tokens_per_day))}
                {field("tokens_per_month", "Tokens per month", shown(o.tokens_per_month))}
                {field("cost_per_month", "Cost per month (USD)", shown(o.cost_per_month))}
                {field("concurrent", "Replies at once", shown(o.concurrent))}
                {field("requests_per_minute", "Replies per minute", shown(o.requests_per_minute))}
                <button type="submit" class="btn btn-small">"Save limits"</button>
            </form>
        </details>
    }
}

fn account_row(a: Account, me: Option<i64>, back: &str) -> impl IntoView {
    let form = format!("user-{}", a.id);
    let open = page_context().flash.form.as_deref() == Some(form.as_str());
    let last = a
        .last_active_at
        .map(format::date)
        .unwrap_or_else(|| "never".into());
    let name = a.username.clone();
    let is_me = me == Some(a.id);
    let role_button = match a.role {
        Role::Admin => {
            action_button(a.id, back, "demote", format!("Make {name} a user"), false).into_any()
        }
        Role::User => action_button(
            a.id,
            back,
            "promote",
            format!("Make {name} an admin"),
            false,
        )
        .into_any(),
    };
    let disable_button = if a.disabled {
        action_button(a.id, back, "enable", format!("Enable {name}"), false).into_any()
    } else {
        action_button(a.id, back, "disable", format!("Disable {name}"), true).into_any()
    };
    view! {
        <li class="account" data-disabled=a.disabled.then_some("true")>
            <details open=open>
                <summary>
                    <span class="account-name">{a.username.clone()}</span>
                    <span class="badge">{a.role.as_str()}</span>
                    {a.disabled.then(|| view! { <span class="badge badge-warn">"disabled"</span> })}
                    {a.must_change_password.then(|| view! { <span class="badge">"new password pending"</span> })}
                    {is_me.then(|| view! { <span class="badge">"you"</span> })}
                    <span class="account-facts muted">
                        {format!(
                            "joined {} · active {last} · {} thread(s) · {} this month",
                            format::date(a.created_at),
                            a.threads,
                            format::token_count(a.tokens_this_month),
                        )}
                    </span>
                </summary>
                <div class="account-actions">
                    {form_error(&form, &["new_password", "confirm"])}
                    <div class="row-buttons">
                        {role_button}
                        {disable_button}
                        {action_button(a.id, back, "end_sessions", format!("Sign {name} out everywhere"), false)}
                    </div>
                    <form method="post" action=ManageAccount::url() class="inline-form">
                        {whom(a.id, back)}
                        <label class="field">
                            <span>{format!("New password for {name}")}</span>
                            <input type="password" name="new_password" autocomplete="new-password" required minlength="8" maxlength="256" />
                            {field_error(&form, "new_password")}
                        </label>
                        <button type="submit" name="action" value="password" class="btn btn-small">"Set password"</button>
                    </form>
                    {limits_form(a.id, &name, &a.limits, back)}
                    <form method="post" action=ManageAccount::url() class="inline-form">
                        {whom(a.id, back)}
                        <label class="field">
                            <span>{format!("Type {name} to delete the account and all its data")}</span>
                            <input name="confirm" autocomplete="off" autocapitalize="none" spellcheck="false" required />
                            {field_error(&form, "confirm")}
                        </label>
                        <button type="submit" name="action" value="delete" class="btn btn-small btn-danger">
                            {format!("Delete {name}")}
                        </button>
                    </form>
                </div>
            </details>
        </li>
    }
}
