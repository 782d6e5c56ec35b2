//! `/api/config/providers*` and `/api/model-registry`. Writes are admin-only;
//! any signed-in user may read the registry.

use super::id::Id;
use super::json::{optional_body, ApiJson};
use crate::error::AppError;
use crate::model::provider::{
    ConnectionTest, ImportRequest, ImportResult, ModelRegistry, NewProviderInput, ProviderPatch,
    ProviderView,
};
use crate::server::auth::caller::{Admin, Caller};
use crate::server::llm::upstream;
use crate::server::rest::query::ApiQuery;
use crate::server::services::{models, providers};
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;

pub async fn create(
    State(state): State<AppState>,
    _: Admin,
    ApiJson(input): ApiJson<NewProviderInput>,
) -> Result<(StatusCode, Json<ProviderView>), AppError> {
    let cipher = state.cipher.clone();
    let view = state
        .db
        .run(move |conn| providers::create(conn, &cipher, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<ProviderView>>, AppError> {
    let cipher = state.cipher.clone();
    Ok(Json(
        state
            .db
            .run(move |conn| providers::list(conn, &cipher))
            .await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
) -> Result<Json<ProviderView>, AppError> {
    let cipher = state.cipher.clone();
    Ok(Json(
        state
            .db
            .run(move |conn| providers::get(conn, &cipher, id))
            .await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
    ApiJson(patch): ApiJson<ProviderPatch>,
) -> Result<Json<ProviderView>, AppError> {
    let cipher = state.cipher.clone();
    Ok(Json(
        state
            .db
            .run(move |conn| providers::update(conn, &cipher, id, &patch))
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct DeleteParams {
    cascade: Option<String>,
}

pub async fn delete(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> Result<StatusCode, AppError> {
    let cascade = matches!(params.cascade.as_deref(), Some("true" | "1"));
    state
        .db
        .run(move |conn| providers::delete(conn, id, cascade))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn test(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
) -> Result<Json<ConnectionTest>, AppError> {
    Ok(Json(upstream::test_connection(&state, id).await?))
}

/// The body is optional: no body (or `{}`) imports every upstream model.
pub async fn import(
    State(state): State<AppState>,
    _: Admin,
    Id(id): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportResult>, AppError> {
    let req: ImportRequest = optional_body(&headers, &body)?;
    Ok(Json(upstream::import_models(&state, id, req).await?))
}

pub async fn registry(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ModelRegistry>, AppError> {
    Ok(Json(state.db.run(models::registry).await?))
}
