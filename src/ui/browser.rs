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
