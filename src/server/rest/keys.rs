//! `/api/keys*`: the caller's own providers (BYOK) and their models. Only
//! the owner ever sees one; anyone else's id is a 404.

use super::id::Id;
use super::json::{optional_body, ApiJson};
use crate::error::AppError;
use crate::model::provider::{
    ConnectionTest, ImportRequest, ImportResult, ModelPatch, ModelView, NewOwnModel,
    NewProviderInput, OwnKey, ProviderPatch,
};
use crate::server::actions::keys;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OwnKey>>, AppError> {
    Ok(Json(keys::list(&state, &caller).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewProviderInput>,
) -> Result<(StatusCode, Json<OwnKey>), AppError> {
    let key = keys::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(key)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<OwnKey>, AppError> {
    Ok(Json(keys::get(&state, &caller, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<ProviderPatch>,
) -> Result<Json<OwnKey>, AppError> {
    Ok(Json(keys::update(&state, &caller, id, patch).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    keys::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn test(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ConnectionTest>, AppError> {
    Ok(Json(keys::test_connection(&state, &caller, id).await?))
}

/// No body (or `{}`) imports every upstream model.
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportResult>, AppError> {
    let req: ImportRequest = optional_body(&headers, &body)?;
    Ok(Json(keys::import_models(&state, &caller, id, req).await?))
}

pub async fn add_model(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<NewOwnModel>,
) -> Result<(StatusCode, Json<ModelView>), AppError> {
    let model = keys::add_model(&state, &caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(model)))
}

pub async fn update_model(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<ModelPatch>,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(keys::update_model(&state, &caller, id, patch).await?))
}

pub async fn delete_model(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    keys::delete_model(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/keys", get(list).post(create))
        .route("/api/keys/models/{id}", put(update_model).delete(delete_model))
        .route("/api/keys/{id}", get(self::get).put(update).delete(self::delete))
        .route("/api/keys/{id}/models", post(add_model))
        .route("/api/keys/{id}/test", post(test))
        .route("/api/keys/{id}/import-models", post(import))
}
