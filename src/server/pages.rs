//! Serving the Leptos pages: who is signed in, their cookies' UI prefs, and
//! the sign-in gate, decided once here before any view renders.

use crate::app::shell;
use crate::model::community::Registration;
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

/// Read-only shared threads and public live rooms: signed in or not.
const SHARED_PREFIX: &str = "/s/";
const PUBLIC_ROOM_PREFIX: &str = "/b/";

pub async fn handler(
    State(state): State<AppState>,
    auth: AuthSession,
    req: Request<Body>,
) -> Response {
    let path = req.uri().path().to_string();
    let public = PUBLIC_PAGES.contains(&path.as_str());
    // A shared thread's read-only page is for anyone with the link.
    let open_to_all = path.starts_with(SHARED_PREFIX) || path.starts_with(PUBLIC_ROOM_PREFIX);
    // A public room's compact view is the one page other sites may frame.
    let framable = path.starts_with(PUBLIC_ROOM_PREFIX) && path.ends_with("/embed");
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
        // An admin chose this password: nothing else until the user has
        // chosen their own.
        (Some(u), false) if u.must_change_password && path != "/profile" => {
            return Redirect::to("/profile#password").into_response()
        }
        _ => {}
    }

    let registration = if public || path.starts_with("/admin") {
        match state.db.run(settings::registration).await {
            Ok(mode) => mode,
            Err(e) => return e.into_response(),
        }
    } else {
        Registration::Closed
    };

    let own_keys = if user.is_some() {
        match state.db.run(settings::own_keys).await {
            Ok(policy) => policy,
            Err(e) => return e.into_response(),
        }
    } else {
        Default::default()
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
        registration,
        own_keys,
        flash: flash.unwrap_or_default(),
        islands: !(path == "/login" || path == "/register" || path.starts_with("/s/")),
    };
    let options = state.leptos_options.clone();
    // The page's one inline script (the island loader) runs by this nonce.
    let nonce = leptos::nonce::Nonce::new();
    let csp = crate::server::headers::content_security_policy(Some(nonce.as_inner()), framable);
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
