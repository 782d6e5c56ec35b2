//! `/admin`: registration mode and invitations. Other users get a 403
//! page. `/admin/users` and `/admin/audit` sit beside it.

use crate::model::community::{Invite, InviteState, Registration};
use crate::serverfns::admin::{
    load_default_limits, load_invites, ManageInvite, SetDefaultLimits, SetOwnKeys, SetRegistration,
};
use crate::text::format;
use crate::ui::components::app_shell::AppShell;
use crate::ui::components::copy_button::CopyButton;
use crate::ui::components::flash::{form_error, FlashNotice};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// True for an admin; otherwise sets 403 for the page.
pub fn admin_or_forbidden() -> bool {
    let is_admin = page_context().user.as_ref().is_some_and(|u| u.is_admin());
    if !is_admin {
        crate::ui::set_status(403);
    }
    is_admin
}

pub fn forbidden() -> AnyView {
    view! { <p class="notice notice-error">"Only admins can see this page."</p> }.into_any()
}

/// Settings, Users, Audit log.
#[component]
pub fn AdminTabs(current: &'static str) -> impl IntoView {
    let tab = move |href: &'static str, label: &'static str| {
        let here = href == current;
        view! {
            <a href=href class="admin-tab" aria-current=here.then_some("page")>{label}</a>
        }
    };
    view! {
        <nav class="admin-tabs" aria-label="Admin">
            {tab("/admin", "Settings")}
            {tab("/admin/users", "Users")}
            {tab("/admin/usage", "Usage")}
            {tab("/admin/audit", "Audit log")}
        </nav>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let is_admin = admin_or_forbidden();
    let mode = page_context().registration;
    view! {
        <AppShell title="Admin">
            <FlashNotice />
            {if is_admin {
                view! {
                    <AdminTabs current="/admin" />
                    <RegistrationPanel mode />
                    <OwnKeysPanel />
                    <InvitesPanel />
                    <LimitsPanel />
                }
                    .into_any()
            } else {
                view! {
                    {form_error("settings", &[])}
                    {forbidden()}
                }
                    .into_any()
            }}
        </AppShell>
    }
}

#[component]
fn RegistrationPanel(mode: Registration) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>"Registration"</h2>
            {form_error("settings", &[])}
            <p class="registration-state">{mode.describe()}</p>
            <form method="post" action=SetRegistration::url() class="stack">
                <fieldset class="choice-list">
                    <legend class="visually-hidden">"Who may create an account"</legend>
                    {Registration::ALL
                        .into_iter()
                        .map(|m| {
                            let label = match m {
                                Registration::Closed => "Closed",
                                Registration::Invite => "By invitation",
                                Registration::Open => "Open to anyone",
                            };
                            view! {
                                <label class="choice">
                                    <input type="radio" name="mode" value=m.as_str() checked=m == mode />
                                    <span>{label}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="btn">"Save registration"</button>
            </form>
        </section>
    }
}

/// The two own-key switches: allowed at all, and to private addresses.
#[component]
fn OwnKeysPanel() -> impl IntoView {
    let policy = page_context().own_keys;
    view! {
        <section class="panel" id="own-keys">
            <h2>"Own keys"</h2>
            {form_error("own-keys", &[])}
            <p class="muted">
                "Let people add their own provider and API key (Your keys in their menu). "
                "Only they see and use it, and it does not count against their limits."
            </p>
            <form method="post" action=SetOwnKeys::url() class="stack">
                <label class="check">
                    <input type="checkbox" name="allowed" value="on" checked=policy.allowed />
                    <span>"Allow own keys"</span>
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        name="private_addresses"
                        value="on"
                        checked=policy.private_addresses
                    />
                    <span>
                        "Let own keys reach private addresses (localhost, 10.x, 192.168.x, link-local) "
                        "— only on a server whose network you trust everyone with"
                    </span>
                </label>
                <button type="submit" class="btn">"Save own keys"</button>
            </form>
        </section>
    }
}

#[component]
fn InvitesPanel() -> impl IntoView {
    let list = Resource::new(|| (), |_| load_invites());
    view! {
        <section class="panel" id="invites">
            <h2>"Invitations"</h2>
            <p class="muted">
                "A link that lets people create an account while registration is by invitation."
            </p>
            {form_error("invites", &["max_uses", "expires_in_days"])}
            <form method="post" action=ManageInvite::url() class="invite-new">
                <input type="hidden" name="action" value="create" />
                <label class="field">
                    <span>"Accounts it can create"</span>
                    <input type="number" name="max_uses" min="1" max="100" value="1" inputmode="numeric" />
                </label>
                <label class="field">
                    <span>"Expires after (days, empty for never)"</span>
                    <input type="number" name="expires_in_days" min="1" max="365" value="7" inputmode="numeric" />
                </label>
                <button type="submit" class="btn btn-primary">"Create invitation"</button>
            </form>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) if l.is_empty() => view! { <p class="muted empty">"No invitations yet."</p> }.into_any(),
                        Ok(l) => view! { <ul class="invite-list">{l.into_iter().map(invite_row).collect_view()}</ul> }.into_any(),
                        Err(e) => view! { <p class="notice notice-error">{format::server_error(e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn invite_row(i: Invite) -> impl IntoView {
    let usable = i.state == InviteState::Usable;
    let expiry = match i.expires_at {
        Some(t) => format!("expires {}", format::date(t)),
        None => "never expires".to_string(),
    };
    let by = i
        .created_by
        .clone()
        .unwrap_or_else(|| "a deleted account".into());
    view! {
        <li class="invite" data-state=format!("{:?}", i.state).to_lowercase()>
            <div class="invite-head">
                <span class="invite-state">{i.state.label()}</span>
                <span class="muted">
                    {format!("{} of {} used · {expiry} · by {by} on {}", i.uses, i.max_uses, format::date(i.created_at))}
                </span>
            </div>
            {usable
                .then(|| {
                    view! {
                        <div class="invite-link">
                            <input class="share-link" readonly value=i.link.clone() aria-label=format!("Invitation link {}", i.id) />
                            <CopyButton text=i.link.clone() label=format!("Copy invitation {}", i.id) />
                            <form method="post" action=ManageInvite::url()>
                                <input type="hidden" name="action" value="revoke" />
                                <input type="hidden" name="id" value=i.id />
                                <button type="submit" class="btn btn-small btn-danger-outline">"Revoke"</button>
                            </form>
                        </div>
                    }
                })}
        </li>
    }
}

/// The limits every account has unless an override says otherwise.
#[component]
fn LimitsPanel() -> impl IntoView {
    let current = Resource::new(|| (), |_| load_default_limits());
    let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    view! {
        <section class="panel" id="limits">
            <h2>"Limits for everyone"</h2>
            <p class="muted">"Checked before each reply and backroom turn. Leave a box empty for no limit."</p>
            {form_error("limits", &[])}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let l = current.await.unwrap_or_default();
                    let field = |name: &'static str, label: &'static str, value: String, step: &'static str| {
                        view! {
                            <label class="field">
                                <span>{label}</span>
                                <input type="number" name=name min="0" step=step value=value inputmode="decimal" />
                            </label>
                        }
                    };
                    view! {
                        <form method="post" action=SetDefaultLimits::url() class="limits-form">
                            {field("tokens_per_day", "Tokens per day", number(l.tokens_per_day), "1")}
                            {field("tokens_per_month", "Tokens per month", number(l.tokens_per_month), "1")}
                            {field("cost_per_month", "Cost per month (USD)", l.cost_per_month.map(|c| c.to_string()).unwrap_or_default(), "0.01")}
                            {field("concurrent", "Replies at once", number(l.concurrent), "1")}
                            {field("requests_per_minute", "Replies per minute", number(l.requests_per_minute), "1")}
                            <button type="submit" class="btn">"Save limits"</button>
                        </form>
                    }
                })}
            </Suspense>
        </section>
    }
}
