//! `/api/config/providers*` and `/api/model-registry`. Writes are admin-only;
//! any signed-in user may read the registry.

use super::id::Id;
use super::json::{optional_body, ApiJson};
use super::openapi::Failures;
use crate::error::{AppError, ErrorBody};
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
use utoipa_axum::routes;

#[utoipa::path(post, path = "/api/config/providers", tag = "config",
    summary = "Add a provider (admin)",
    description = "The API key is stored encrypted and never answered back.",
    request_body = NewProviderInput,
    responses((status = 201, body = ProviderView),
        (status = 409, body = ErrorBody, description = "A provider with that name or slug exists"),
        Failures))]
pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(input): ApiJson<NewProviderInput>,
) -> Result<(StatusCode, Json<ProviderView>), AppError> {
    let view = providers::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/config/providers", tag = "config",
    summary = "Every shared provider (admin)",
    responses((status = 200, body = Vec<ProviderView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<Vec<ProviderView>>, AppError> {
    Ok(Json(providers::list(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/config/providers/{id}", tag = "config",
    summary = "One provider (admin)",
    params(("id" = i64, Path, description = "The provider's id")),
    responses((status = 200, body = ProviderView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ProviderView>, AppError> {
    Ok(Json(providers::get(&state, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/config/providers/{id}", tag = "config",
    summary = "Change a provider (admin)",
    description = "Absent fields stay as they are; `api_key: \"\"` clears the key, \
`base_url` or `image_url: \"\"` clear those.",
    params(("id" = i64, Path, description = "The provider's id")),
    request_body = ProviderPatch,
    responses((status = 200, body = ProviderView),
        (status = 409, body = ErrorBody, description = "Another provider has that name or slug"),
        Failures))]
pub async fn update(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(patch): ApiJson<ProviderPatch>,
) -> Result<Json<ProviderView>, AppError> {
    Ok(Json(providers::update(&state, &caller, id, patch).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// `true` or `1`: delete its models too.
    cascade: Option<String>,
}

#[utoipa::path(delete, path = "/api/config/providers/{id}", tag = "config",
    summary = "Delete a provider (admin)",
    params(("id" = i64, Path, description = "The provider's id"), DeleteParams),
    responses((status = 204, description = "Deleted"),
        (status = 409, body = ErrorBody,
            description = "It still has models and `cascade` was not `true`"),
        Failures))]
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

#[utoipa::path(post, path = "/api/config/providers/{id}/test", tag = "config",
    summary = "Test a provider's connection (admin)",
    description = "Lists the provider's models upstream. A provider fault is no error here: \
it answers 200 with `ok: false` and the provider's `error`.",
    params(("id" = i64, Path, description = "The provider's id")),
    responses((status = 200, body = ConnectionTest),
        (status = 409, body = ErrorBody, description = "The stored key cannot be decrypted"),
        Failures))]
pub async fn test(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ConnectionTest>, AppError> {
    Ok(Json(providers::test_connection(&state, &caller, id).await?))
}

/// The body is optional: no body (or `{}`) imports every upstream model.
#[utoipa::path(post, path = "/api/config/providers/{id}/import-models", tag = "config",
    summary = "Import models from the provider (admin)",
    description = "The body is optional: no body (or `{}`) imports every upstream model. \
Models already here are skipped; the imported ones are enabled.",
    params(("id" = i64, Path, description = "The provider's id")),
    request_body = Option<ImportRequest>,
    responses((status = 200, body = ImportResult),
        (status = 409, body = ErrorBody, description = "The stored key cannot be decrypted"),
        (status = 502, body = ErrorBody,
            description = "The provider could not list its models (its own words)"),
        Failures))]
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

#[utoipa::path(get, path = "/api/model-registry", tag = "config",
    summary = "The models you may pick",
    description = "Any signed-in user: the enabled shared providers, then your own keys \
(while the admin allows them), each with its enabled models, and the global default.",
    responses((status = 200, body = ModelRegistry), Failures))]
pub async fn registry(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ModelRegistry>, AppError> {
    Ok(Json(models::registry(&state, &caller).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(self::get, update, self::delete))
        .routes(routes!(test))
        .routes(routes!(import))
        .routes(routes!(registry))
}
