//! Cross-site request forgery and DNS-rebinding guard, before any handler.
//!
//! - `Host` must be a name this server answers to (the public URL's host,
//!   `BACKROOMS_ALLOWED_HOSTS`, `localhost`, or an IP address we listen on):
//!   a rebinding page reaches us under its own name, which is refused, so its
//!   `Origin` and `Host` can never agree with each other to pass the next
//!   check.
//! - Browsers send `Origin` (or at least `Referer`) with every cross-site
//!   write; a write whose origin is not this server is refused. Requests
//!   with neither header (curl, scripts) carry no ambient browser
//!   credentials to abuse.

use crate::error::AppError;
use crate::server::config::Config;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;

/// `host[:port]` of an absolute URL such as `https://x.example:8443/path`.
fn host_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

fn same_origin(headers: &HeaderMap, public_host: Option<&str>) -> bool {
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|v| v.to_str().unwrap_or("invalid"));
    let Some(source) = source else {
        return true;
    };
    let Some(source_host) = host_of(source) else {
        // `Origin: null` (sandboxed frames, odd redirects) and junk.
        return false;
    };
    let request_host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    [request_host, public_host]
        .into_iter()
        .flatten()
        .any(|h| h.eq_ignore_ascii_case(source_host))
}

/// The host part of a `Host` header (`name`, `name:port`, `[v6]:port`),
/// lower case, without a trailing dot.
fn host_name(host: &str) -> String {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether a request for `host` is meant for us (see the module notes).
pub fn host_allowed(host: &str, config: &Config) -> bool {
    let name = host_name(host);
    if let Ok(ip) = name.parse::<IpAddr>() {
        let listen = config.addr.ip();
        return ip.is_loopback() || listen.is_unspecified() || ip == listen;
    }
    name == "localhost"
        || config.public_host().map(host_name).as_deref() == Some(name.as_str())
        || config.allowed_hosts.contains(&name)
}

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // HTTP/2 carries the host as the URI's authority instead of `Host`.
    let host = req
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or("invalid"))
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if let Some(host) = host.filter(|h| !host_allowed(h, &state.config)) {
        tracing::warn!(host = %host.escape_debug(), "request for an unknown host refused");
        return AppError::bad_request(
            "This server does not answer to that host name. An admin can add it \
             with BACKROOMS_PUBLIC_URL or BACKROOMS_ALLOWED_HOSTS.",
        )
        .into_response();
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A personal access token is no ambient credential: a page of another
    // site cannot add the header without CORS, which this server never
    // grants. Its requests need no Origin.
    let token = crate::server::auth::tokens::applies(req.uri().path())
        && crate::server::auth::tokens::presented(req.headers()).is_some();
    if !safe && !token && !same_origin(req.headers(), state.config.public_host()) {
        tracing::warn!(path = %req.uri().path(), "cross-origin write refused");
        return AppError::forbidden("Cross-origin request refused.").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn config(vars: &[(&str, &str)]) -> Config {
        let dir = tempfile::tempdir().expect("dir");
        let d = dir.path().to_string_lossy().to_string();
        Config::from_lookup(|k| match k {
            "BACKROOMS_DATA_DIR" => Some(d.clone()),
            k => vars
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string()),
        })
        .expect("config")
    }

    #[test]
    fn only_our_own_names_are_served() {
        let local = config(&[]);
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST",
            "[::1]:3000",
            "localhost.",
        ] {
            assert!(host_allowed(ok, &local), "{ok}");
        }
        for bad in [
            "rebind.evil.example",
            "rebind.evil.example:3000",
            "10.0.0.5:3000",
            "localhost.evil.example",
            "",
        ] {
            assert!(!host_allowed(bad, &local), "{bad}");
        }
        let public = config(&[
            ("BACKROOMS_ADDR", "0.0.0.0:3000"),
            ("BACKROOMS_PUBLIC_URL", "https://chat.example.com"),
            ("BACKROOMS_ALLOWED_HOSTS", "nas.local"),
        ]);
        for ok in [
            "chat.example.com",
            "Chat.Example.com:443",
            "nas.local:8080",
            "10.0.0.5:3000",
        ] {
            assert!(host_allowed(ok, &public), "{ok}");
        }
        assert!(!host_allowed("rebind.evil.example", &public));
    }

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn origin_must_match_host_or_public_url() {
        let host = (header::HOST, "127.0.0.1:3000");
        assert!(same_origin(&headers(std::slice::from_ref(&host)), None));
        assert!(same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "http://127.0.0.1:3000")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "https://evil.example")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "null")]),
            None
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::REFERER, "https://evil.example/x")]),
            None
        ));
        assert!(same_origin(
            &headers(&[host, (header::ORIGIN, "https://chat.example.com")]),
            Some("chat.example.com")
        ));
    }
}
