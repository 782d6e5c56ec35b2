//! Leptos server functions, by domain. Thin: check who is asking, call the
//! same service the REST API calls, redirect so plain HTML forms work with
//! JavaScript off.

pub mod account;
pub mod admin;
pub mod agents;
pub mod backrooms;
pub mod chat;
pub mod notes;
pub mod organise;
pub mod prompts;
pub mod providers;
#[cfg(feature = "ssr")]
pub(crate) mod support;
pub mod tokens;
pub mod usage;
