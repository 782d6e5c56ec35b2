//! `/api/auth/*`: register, log in, log out.

use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::SessionUser;
use crate::server::auth::{accounts, AuthSession};
use crate::server::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `POST /api/auth/login`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CredentialsBody {
    username: String,
    password: String,
}

/// `POST /api/auth/register`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RegisterBody {
    /// 3 to 32 of `A-Z a-z 0-9 _ . -`.
    username: String,
    /// 8 to 256 characters.
    password: String,
    /// The token of an invitation link (`/register?invite=...`).
    #[serde(default)]
    invite: Option<String>,
}

/// Create an account and sign in
///
/// Creates an account and signs it in: the answer sets the session cookie.
/// Whether anyone may register, only with an invitation, or no one, is
/// the admin's setting (403 when refused, or when the invitation is not
/// valid, used up, expired or revoked).
#[utoipa::path(post, path = "/api/auth/register", tag = "auth",
    security(()),
    request_body = RegisterBody,
    responses(
        (status = 201, body = SessionUser, description = "Created and signed in; the session cookie is set"),
        (status = 409, body = ErrorBody, description = "That username is taken"),
        Failures))]
pub async fn register(
    State(state): State<AppState>,
    mut auth: AuthSession,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<SessionUser>), AppError> {
    let profile = accounts::register(
        &state,
        &mut auth,
        &body.username,
        &body.password,
        body.invite.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(SessionUser::from(&profile))))
}

/// Sign in
///
/// Signs in with a username and password: the answer sets the session
/// cookie. A wrong username and a wrong password get the same 401; after
/// repeated failures sign-ins are refused for a while (429, `retry_after`).
/// A disabled account answers 403.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth",
    security(()),
    request_body = CredentialsBody,
    responses(
        (status = 200, body = SessionUser, description = "Signed in; the session cookie is set"),
        Failures))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    mut auth: AuthSession,
    ApiJson(body): ApiJson<CredentialsBody>,
) -> Result<Json<SessionUser>, AppError> {
    let profile = accounts::login(
        &state,
        &mut auth,
        Some(crate::server::client::address(
            peer.ip(),
            &headers,
            &state.config.trusted_proxies,
        )),
        &body.username,
        &body.password,
    )
    .await?;
    Ok(Json(SessionUser::from(&profile)))
}

/// Sign out
///
/// Ends this session (its cookie is worthless afterwards). Answers 204
/// when not signed in too. A personal access token is not revoked by
/// this: use `DELETE /api/tokens/{id}`.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out"), Failures))]
pub async fn logout(mut auth: AuthSession) -> Result<StatusCode, AppError> {
    accounts::logout(&mut auth).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
}
