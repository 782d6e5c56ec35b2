use super::theme_picker::ThemeForm;
use crate::model::UserProfile;
use crate::serverfns::account::Logout;
use crate::ui::page_context;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The account menu in the header: a `<details>` so it opens without
/// JavaScript.
#[component]
pub fn UserMenu(user: UserProfile) -> impl IntoView {
    let initial = user
        .username
        .chars()
        .next()
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or('?');
    let ctx = page_context();
    let theme = ctx.prefs.theme;
    let own_keys = ctx.own_keys.allowed;
    let is_admin = user.is_admin();
    view! {
        <details class="user-menu">
            <summary aria-label="Account menu">
                <span class="avatar" aria-hidden="true">{initial.to_string()}</span>
                <span class="user-name">{user.username.clone()}</span>
            </summary>
            <div class="menu" role="menu">
                <div class="menu-head">
                    <strong>{user.username.clone()}</strong>
                    <span class="badge">{user.role.as_str()}</span>
                </div>
                <LimitMeter />
                <a role="menuitem" href="/profile">"Profile"</a>
                <a role="menuitem" href="/usage">"Usage"</a>
                {own_keys.then(|| view! { <a role="menuitem" href="/settings/keys">"Your keys"</a> })}
                <a role="menuitem" href="/profile#password">"Change password"</a>
                {is_admin.then(|| view! { <a role="menuitem" href="/admin">"Admin settings"</a> })}
                <ThemeForm current=theme />
                <form method="post" action=Logout::url()>
                    <button type="submit" role="menuitem" class="menu-logout">"Log out"</button>
                </form>
            </div>
        </details>
    }
}

/// What is left under the tightest limit, when one applies.
#[component]
fn LimitMeter() -> impl IntoView {
    use crate::ui::components::usage_view::left_text;
    let limits = Resource::new(|| (), |_| crate::serverfns::usage::load_limits());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let tightest = limits.await.ok().and_then(|l| {
                    l.limits
                        .into_iter()
                        .filter(|u| u.resets_at.is_some() && u.limit > 0.0)
                        .max_by(|a, b| (a.used / a.limit).total_cmp(&(b.used / b.limit)))
                });
                tightest.map(|l| {
                    view! {
                        <a class="menu-meter" href="/usage#limits">
                            <span>{left_text(&l)}</span>
                            <meter min="0" max=l.limit value=l.used.min(l.limit) low=l.limit * 0.7 high=l.limit * 0.9 optimum="0"></meter>
                        </a>
                    }
                })
            })}
        </Suspense>
    }
}
