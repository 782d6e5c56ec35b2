//! The few browser calls islands make, in one place. On the server build
//! they do nothing (islands' handlers never run there).

/// Sets an attribute on `<html>`: theme and sidebar state live there so CSS
/// alone decides the look.
pub fn set_root_attr(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = leptos::prelude::document().document_element() {
        let _ = el.set_attribute(name, value);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value);
}

pub fn root_attr(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|el| el.get_attribute(name))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// A first-party preference cookie for a year (read by the server when it
/// renders the next page, so there is no flash of the wrong theme).
pub fn set_pref_cookie(name: &str, value: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(doc) = leptos::prelude::document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = doc.set_cookie(&format!(
                "{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, value);
}

/// True where the sidebar is docked rather than a drawer (>= 1024 px).
pub fn is_desktop() -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .is_some_and(|w| w >= 1024.0)
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Sleeps in the browser (a no-op on the server).
pub async fn sleep_ms(ms: i32) {
    #[cfg(feature = "hydrate")]
    {
        let (tx, rx) = futures::channel::oneshot::channel::<()>();
        leptos::prelude::set_timeout(
            move || {
                let _ = tx.send(());
            },
            std::time::Duration::from_millis(ms.max(0) as u64),
        );
        let _ = rx.await;
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ms;
}

/// Calls `f` each time the page becomes visible again (phones drop
/// connections of pages in the background).
pub fn on_visible(f: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let doc = leptos::prelude::document();
        let d2 = doc.clone();
        let cb = Closure::<dyn Fn()>::new(move || {
            if d2.visibility_state() == web_sys::VisibilityState::Visible {
                f();
            }
        });
        let _ =
            doc.add_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
        cb.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}

fn near_bottom() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let w = leptos::prelude::window();
        let y = w.scroll_y().unwrap_or(0.0);
        let h = w
            .inner_height()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let total = leptos::prelude::document()
            .document_element()
            .map(|e| e.scroll_height() as f64)
            .unwrap_or(0.0);
        y + h >= total - 120.0
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Keeps the newest text in view unless the reader scrolled up.
pub fn follow_bottom() {
    if near_bottom() {
        follow_bottom_now();
    }
}

pub fn follow_bottom_now() {
    #[cfg(feature = "hydrate")]
    {
        let w = leptos::prelude::window();
        let total = leptos::prelude::document()
            .document_element()
            .map(|e| e.scroll_height() as f64)
            .unwrap_or(0.0);
        w.scroll_to_with_x_and_y(0.0, total);
    }
}

/// Sets the two `<meta name="theme-color">` (one per system colour
/// scheme) to `color(that scheme is dark)`.
pub fn set_theme_color(color: impl Fn(bool) -> &'static str) {
    #[cfg(feature = "hydrate")]
    for (id, dark) in [("theme-color-light", false), ("theme-color-dark", true)] {
        if let Some(el) = leptos::prelude::document().get_element_by_id(id) {
            let _ = el.set_attribute("content", color(dark));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = color;
}

/// Runs `insert` (which adds content above what the reader sees) and then
/// scrolls by what it added, so the same text stays in front of them.
/// `then` runs once the page is back in place.
pub fn insert_above(insert: impl FnOnce(), then: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let w = leptos::prelude::window();
        let height = || {
            leptos::prelude::document()
                .document_element()
                .map(|e| e.scroll_height() as f64)
                .unwrap_or(0.0)
        };
        let from_end = height() - w.scroll_y().unwrap_or(0.0);
        insert();
        leptos::prelude::request_animation_frame(move || {
            leptos::prelude::window().scroll_to_with_x_and_y(0.0, height() - from_end);
            then();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    {
        insert();
        then();
    }
}

/// The reader is at (or near) the top of the page.
pub fn near_top() -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window().scroll_y().unwrap_or(0.0) < 400.0
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Opens the `<details id=id>` and the `inner` one inside it, and brings
/// them into view.
pub fn open_details(id: &str, inner: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = leptos::prelude::document().get_element_by_id(id) {
        let _ = el.set_attribute("open", "");
        if let Ok(Some(menu)) = el.query_selector(inner) {
            let _ = menu.set_attribute("open", "");
        }
        reveal(id);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, inner);
}

/// Scrolls a scrolling box to its end, once what just changed is laid out.
pub fn scroll_to_end(el: &leptos::web_sys::HtmlElement) {
    #[cfg(feature = "hydrate")]
    {
        let el = el.clone();
        leptos::prelude::request_animation_frame(move || el.set_scroll_top(el.scroll_height()));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = el;
}

/// A scrolling box is scrolled to (near) its end.
pub fn at_end(el: &leptos::web_sys::HtmlElement) -> bool {
    #[cfg(feature = "hydrate")]
    {
        el.scroll_top() + el.client_height() >= el.scroll_height() - 40
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = el;
        true
    }
}

/// Takes the notices the last form post left (`[data-flash]`) off the
/// page once what they said is out of date.
pub fn drop_flash_notices() {
    #[cfg(feature = "hydrate")]
    if let Ok(list) = leptos::prelude::document().query_selector_all("[data-flash]") {
        for i in 0..list.length() {
            if let Some(node) = list.item(i) {
                if let Some(parent) = node.parent_node() {
                    let _ = parent.remove_child(&node);
                }
            }
        }
    }
}

/// Sets the text of element `id` (a slider's shown value).
pub fn set_text_of(id: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = leptos::prelude::document().get_element_by_id(id) {
        el.set_text_content(Some(text));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, text);
}

/// The page address's path (`/c/12`).
pub fn path() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .pathname()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// The first run the user starts asks whether the browser may notify
/// them when runs end (never on load). `app.js` holds the asking.
pub fn ask_to_notify() {
    call_app_js("backroomsAskToNotify", &[]);
}

/// While the page is hidden: a notification (shown by the service worker,
/// once allowed) that opens `url` when tapped.
pub fn notify_if_hidden(title: &str, body: &str, url: &str) {
    #[cfg(feature = "hydrate")]
    {
        if leptos::prelude::document().visibility_state() == web_sys::VisibilityState::Visible {
            return;
        }
        let body: String = body.chars().take(140).collect();
        call_app_js("backroomsNotify", &[title, &body, url]);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (title, body, url);
}

/// Calls `window[name](...args)` when `app.js` defined it.
/// Empties the composer's list of uploaded files (`app.js` keeps it).
pub fn clear_attachments() {
    call_app_js("backroomsClearAttachments", &[]);
}

fn call_app_js(name: &str, args: &[&str]) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{JsCast, JsValue};
        let window = leptos::prelude::window();
        let Ok(f) = web_sys::js_sys::Reflect::get(&window, &JsValue::from_str(name)) else {
            return;
        };
        let Ok(f) = f.dyn_into::<web_sys::js_sys::Function>() else {
            return;
        };
        let list = web_sys::js_sys::Array::new();
        for a in args {
            list.push(&JsValue::from_str(a));
        }
        let _ = f.apply(&window, &list);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, args);
}

/// The page address's `#fragment`, with its `#` (empty when none).
pub fn hash() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .hash()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Scrolls element `id` just enough that its end is in view, after the
/// page has laid out what just changed.
pub fn reveal(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        let id = id.to_string();
        leptos::prelude::request_animation_frame(move || {
            if let Some(el) = leptos::prelude::document().get_element_by_id(&id) {
                let opts = leptos::web_sys::ScrollIntoViewOptions::new();
                opts.set_block(leptos::web_sys::ScrollLogicalPosition::End);
                el.scroll_into_view_with_scroll_into_view_options(&opts);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Opens `path` anew, even when it is this page with another `#hash`
/// (where setting the address alone would only scroll).
pub fn open_fresh(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let location = leptos::prelude::window().location();
        let here = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
        let there = path.split('#').next().unwrap_or(path);
        let _ = location.set_href(path);
        if here == there {
            let _ = location.reload();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

pub fn go(path: &str) {
    #[cfg(feature = "hydrate")]
    let _ = leptos::prelude::window().location().set_href(path);
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Phones and tablets: Enter makes a new line, the button sends.
pub fn coarse_pointer() -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .match_media("(pointer: coarse)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches())
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

pub fn copy_text(text: &str) {
    #[cfg(feature = "hydrate")]
    {
        let clipboard = leptos::prelude::window().navigator().clipboard();
        let _ = clipboard.write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

/// Clicks on a code block's "Copy" button copy that block.
pub fn copy_code_click(ev: &leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if !target.class_list().contains("copy-code") {
            return;
        }
        let code = target
            .closest(".code-block")
            .ok()
            .flatten()
            .and_then(|b| b.query_selector("code").ok().flatten())
            .and_then(|c| c.text_content());
        if let Some(code) = code {
            copy_text(&code);
            target.set_text_content(Some("Copied"));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Grows the composer with its text (up to the CSS max-height).
pub fn grow(area: leptos::prelude::NodeRef<leptos::html::Textarea>) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = leptos::prelude::GetUntracked::get_untracked(&area) {
        let style = el.style();
        let _ = style.set_property("height", "auto");
        let _ = style.set_property("height", &format!("{}px", el.scroll_height()));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = area;
}

pub fn reset_height(area: leptos::prelude::NodeRef<leptos::html::Textarea>) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = leptos::prelude::GetUntracked::get_untracked(&area) {
        let _ = el.style().remove_property("height");
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = area;
}

/// The browser's own confirmation dialog.
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .confirm_with_message(message)
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

/// Calls `f` whenever `el` scrolls into view (the end of a list).
pub fn when_visible(el: &leptos::web_sys::Element, f: impl Fn() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let cb = Closure::<dyn Fn(web_sys::js_sys::Array)>::new(
            move |entries: web_sys::js_sys::Array| {
                let seen = entries.iter().any(|e| {
                    e.dyn_into::<web_sys::IntersectionObserverEntry>()
                        .is_ok_and(|e| e.is_intersecting())
                });
                if seen {
                    f();
                }
            },
        );
        if let Ok(observer) = web_sys::IntersectionObserver::new(cb.as_ref().unchecked_ref()) {
            observer.observe(el);
        }
        cb.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (el, f);
}

/// The `name` of the form control an event came from.
pub fn input_name(ev: &leptos::ev::Event) -> String {
    #[cfg(feature = "hydrate")]
    {
        ev.target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.get_attribute("name"))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        String::new()
    }
}

/// The caret in the composer, as a byte index into its text.
pub fn caret(area: leptos::prelude::NodeRef<leptos::html::Textarea>) -> Option<usize> {
    #[cfg(feature = "hydrate")]
    {
        let el = leptos::prelude::GetUntracked::get_untracked(&area)?;
        let units = el.selection_start().ok()?? as usize;
        let text = el.value();
        // The DOM counts UTF-16 units.
        let mut seen = 0;
        for (i, c) in text.char_indices() {
            if seen >= units {
                return Some(i);
            }
            seen += c.len_utf16();
        }
        Some(text.len())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = area;
        None
    }
}

/// Puts `text` into the composer and the caret at byte index `at` of it.
pub fn set_text(area: leptos::prelude::NodeRef<leptos::html::Textarea>, text: &str, at: usize) {
    #[cfg(feature = "hydrate")]
    if let Some(el) = leptos::prelude::GetUntracked::get_untracked(&area) {
        el.set_value(text);
        let units = text.get(..at).map_or(0, |t| t.encode_utf16().count()) as u32;
        let _ = el.focus();
        let _ = el.set_selection_range(units, units);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (area, text, at);
}
