//! `/api/config/models*`: admin-only model configuration.

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::provider::{ModelPatch, ModelView, NewModelInput};
use crate::server::actions::models;
use crate::server::auth::caller::Admin;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(input): ApiJson<NewModelInput>,
) -> Result<(StatusCode, Json<ModelView>), AppError> {
    let view = models::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn list_for_provider(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(provider_id): Id,
) -> Result<Json<Vec<ModelView>>, AppError> {
    Ok(Json(
        models::list_for_provider(&state, &caller, provider_id).await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(models::get(&state, &caller, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(patch): ApiJson<ModelPatch>,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(models::update(&state, &caller, id, patch).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    models::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn set_default(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(models::set_default(&state, &caller, id).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/config/models", post(create))
        .route("/api/config/models/provider/{id}", get(list_for_provider))
        .route("/api/config/models/{id}", get(self::get).put(update).delete(self::delete))
        .route("/api/config/models/{id}/set-default", post(set_default))
}
