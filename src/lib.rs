//! Backrooms: a self-hosted AI chat server. One crate, two builds: `ssr` (the
//! server binary) and `hydrate` (the WASM that wakes up the islands).

// Deeply nested view types of whole pages exceed the default of 128.
#![recursion_limit = "256"]

pub mod app;
pub mod error;
pub mod model;
pub mod serverfns;
pub mod text;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point called by Leptos' island script: only islands hydrate, the
/// rest of each page stays server-rendered HTML.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
