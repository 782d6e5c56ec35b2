//! Everything people see. Pages and most components render on the server
//! only; the few `#[island]`s are all the browser runs.

pub mod browser;
pub mod components;
pub mod line_stream;
pub mod pages;
pub mod raw_text;

use crate::model::{Flash, UiPrefs, UserProfile};
use leptos::prelude::use_context;

/// Facts about the request, decided by the server before rendering and
/// provided as context to every server component.
#[derive(Clone, Debug, Default)]
pub struct PageContext {
    pub user: Option<UserProfile>,
    pub prefs: UiPrefs,
    /// Only filled in for the pages that show it (sign-in, register, admin);
    /// `Closed` elsewhere.
    pub registration: crate::model::community::Registration,
    /// The admin's own-key switches (signed-in pages).
    pub own_keys: crate::model::provider::OwnKeysPolicy,
    /// The result of the form posted just before this page.
    pub flash: Flash,
    /// The page has islands: it loads the WASM that wakes them (sign-in,
    /// register and a shared thread have none and load no WASM).
    pub islands: bool,
}

/// The request's context; empty while Leptos lists routes at boot.
pub fn page_context() -> PageContext {
    use_context::<PageContext>().unwrap_or_default()
}

/// Answers the page with HTTP status `code` (404 for a missing object, 403
/// for a forbidden page); nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
