//! `/api/config/models*`: admin-only model configuration.

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::{AppError, ErrorBody};
use crate::model::provider::{ModelPatch, ModelView, NewModelInput};
use crate::server::actions::models;
use crate::server::auth::caller::Admin;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(post, path = "/api/config/models", tag = "config",
    summary = "Add a model to a shared provider (admin)",
    description = "`model_sdk_id` may be the upstream id alone (`gpt-4o-mini`) or already \
prefixed with the provider's slug (`openai:gpt-4o-mini`).",
    request_body = NewModelInput,
    responses((status = 201, body = ModelView),
        (status = 409, body = ErrorBody, description = "The provider already has that model"),
        Failures))]
pub async fn create(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(input): ApiJson<NewModelInput>,
) -> Result<(StatusCode, Json<ModelView>), AppError> {
    let view = models::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/config/models/provider/{id}", tag = "config",
    summary = "A shared provider's models (admin)",
    params(("id" = i64, Path, description = "The provider's id")),
    responses((status = 200, body = Vec<ModelView>), Failures))]
pub async fn list_for_provider(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(provider_id): Id,
) -> Result<Json<Vec<ModelView>>, AppError> {
    Ok(Json(
        models::list_for_provider(&state, &caller, provider_id).await?,
    ))
}

#[utoipa::path(get, path = "/api/config/models/{id}", tag = "config",
    summary = "One model (admin)",
    params(("id" = i64, Path, description = "The model's id")),
    responses((status = 200, body = ModelView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(models::get(&state, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/config/models/{id}", tag = "config",
    summary = "Change a model: name, id, enabled, prices (admin)",
    description = "Absent fields stay as they are; a price set to `null` is removed.",
    params(("id" = i64, Path, description = "The model's id")),
    request_body = ModelPatch,
    responses((status = 200, body = ModelView),
        (status = 409, body = ErrorBody,
            description = "The provider already has a model with that id"),
        Failures))]
pub async fn update(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
    ApiJson(patch): ApiJson<ModelPatch>,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(models::update(&state, &caller, id, patch).await?))
}

#[utoipa::path(delete, path = "/api/config/models/{id}", tag = "config",
    summary = "Delete a model (admin)",
    params(("id" = i64, Path, description = "The model's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    models::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/config/models/{id}/set-default", tag = "config",
    summary = "Make a model the default for new threads (admin)",
    params(("id" = i64, Path, description = "The model's id")),
    responses((status = 200, body = ModelView),
        (status = 409, body = ErrorBody,
            description = "The model or its provider is disabled"),
        Failures))]
pub async fn set_default(
    State(state): State<AppState>,
    Admin(caller): Admin,
    Id(id): Id,
) -> Result<Json<ModelView>, AppError> {
    Ok(Json(models::set_default(&state, &caller, id).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(list_for_provider))
        .routes(routes!(self::get, update, self::delete))
        .routes(routes!(set_default))
}
