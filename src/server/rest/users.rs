//! `/api/users/profile`: who am I, and change my password.

use super::json::ApiJson;
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

/// The session's account, or the personal access token's.
pub async fn profile(
    token: Option<Extension<TokenUser>>,
    auth: AuthSession,
) -> Result<Json<UserProfile>, AppError> {
    if let Some(Extension(TokenUser(user))) = token {
        return Ok(Json(user.profile()));
    }
    Ok(Json(accounts::require_user(&auth)?.profile()))
}

#[derive(Deserialize)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

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
    use axum::routing::{get, put};
    OpenApiRouter::new()
        .route("/api/users/profile", get(profile).put(change_password))
}
