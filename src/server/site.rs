//! The address people reach this server at, for links that leave the page
//! (a share link to paste elsewhere).

use crate::server::config::Config;
use axum::http::{header, HeaderMap};

/// `BACKROOMS_PUBLIC_URL` when set, else `http://` and the request's
/// `Host` (already checked against the allowed hosts).
pub fn origin(config: &Config, headers: &HeaderMap) -> String {
    if let Some(url) = &config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The full read-only link of share `token`.
pub fn share_link(config: &Config, headers: &HeaderMap, token: &str) -> String {
    format!("{}/s/{token}", origin(config, headers))
}
