//! The address people reach this server at, for links that leave the page
//! (a share link to paste elsewhere).

use crate::server::config::Config;
use axum::http::{header, HeaderMap};

/// `BACKROOMS_PUBLIC_URL` when set, else the request's `Host` (already
/// checked against the allowed hosts), over `https` when a proxy says the
/// request came that way (`X-Forwarded-Proto`; it only shapes the link
/// shown to this same requester).
pub fn origin(config: &Config, headers: &HeaderMap) -> String {
    if let Some(url) = &config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|p| p.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// The full read-only link of share `token`.
pub fn share_link(config: &Config, headers: &HeaderMap, token: &str) -> String {
    format!("{}/s/{token}", origin(config, headers))
}

/// Fills in the thread's full share link while it is shared (REST and the
/// chat page read it alike).
pub fn fill_share_link(
    view: &mut crate::model::chat::ThreadView,
    config: &Config,
    headers: &HeaderMap,
) {
    view.share_link = view
        .share_token
        .as_deref()
        .map(|t| share_link(config, headers, t));
}
