//! `/api/auth/*`: register, log in, log out.

use super::json::ApiJson;
use crate::error::AppError;
use crate::model::SessionUser;
use crate::server::auth::{accounts, AuthSession};
use crate::server::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;

#[derive(Deserialize)]
pub struct CredentialsBody {
    username: String,
    password: String,
}

#[derive(Deserialize)]
pub struct RegisterBody {
    username: String,
    password: String,
    /// The token of an invitation link (`/register?invite=...`).
    #[serde(default)]
    invite: Option<String>,
}

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

pub async fn logout(mut auth: AuthSession) -> Result<StatusCode, AppError> {
    accounts::logout(&mut auth).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{post};
    OpenApiRouter::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/logout", post(logout))
}
