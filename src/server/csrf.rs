//! Cross-site request forgery guard. Browsers send `Origin` (or at least
//! `Referer`) with every cross-site write; a write whose origin is not this
//! server is refused before any handler runs. Requests with neither header
//! (curl, scripts) carry no ambient browser credentials to abuse.

use crate::error::AppError;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

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

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(req.headers(), state.config.public_host()) {
        tracing::warn!(path = %req.uri().path(), "cross-origin write refused");
        return AppError::forbidden("Cross-origin request refused.").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

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
