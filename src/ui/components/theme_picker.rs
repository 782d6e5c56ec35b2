use crate::model::Theme;
use crate::serverfns::account::SetTheme;
use crate::ui::browser;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Light / dark / system. With JavaScript the choice applies at once;
/// without it the form posts to `set_theme`.
#[component]
pub fn ThemeForm(current: Theme) -> impl IntoView {
    view! {
        <form class="theme-form" method="post" action=SetTheme::url()>
            <label>
                <span>"Theme"</span>
                <ThemeSelect current=current />
            </label>
            <noscript>
                <button type="submit" class="btn">"Apply"</button>
            </noscript>
        </form>
    }
}

#[island]
pub fn ThemeSelect(current: Theme) -> impl IntoView {
    let select = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        if let Some(el) = select.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    let on_change = move |ev| {
        if let Some(theme) = Theme::parse(&event_target_value(&ev)) {
            browser::set_root_attr("data-theme", theme.as_str());
            browser::set_theme_color(|system_dark| theme.bar_color(system_dark));
            browser::set_pref_cookie(Theme::COOKIE, theme.as_str());
        }
    };
    view! {
        <select name="theme" class="theme-select" node_ref=select on:change=on_change>
            {Theme::ALL
                .into_iter()
                .map(|t| {
                    view! {
                        <option value=t.as_str() selected=t == current>
                            {t.label()}
                        </option>
                    }
                })
                .collect_view()}
        </select>
    }
}
