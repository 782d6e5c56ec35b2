//! `/api/folders*`: the caller's folders (others' ids answer 404). Threads
//! move in and out with `PUT /api/conversations/{id}` `{"folder_id": …}`.

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::folder::{FolderInput, FolderView};
use crate::server::actions::folders;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/folders", tag = "library",
    summary = "Your folders, by name",
    responses((status = 200, body = Vec<FolderView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<FolderView>>, AppError> {
    Ok(Json(folders::list(&state, &caller).await?))
}

/// Create a folder
///
/// Threads go in with `PUT /api/conversations/{id}` `{"folder_id": ...}`.
#[utoipa::path(post, path = "/api/folders", tag = "library",
    request_body = FolderInput,
    responses(
        (status = 201, body = FolderView),
        (status = 409, body = ErrorBody, description = "You already have 200 folders"),
        Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<FolderInput>,
) -> Result<(StatusCode, Json<FolderView>), AppError> {
    let folder = folders::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(folder)))
}

#[utoipa::path(put, path = "/api/folders/{id}", tag = "library",
    summary = "Rename a folder",
    params(("id" = i64, Path, description = "The folder's id")),
    request_body = FolderInput,
    responses((status = 200, body = FolderView), Failures))]
pub async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<FolderInput>,
) -> Result<Json<FolderView>, AppError> {
    Ok(Json(folders::rename(&state, &caller, id, input).await?))
}

/// Delete a folder
///
/// Its threads move out of it; none is deleted.
#[utoipa::path(delete, path = "/api/folders/{id}", tag = "library",
    params(("id" = i64, Path, description = "The folder's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    folders::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(rename, self::delete))
}
