use crate::ui::browser;
use leptos::ev::{KeyboardEvent, MouseEvent};
use leptos::prelude::*;

/// The hamburger. On a desktop it folds the docked sidebar away (and
/// remembers that in a cookie); on a phone it opens the sidebar as a drawer
/// over the page. Without JavaScript the link still opens the drawer
/// through `#sidebar:target` in CSS.
#[island]
pub fn SidebarToggle() -> impl IntoView {
    let button = NodeRef::<leptos::html::A>::new();
    let drawer_open = RwSignal::new(false);

    Effect::new(move |_| {
        if let Some(el) = button.get() {
            let _ = el.set_attribute("data-hydrated", "true");
        }
    });
    Effect::new(move |_| {
        let open = drawer_open.get();
        browser::set_root_attr("data-drawer", if open { "open" } else { "closed" });
        if let Some(el) = button.get_untracked() {
            if !browser::is_desktop() {
                let _ = el.set_attribute("aria-expanded", if open { "true" } else { "false" });
            }
        }
    });

    let toggle = move |ev: MouseEvent| {
        ev.prevent_default();
        if browser::is_desktop() {
            let collapse = browser::root_attr("data-sidebar").as_deref() != Some("collapsed");
            let state = if collapse { "collapsed" } else { "open" };
            browser::set_root_attr("data-sidebar", state);
            browser::set_pref_cookie(crate::model::UiPrefs::SIDEBAR_COOKIE, state);
            if let Some(el) = button.get_untracked() {
                let _ = el.set_attribute("aria-expanded", if collapse { "false" } else { "true" });
            }
        } else {
            drawer_open.update(|open| *open = !*open);
        }
    };
    let _esc = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            drawer_open.set(false);
        }
    });

    view! {
        <a
            href="#sidebar"
            class="icon-btn sidebar-toggle"
            aria-controls="sidebar"
            aria-label="Toggle sidebar"
            node_ref=button
            on:click=toggle
        >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                <path
                    d="M4 6h16M4 12h16M4 18h16"
                    stroke="currentColor"
                    stroke-width="2"
                    stroke-linecap="round"
                />
            </svg>
        </a>
        <div class="drawer-backdrop" on:click=move |_| drawer_open.set(false)></div>
    }
}
