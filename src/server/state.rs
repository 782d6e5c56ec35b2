//! What every handler can reach. Cheap to clone.

use crate::server::config::Config;
use crate::server::crypto::Cipher;
use crate::server::db::Db;
use crate::server::engine::hub::Hub;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub leptos_options: LeptosOptions,
    /// Replies and turns admitted against their account's limits.
    pub quotas: Arc<crate::server::quotas::Quotas>,
    /// When each session's activity was last written.
    pub activity: Arc<crate::server::auth::activity::Activity>,
    /// Encrypts provider API keys at rest.
    pub cipher: Cipher,
    /// One connection pool for every call to an LLM provider.
    pub http: reqwest::Client,
    /// For accounts' own keys while private addresses are refused: see
    /// `llm::guard`.
    pub guarded_http: reqwest::Client,
    /// This process's id among the replicas sharing the database.
    pub replica: i64,
    /// Replies being generated right now.
    pub hub: Arc<Hub>,
    /// What the other replicas must hear, and what they say (PostgreSQL).
    pub relay: Option<Arc<crate::server::engine::relay::Relay>>,
    /// Backrooms running or watched right now.
    pub rooms: Arc<crate::server::engine::room_registry::Rooms>,
    /// The time scheduled runs go by (a test may set it).
    pub clock: Arc<crate::server::clock::Clock>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
