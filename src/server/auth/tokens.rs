//! `Authorization: Bearer bk_...` (or `x-api-key: bk_...`, as Anthropic's
//! clients send it): a request made with a personal access token is that
//! account's, with no session and no cookie. A token that is unknown,
//! revoked or expired, or whose account is disabled, answers 401 at once;
//! the cookie, if any, is never consulted then.

use crate::error::AppError;
use crate::server::db::rows::User;
use crate::server::services::tokens;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whose token a request carries: `Caller` reads it before any session.
#[derive(Clone, Debug)]
pub struct TokenUser(pub User);

/// The token a request carries, if it carries one of ours.
pub fn presented(headers: &HeaderMap) -> Option<&str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let api_key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    bearer.or(api_key).filter(|t| t.starts_with(tokens::PREFIX))
}

/// Tokens open the REST API and `/v1`; pages, forms and server functions
/// stay with the session cookie.
pub fn applies(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/v1/")
}

pub async fn bearer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = applies(req.uri().path())
        .then(|| presented(req.headers()).map(str::to_string))
        .flatten();
    let Some(token) = token else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_string();
    let found = state.db.run(move |c| tokens::authenticate(c, &token)).await;
    match found {
        Ok(Some(user)) => {
            if user.must_change_password {
                let e = AppError::forbidden(super::caller::MUST_CHANGE_PASSWORD);
                return refuse(e, &path);
            }
            req.extensions_mut().insert(TokenUser(user));
            next.run(req).await
        }
        Ok(None) => refuse(
            AppError::unauthorized("This token is not valid: unknown, revoked or expired."),
            &path,
        ),
        Err(e) => refuse(e, &path),
    }
}

/// In `/v1`'s error shapes there; the REST shape elsewhere.
fn refuse(e: AppError, path: &str) -> Response {
    if path.starts_with("/v1/") {
        crate::server::rest::v1::error_response(&e, path)
    } else {
        e.into_response()
    }
}
