use crate::serverfns::account::ChangePassword;
use crate::text::format;
use crate::ui::components::flash::{form_error, FlashNotice};
use crate::ui::components::{app_shell::AppShell, theme_picker::ThemeForm};
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// `/profile`: who you are, your password, your theme.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let ctx = page_context();
    let user = ctx.user.clone();
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
            </section>
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
}
