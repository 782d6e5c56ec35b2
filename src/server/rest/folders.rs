//! `/api/folders*`: the caller's folders (others' ids answer 404). Threads
//! move in and out with `PUT /api/conversations/{id}` `{"folder_id": …}`.

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::folder::{FolderInput, FolderView};
use crate::server::actions::folders;
use crate::server::auth::caller::Caller;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<FolderView>>, AppError> {
    Ok(Json(folders::list(&state, &caller).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<FolderInput>,
) -> Result<(StatusCode, Json<FolderView>), AppError> {
    let folder = folders::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(folder)))
}

pub async fn rename(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(input): ApiJson<FolderInput>,
) -> Result<Json<FolderView>, AppError> {
    Ok(Json(folders::rename(&state, &caller, id, input).await?))
}

/// Its threads move out of it; none is deleted.
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
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/folders", get(list).post(create))
        .route("/api/folders/{id}", put(rename).delete(self::delete))
}
