use crate::model::community::SessionView;
use crate::serverfns::account::{load_sessions, ChangePassword, EndSession, Logout};
use crate::text::format;
use crate::ui::components::flash::{form_error, FlashNotice};
use crate::ui::components::{app_shell::AppShell, auth_card::AuthCard, theme_picker::ThemeForm};
use crate::ui::page_context;
use crate::ui::pages::profile_tokens::TokensPanel;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// `/profile`: who you are, your password, your theme.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let ctx = page_context();
    let user = ctx.user.clone();
    if user.as_ref().is_some_and(|u| u.must_change_password) {
        return view! { <ChooseOwnPassword /> }.into_any();
    }
    view! {
        <AppShell title="Profile">
            <FlashNotice />
            {user
                .map(|u| {
                    view! {
                        <section class="panel">
                            <h2>"Account"</h2>
                            <dl class="facts">
                                <dt>"Username"</dt>
                                <dd class="profile-username">{u.username.clone()}</dd>
                                <dt>"Role"</dt>
                                <dd class="profile-role">{u.role.as_str()}</dd>
                                <dt>"Member since"</dt>
                                <dd>{format::date(u.created_at)}</dd>
                            </dl>
                        </section>
                    }
                })}
            <section class="panel" id="password">
                <h2>"Change password"</h2>
                <p class="muted">"Changing it signs you out everywhere else."</p>
                <PasswordForm />
            </section>
            <SessionsPanel />
            <TokensPanel />
            <section class="panel" id="data">
                <h2>"Your data"</h2>
                <p class="muted">
                    "One JSON file with your threads, agents, backrooms, notes, prompts and folders. Importing one adds everything in it to this account as new items; nothing you have is changed."
                </p>
                <a class="btn" href="/api/export" download>"Export everything"</a>
                {form_error("import", &[])}
                <form class="stack import-form" method="post" action="/account/import" enctype="multipart/form-data">
                    <label class="field">
                        <span>"Import an export (at most 25 MB)"</span>
                        <input type="file" name="file" accept="application/json,.json" required />
                    </label>
                    <button type="submit" class="btn btn-primary">"Import"</button>
                </form>
            </section>
            <section class="panel">
                <h2>"Appearance"</h2>
                <ThemeForm current=ctx.prefs.theme />
            </section>
        </AppShell>
    }
    .into_any()
}

/// Current and new password (the current one is the admin's after a reset).
#[component]
fn PasswordForm() -> impl IntoView {
    view! {
                {form_error("password", &[])}
                <form class="stack" method="post" action=ChangePassword::url()>
                    <label class="field">
                        <span>"Current password"</span>
                        <input
                            type="password"
                            name="current_password"
                            autocomplete="current-password"
                            required
                            maxlength="256"
                        />
                    </label>
                    <label class="field">
                        <span>"New password"</span>
                        <input
                            type="password"
                            name="new_password"
                            autocomplete="new-password"
                            required
                            minlength="8"
                            maxlength="256"
                        />
                    </label>
                    <button type="submit" class="btn btn-primary">"Change password"</button>
                </form>
    }
}

/// After an admin chose this account's password: the one thing to do.
#[component]
fn ChooseOwnPassword() -> impl IntoView {
    view! {
        <AuthCard title="Choose your password">
            <FlashNotice />
            <p class="notice notice-info">
                "An admin set a new password for this account. Choose your own to go on: type the one you were given as the current password."
            </p>
            <PasswordForm />
            <form method="post" action=Logout::url() class="auth-alt">
                <button type="submit" class="btn btn-small">"Sign out"</button>
            </form>
        </AuthCard>
    }
}

/// Where this account is signed in; any of them can be ended.
#[component]
fn SessionsPanel() -> impl IntoView {
    let list = Resource::new(|| (), |_| load_sessions());
    view! {
        <section class="panel" id="sessions">
            <h2>"Sessions"</h2>
            <p class="muted">"Where your account is signed in. Sign out any you do not recognise."</p>
            {form_error("sessions", &[])}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) => view! { <ul class="session-list">{l.into_iter().map(session_row).collect_view()}</ul> }.into_any(),
                        Err(e) => view! { <p class="notice notice-error">{format::server_error(e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn session_row(s: SessionView) -> impl IntoView {
    let seen = s
        .last_seen_at
        .map(|t| format!("last seen {}", format::date_time(t)))
        .unwrap_or_else(|| "not seen since sign-in".into());
    let from = s
        .address
        .clone()
        .map(|a| format!(" · from {a}"))
        .unwrap_or_default();
    view! {
        <li class="session" data-current=s.current.then_some("true")>
            <div>
                <span class="session-browser">{s.browser.clone()}</span>
                {s.current.then(|| view! { <span class="badge">"this browser"</span> })}
                <div class="muted">{format!("{seen}{from}")}</div>
            </div>
            <form method="post" action=EndSession::url()>
                <input type="hidden" name="id" value=s.id />
                <button type="submit" class="btn btn-small" aria-label=format!("Sign out session {}", s.id)>
                    "Sign out"
                </button>
            </form>
        </li>
    }
}
