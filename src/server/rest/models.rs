//! `/api/config/models*`: admin-only model configuration.

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::provider::{ModelPatch, ModelView, NewModelInput};
use crate::server::auth::caller::Admin;
use crate::server::services::models;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub async fn create(
    State(state): State<AppState>,
    _: Admin,
    ApiJson(input): ApiJson<NewModelInput>,
) -> Result<(StatusCode, Json<ModelView>), AppError> {
    let view = state
        .db
        .run(move |conn| models::create(conn, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn list_for_provider(
    State(state): State<AppState>,
    _: Admin,
    Id(provider_id): Id,
) -> Result<Json<Vec<ModelView>>, AppError> {
    Ok(Json(
        state
            .db
            .run(move |conn| models::list_for_provider(conn, provider_id))
            .await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(state.db.run(move |conn| models::get(conn, id)).await?))
}

pub async fn update(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
    ApiJson(patch): ApiJson<ModelPatch>,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(
        state
            .db
            .run(move |conn| models::update(conn, id, &patch))
            .await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    state.db.run(move |conn| models::delete(conn, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn set_default(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(
        state
            .db
            .run(move |conn| models::set_default(conn, id))
            .await?,
    ))
}
