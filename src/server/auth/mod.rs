//! Who is signed in: password hashing, the axum-login backend, the SQLite
//! session store, login throttling and the account flows built on them.

pub mod accounts;
pub mod activity;
pub mod backend;
pub mod caller;
pub mod next;
pub mod password;
pub mod session_store;
pub mod throttle;
pub mod tokens;

pub use backend::{AuthSession, Backend};

use crate::server::config::Config;
use crate::server::db::Db;
use axum_login::{AuthManagerLayer, AuthManagerLayerBuilder};
use session_store::SqliteSessionStore;
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

pub const SESSION_COOKIE: &str = "backrooms_session";
/// A session not used for this long expires.
pub const SESSION_IDLE_DAYS: i64 = 30;

/// Cookie `HttpOnly`, `SameSite=Lax`, `Secure` when the public URL is https.
pub fn layer(db: &Db, config: &Config) -> AuthManagerLayer<Backend, SqliteSessionStore> {
    let sessions = SessionManagerLayer::new(SqliteSessionStore::new(db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(Duration::days(SESSION_IDLE_DAYS)));
    AuthManagerLayerBuilder::new(Backend::new(db.clone()), sessions).build()
}
