//! `/api/admin/settings`: instance-wide switches, admins only.

use super::json::ApiJson;
use crate::error::AppError;
use crate::model::AdminSettings;
use crate::server::auth::caller::Admin;
use crate::server::services::settings;
use crate::server::state::AppState;
use axum::extract::State;
use axum::Json;

pub async fn get_settings(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<AdminSettings>, AppError> {
    Ok(Json(state.db.run(settings::admin_settings).await?))
}

pub async fn put_settings(
    State(state): State<AppState>,
    _: Admin,
    ApiJson(body): ApiJson<AdminSettings>,
) -> Result<Json<AdminSettings>, AppError> {
    let updated = state
        .db
        .run(move |conn| settings::update_admin_settings(conn, &body))
        .await?;
    Ok(Json(updated))
}
