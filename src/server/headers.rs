//! Security headers on every response: a Content-Security-Policy (pages add
//! their own with the nonce of their hydration script), `nosniff`, a
//! same-origin referrer and a Permissions-Policy that turns off what a chat
//! server never uses.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Browser features no page here uses; clipboard writes (copy buttons) and
/// fullscreen stay ours only.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), bluetooth=(), camera=(), \
     display-capture=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), \
     microphone=(), midi=(), payment=(), serial=(), usb=(), \
     clipboard-write=(self), fullscreen=(self)";

/// The policy: scripts only from this server (plus the page's inline
/// hydration script by `nonce`, and WASM compilation), no plugins, no
/// `<base>`, forms only to us, never inside a frame (but for a public
/// room's embed view, `framable`, which any site may frame). Styles allow
/// inline `style=""` attributes; images also `data:`/`blob:` previews and
/// an admin's https provider logo.
pub fn content_security_policy(nonce: Option<&str>, framable: bool) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let ancestors = if framable { "*" } else { "'none'" };
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )
}

const PERMISSIONS_POLICY_HEADER: HeaderName = HeaderName::from_static("permissions-policy");

/// The policy of every response that is not a page, built once.
static DEFAULT_CSP: std::sync::LazyLock<HeaderValue> = std::sync::LazyLock::new(|| {
    HeaderValue::from_str(&content_security_policy(None, false))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"))
});

/// Adds the headers a handler did not set itself.
pub async fn layer(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    add(res.headers_mut());
    res
}

/// The security headers, on a response made outside the router too (a
/// public room's event stream served straight off its socket).
pub fn add(h: &mut axum::http::HeaderMap) {
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, DEFAULT_CSP.clone());
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        PERMISSIONS_POLICY_HEADER,
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
}
