//! `/api/agents*`, `/api/agent-templates` and the avatar images.

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::agent::{AgentInput, AgentPatch, AgentTemplate, AgentView};
use crate::server::actions::agents;
use crate::server::auth::caller::Caller;
use crate::server::services::avatars;
use crate::server::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use utoipa_axum::router::OpenApiRouter;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AgentView>>, AppError> {
    Ok(Json(agents::list(&state, &caller).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<AgentInput>,
) -> Result<(StatusCode, Json<AgentView>), AppError> {
    let view = agents::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<AgentView>, AppError> {
    Ok(Json(agents::get(&state, &caller, id).await?))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<AgentPatch>,
) -> Result<Json<AgentView>, AppError> {
    Ok(Json(agents::update(&state, &caller, id, patch).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    agents::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn duplicate(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<(StatusCode, Json<AgentView>), AppError> {
    let view = agents::duplicate(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The first file in a multipart body, read up to the avatar limit.
pub async fn read_image(mut form: Multipart) -> Result<Vec<u8>, AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            avatars::too_big()
        } else {
            AppError::bad_request("The upload could not be read as multipart/form-data.")
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        if field.file_name().is_none() && field.name() != Some("avatar") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > avatars::MAX_BYTES {
                return Err(avatars::too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(AppError::invalid(
        "avatar",
        "Attach the image as a file field named avatar.",
    ))
}

/// `multipart/form-data` with the image in a file field (named `avatar`).
pub async fn upload_avatar(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<AgentView>, AppError> {
    // Refuse someone else's id before reading their upload.
    agents::may_set_avatar(&state, &caller, id).await?;
    let form = form.map_err(|_| AppError::UnsupportedMediaType {
        message: "Send the image as multipart/form-data.".into(),
    })?;
    let bytes = read_image(form).await?;
    Ok(Json(agents::set_avatar(&state, &caller, id, bytes).await?))
}

pub async fn templates(caller: Caller) -> Result<Json<Vec<AgentTemplate>>, AppError> {
    Ok(Json(agents::templates(&caller)))
}

/// An avatar image, to any signed-in user. Its id changes with every
/// upload, so it can be cached for good.
pub async fn avatar_image(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (content_type, data) = agents::avatar_image(&state, &caller, id).await?;
    let mut res = data.into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::extract::DefaultBodyLimit;
        use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/agents", get(list).post(create))
        .route("/api/agents/{id}", get(self::get).put(update).delete(self::delete))
        .route("/api/agents/{id}/duplicate", post(duplicate))
        .route(
            "/api/agents/{id}/avatar",
            post(upload_avatar).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)),
        )
        .route("/api/agent-templates", get(templates))
        .route("/avatars/{id}", get(avatar_image))
}
