//! Serving the Leptos pages: who is signed in, their cookies' UI prefs, and
//! the sign-in gate, decided once here before any view renders.

use crate::app::shell;
use crate::model::UiPrefs;
use crate::server::auth::AuthSession;
use crate::server::services::settings;
use crate::server::state::AppState;
use crate::text::format::query_value;
use crate::ui::PageContext;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;

/// Pages a signed-out visitor may see; every other page sends them to
/// `/login?next=...`.
const PUBLIC_PAGES: [&str; 2] = ["/login", "/register"];

/// Read-only shared threads: signed in or not.
const SHARED_PREFIX: &str = "/s/";

/// Where to go after sign-in: a local path only, read the way a browser
/// reads it. Browsers drop tab, CR and LF anywhere in a URL and trim C0
/// controls and spaces at its ends, so `/\t/evil.example` is
/// `//evil.example` to them: we normalise first, then check. Anything else
/// odd (other control characters, backslashes) sends people home, and the
/// result is percent-encoded so it is always a valid `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(raw) = next else {
        return "/".to_string();
    };
    let seen: String = raw
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let seen = seen.trim_matches(|c: char| c <= ' ');
    let local = seen.starts_with('/') && !seen.starts_with("//");
    if !local || seen.contains('\\') || seen.chars().any(char::is_control) {
        return "/".to_string();
    }
    let mut out = String::with_capacity(seen.len());
    for b in seen.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub async fn handler(
    State(state): State<AppState>,
    auth: AuthSession,
    req: Request<Body>,
) -> Response {
    let path = req.uri().path().to_string();
    let public = PUBLIC_PAGES.contains(&path.as_str());
    // A shared thread's read-only page is for anyone with the link.
    let open_to_all = path.starts_with(SHARED_PREFIX);
    let user = auth.user.as_ref().map(|u| u.profile());

    match (&user, public) {
        (None, false) if !open_to_all => {
            let target = req
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str())
                .unwrap_or("/");
            let login = if target == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", query_value(target))
            };
            return Redirect::to(&login).into_response();
        }
        (Some(_), true) => return Redirect::to("/").into_response(),
        _ => {}
    }

    let registration_open = if public || path == "/admin" {
        match state.db.run(settings::registration_open).await {
            Ok(open) => open,
            Err(e) => return e.into_response(),
        }
    } else {
        false
    };

    let prefs = req
        .headers()
        .get(header::COOKIE)
        .and_then(|c| c.to_str().ok())
        .map(UiPrefs::from_cookie_header)
        .unwrap_or_default();

    let flash = crate::server::flash::take(req.headers());
    let had_flash = flash.is_some();
    let ctx = PageContext {
        user,
        prefs,
        registration_open,
        flash: flash.unwrap_or_default(),
    };
    let options = state.leptos_options.clone();
    // The page's one inline script (the island loader) runs by this nonce.
    let nonce = leptos::nonce::Nonce::new();
    let csp = crate::server::headers::content_security_policy(Some(nonce.as_inner()));
    // Rendered whole before the first byte: a page can still set its status
    // (404, 403) after loading its data, and it works without JavaScript.
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(ctx.clone());
            provide_context(state.clone());
            provide_context(nonce.clone());
        },
        move || shell(options.clone()),
    );
    let mut res = render(req).await;
    if let Ok(v) = header::HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if had_flash {
        res.headers_mut()
            .append(header::SET_COOKIE, crate::server::flash::clear_header());
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/profile?x=1")), "/profile?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        for evil in [
            "/\t/evil.example",
            "/\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/\r\n/evil.example",
            "/x\u{0}y",
            "/x\u{b}y",
            "/x\u{85}y",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/notes\t/1")), "/notes/1");
        assert_eq!(safe_next(Some("/c/é x")), "/c/%C3%A9%20x");
        assert!(axum::http::HeaderValue::from_str(&safe_next(Some("/c/é x"))).is_ok());
    }
}
