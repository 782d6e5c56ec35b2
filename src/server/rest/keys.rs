//! `/api/keys*`: the caller's own providers (BYOK) and their models. Only
//! the owner ever sees one; anyone else's id is a 404.

use super::id::Id;
use super::json::{optional_body, ApiJson};
use super::openapi::Failures;
use crate::error::{AppError, ErrorBody};
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
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/keys", tag = "keys",
    summary = "Your own providers with their models",
    description = "Readable even while the admin has own keys off. Never the key itself.",
    responses((status = 200, body = Vec<OwnKey>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OwnKey>>, AppError> {
    Ok(Json(keys::list(&state, &caller).await?))
}

#[utoipa::path(post, path = "/api/keys", tag = "keys",
    summary = "Add a provider of your own",
    description = "While the admin has own keys off, this answers 403. The key is stored \
encrypted. A `base_url` that reaches a private address is a 400 unless the admin allows \
private addresses.",
    request_body = NewProviderInput,
    responses((status = 201, body = OwnKey),
        (status = 409, body = ErrorBody,
            description = "The name or slug is taken, or you have the most providers allowed"),
        Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewProviderInput>,
) -> Result<(StatusCode, Json<OwnKey>), AppError> {
    let key = keys::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(key)))
}

#[utoipa::path(get, path = "/api/keys/{id}", tag = "keys",
    summary = "One of your own providers with its models",
    params(("id" = i64, Path, description = "The provider's id")),
    responses((status = 200, body = OwnKey), Failures))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<OwnKey>, AppError> {
    Ok(Json(keys::get(&state, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/keys/{id}", tag = "keys",
    summary = "Change one of your own providers",
    description = "Absent fields stay as they are; `api_key: \"\"` clears the key, \
`base_url` or `image_url: \"\"` clear those. While the admin has own keys off, this \
answers 403.",
    params(("id" = i64, Path, description = "The provider's id")),
    request_body = ProviderPatch,
    responses((status = 200, body = OwnKey),
        (status = 409, body = ErrorBody, description = "Another provider has that name or slug"),
        Failures))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<ProviderPatch>,
) -> Result<Json<OwnKey>, AppError> {
    Ok(Json(keys::update(&state, &caller, id, patch).await?))
}

#[utoipa::path(delete, path = "/api/keys/{id}", tag = "keys",
    summary = "Delete one of your own providers and its models",
    description = "Threads that used its models keep their messages. Allowed even while \
the admin has own keys off.",
    params(("id" = i64, Path, description = "The provider's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    keys::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/keys/{id}/test", tag = "keys",
    summary = "Test one of your own providers' connection",
    description = "Lists the provider's models upstream. A provider fault is no error here: \
it answers 200 with `ok: false` and the provider's `error`. While the admin has own keys \
off, this answers 403.",
    params(("id" = i64, Path, description = "The provider's id")),
    responses((status = 200, body = ConnectionTest),
        (status = 409, body = ErrorBody, description = "The stored key cannot be decrypted"),
        Failures))]
pub async fn test(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ConnectionTest>, AppError> {
    Ok(Json(keys::test_connection(&state, &caller, id).await?))
}

/// No body (or `{}`) imports every upstream model.
#[utoipa::path(post, path = "/api/keys/{id}/import-models", tag = "keys",
    summary = "Import models from one of your own providers",
    description = "The body is optional: no body (or `{}`) imports every upstream model. \
Models already here are skipped; the imported ones are enabled. While the admin has own keys \
off, this answers 403.",
    params(("id" = i64, Path, description = "The provider's id")),
    request_body = Option<ImportRequest>,
    responses((status = 200, body = ImportResult),
        (status = 409, body = ErrorBody, description = "The stored key cannot be decrypted"),
        (status = 502, body = ErrorBody,
            description = "The provider could not list its models (its own words)"),
        Failures))]
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

#[utoipa::path(post, path = "/api/keys/{id}/models", tag = "keys",
    summary = "Add a model to one of your own providers",
    description = "The model starts enabled. While the admin has own keys off, this \
answers 403.",
    params(("id" = i64, Path, description = "The provider's id")),
    request_body = NewOwnModel,
    responses((status = 201, body = ModelView),
        (status = 409, body = ErrorBody, description = "The provider already has that model"),
        Failures))]
pub async fn add_model(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<NewOwnModel>,
) -> Result<(StatusCode, Json<ModelView>), AppError> {
    let model = keys::add_model(&state, &caller, id, input).await?;
    Ok((StatusCode::CREATED, Json(model)))
}

#[utoipa::path(put, path = "/api/keys/models/{id}", tag = "keys",
    summary = "Change a model of one of your own providers",
    description = "Absent fields stay as they are; a price set to `null` is removed. While \
the admin has own keys off, this answers 403.",
    params(("id" = i64, Path, description = "The model's id")),
    request_body = ModelPatch,
    responses((status = 200, body = ModelView),
        (status = 409, body = ErrorBody,
            description = "The provider already has a model with that id"),
        Failures))]
pub async fn update_model(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<ModelPatch>,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(keys::update_model(&state, &caller, id, patch).await?))
}

#[utoipa::path(delete, path = "/api/keys/models/{id}", tag = "keys",
    summary = "Delete a model of one of your own providers",
    description = "Allowed even while the admin has own keys off.",
    params(("id" = i64, Path, description = "The model's id")),
    responses((status = 204, description = "Deleted"), Failures))]
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
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update_model, delete_model))
        .routes(routes!(self::get, update, self::delete))
        .routes(routes!(add_model))
        .routes(routes!(test))
        .routes(routes!(import))
}
