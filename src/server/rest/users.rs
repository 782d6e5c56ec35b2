//! `/api/users/profile`: who am I, and change my password.

use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::model::UserProfile;
use crate::server::auth::tokens::TokenUser;
use crate::server::auth::{accounts, AuthSession};
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Who you are
///
/// The session's account, or the personal access token's.
#[utoipa::path(get, path = "/api/users/profile", tag = "profile",
    responses((status = 200, body = UserProfile), Failures))]
pub async fn profile(
    token: Option<Extension<TokenUser>>,
    auth: AuthSession,
) -> Result<Json<UserProfile>, AppError> {
    if let Some(Extension(TokenUser(user))) = token {
        return Ok(Json(user.profile()));
    }
    Ok(Json(accounts::require_user(&auth)?.profile()))
}

/// `PUT /api/users/profile`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    current_password: String,
    /// 8 to 256 characters; not the one an admin set.
    new_password: String,
}

/// Change your password
///
/// Checks the current password (a wrong one is a 400 on
/// `current_password`; repeated ones are refused for a while, 429), stores
/// the new one and ends every other session of the account; this one stays
/// signed in. Works while an admin-set password waits to be replaced.
/// Needs the session cookie: a personal access token alone answers 401.
#[utoipa::path(put, path = "/api/users/profile", tag = "profile",
    request_body = PasswordChange,
    responses((status = 204, description = "Changed; your other sessions are ended"), Failures))]
pub async fn change_password(
    State(state): State<AppState>,
    mut auth: AuthSession,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    accounts::change_password(
        &state,
        &mut auth,
        &body.current_password,
        &body.new_password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(profile, change_password))
}
