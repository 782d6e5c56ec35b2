//! `/api/config/providers*` and `/api/model-registry`. Writes are admin-only;
//! any signed-in user may read the registry.

use super::id::Id;
use super::json::{optional_body, ApiJson};
use crate::error::AppError;
use crate::model::provider::{
    ConnectionTest, ImportRequest, ImportResult, ModelRegistry, NewProviderInput, ProviderPatch,
    ProviderView,
};
use crate::server::actions::{models, providers};
use crate::server::auth::caller::{Admin, Caller};
use crate::server::rest::query::ApiQuery;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(input): ApiJson<NewProviderInput>,
) -> Result<(StatusCode, Json<ProviderView>), AppError> {
    let view = providers::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn list(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<Vec<ProviderView>>, AppError> {
    Ok(Json(providers::list(&state, &caller).await?))
}

pub async fn get(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ProviderView>, AppError> {
    Ok(Json(providers::get(&state, &caller, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(patch): ApiJson<ProviderPatch>,
) -> Result<Json<ProviderView>, AppError> {
    Ok(Json(providers::update(&state, &caller, id, patch).await?))
}

#[derive(Deserialize)]
pub struct DeleteParams {
    cascade: Option<String>,
}

pub async fn delete(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiQuery(params): ApiQuery<DeleteParams>,
) -> Result<StatusCode, AppError> {
    let cascade = matches!(params.cascade.as_deref(), Some("true" | "1"));
    providers::delete(&state, &caller, id, cascade).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn test(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ConnectionTest>, AppError> {
    Ok(Json(providers::test_connection(&state, &caller, id).await?))
}

/// The body is optional: no body (or `{}`) imports every upstream model.
pub async fn import(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportResult>, AppError> {
    let req: ImportRequest = optional_body(&headers, &body)?;
    Ok(Json(
        providers::import_models(&state, &caller, id, req).await?,
    ))
}

pub async fn registry(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ModelRegistry>, AppError> {
    Ok(Json(models::registry(&state, &caller).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/config/providers", post(create).get(list))
        .route("/api/config/providers/{id}", get(self::get).put(update).delete(self::delete))
        .route("/api/config/providers/{id}/test", post(test))
        .route("/api/config/providers/{id}/import-models", post(import))
        .route("/api/model-registry", get(registry))
}
