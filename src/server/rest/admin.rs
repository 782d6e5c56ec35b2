//! `/api/admin/settings`: instance-wide switches, admins only.

use super::json::ApiJson;
use crate::error::AppError;
use crate::model::AdminSettings;
use crate::server::actions::admin;
use crate::server::auth::caller::Admin;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;

pub async fn get_settings(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(admin::settings(&state, &caller).await?))
}

pub async fn put_settings(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(body): ApiJson<AdminSettings>,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(admin::save_settings(&state, &caller, body).await?))
}
