//! One router: static files, health, REST, server functions and pages.

use crate::app::App;
use crate::server::state::AppState;
use crate::server::{auth, csrf, forms, headers, health, pages, rest};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::path::Path;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);

    // Everything that needs to know who is asking sits behind the session
    // layer; static files do not pay for a session lookup.
    let dynamic = Router::new()
        .merge(rest::routes())
        .merge(forms::routes())
        .route("/fn/{*name}", post(server_fn).get(server_fn))
        .leptos_routes_with_handler(routes, get(pages::handler))
        .fallback(pages::handler)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::activity::touch,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::tokens::bearer,
        ))
        .layer(auth::layer(&state.db, &state.config));

    Router::new()
        .route("/healthz", get(health::healthz))
        .merge(static_files(Path::new(&*state.leptos_options.site_root)))
        .merge(dynamic)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        .layer(axum::middleware::from_fn(headers::layer))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// A `pkg/` file named for its content (`backrooms.<hash>.wasm`, as
/// cargo-leptos `hash-files` writes them): it never changes, so browsers
/// keep it for a year without asking again.
fn content_named(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1].len() >= 16
        && parts[1]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Caching of the static files: immutable for content-named ones, else
/// `no-cache` (revalidated by `Last-Modified` / 304, so a server upgrade
/// never pairs new HTML with an old WASM).
async fn static_cache(
    req: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let immutable = content_named(req.uri().path());
    let mut res = next.run(req).await;
    let value = if immutable && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    res
}

/// Routes for what cargo-leptos put in the site root (`public/` plus `pkg/`).
fn static_files(site_root: &Path) -> Router<AppState> {
    let mut router = Router::new();
    let Ok(entries) = std::fs::read_dir(site_root) else {
        tracing::warn!(
            "site root {} not found: no static files",
            site_root.display()
        );
        return router;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = entry.path();
        if path.is_dir() {
            crate::server::precompress::start(&path);
            let dir = path.clone();
            let service = ServeDir::new(path).precompressed_br();
            router = router.nest_service(
                &format!("/{name}"),
                tower::ServiceBuilder::new()
                    .map_request(move |req: Request<Body>| {
                        // A plain file name only (never `..` or a subpath).
                        let file = req.uri().path().trim_start_matches('/');
                        if !file.is_empty()
                            && !file.starts_with('.')
                            && file
                                .chars()
                                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                        {
                            crate::server::precompress::check(&dir.join(file));
                        }
                        req
                    })
                    .service(service),
            );
        } else {
            router = router.route_service(&format!("/{name}"), ServeFile::new(path));
        }
    }
    router.layer(axum::middleware::from_fn(static_cache))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_content_named_pkg_files_are_immutable() {
        assert!(super::content_named(
            "/pkg/backrooms.Xk3_q9-aZ0b1c2d3e4f5.wasm"
        ));
        assert!(super::content_named(
            "/pkg/backrooms.Xk3_q9-aZ0b1c2d3e4f5.css.br"
        ));
        assert!(!super::content_named("/pkg/backrooms.wasm"));
        assert!(!super::content_named("/pkg/backrooms_bg.wasm"));
        assert!(!super::content_named("/sw.js"));
        assert!(!super::content_named("/icons/icon.192x192.png"));
    }
}
