//! Who was active, and from where: after each signed-in request the
//! session's browser, address and last-seen time (and the account's last
//! activity) are written, at most once a minute per session. The memory
//! of when each was last written saves the database a write per request.

use super::AuthSession;
use crate::server::services::sessions;
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

/// Forgotten all at once past this many sessions (the database then
/// decides again, still at most once a minute).
const REMEMBERED_MAX: usize = 10_000;

#[derive(Default)]
pub struct Activity {
    written: Mutex<HashMap<String, i64>>,
}

impl Activity {
    /// True when `session` was not written in the last minute (and notes
    /// that it is being written now).
    fn due(&self, session: &str, at: i64) -> bool {
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        if written
            .get(session)
            .is_some_and(|t| at - t < sessions::TOUCH_EVERY)
        {
            return false;
        }
        if written.len() >= REMEMBERED_MAX {
            written.clear();
        }
        written.insert(session.to_string(), at);
        true
    }
}

pub async fn touch(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let seen = req.extensions().get::<AuthSession>().and_then(|auth| {
        let user = auth.user.as_ref()?.id;
        let session = auth.session.id()?.to_string();
        Some((user, session))
    });
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let address = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| {
        crate::server::client::address(c.0.ip(), req.headers(), &state.config.trusted_proxies)
            .to_string()
    });
    let res = next.run(req).await;
    if let Some((user, session)) = seen {
        if state.activity.due(&session, crate::server::db::now()) {
            let done = state
                .db
                .run(move |c| {
                    sessions::touch(c, user, &session, agent.as_deref(), address.as_deref())
                })
                .await;
            if let Err(e) = done {
                tracing::warn!("session activity not written: {e}");
            }
        }
    }
    res
}
