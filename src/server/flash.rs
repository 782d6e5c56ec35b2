//! Setting and taking the one-shot form-result cookie (see `model::Flash`).

use crate::model::Flash;
use axum::http::{header, HeaderMap, HeaderValue};
use leptos::prelude::use_context;

fn cookie(flash: &Flash) -> String {
    format!(
        "{}={}; Path=/; Max-Age=120; HttpOnly; SameSite=Lax",
        Flash::COOKIE,
        flash.encode()
    )
}

/// From a server function: remember `flash` for the next page and redirect.
pub fn redirect(path: &str, flash: Flash) {
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie(&flash)),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
    leptos_axum::redirect(path);
}

/// From the page handler: the pending flash, if any.
pub fn take(headers: &HeaderMap) -> Option<Flash> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == Flash::COOKIE)
            .then(|| Flash::decode(value))
            .flatten()
    })
}

/// Clears the cookie once its page has been shown.
pub fn clear_header() -> HeaderValue {
    HeaderValue::from_static("flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// From a plain axum handler: a 303 to `path` carrying `flash`.
pub fn redirect_response(path: &str, flash: Flash) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut res = axum::response::Redirect::to(path).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie(&flash)) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}
