//! `/api/agents*`, `/api/agent-templates` and the avatar images.

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::agent::{AgentInput, AgentPatch, AgentTemplate, AgentView};
use crate::server::actions::agents;
use crate::server::auth::caller::Caller;
use crate::server::services::avatars;
use crate::server::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/agents", tag = "agents",
    summary = "Your agents, then those shared with everyone",
    description = "Your own agents (oldest first), then the agents an admin shared with \
everyone (`mine: false`: usable and duplicable, not editable).",
    responses((status = 200, body = Vec<AgentView>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AgentView>>, AppError> {
    Ok(Json(agents::list(&state, &caller).await?))
}

#[utoipa::path(post, path = "/api/agents", tag = "agents",
    summary = "Create an agent",
    description = "Only `name` is required. `shared: true` is for admins (400 otherwise); \
`model_id` must be a model you can use.",
    request_body = AgentInput,
    responses((status = 201, body = AgentView), Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<AgentInput>,
) -> Result<(StatusCode, Json<AgentView>), AppError> {
    let view = agents::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/agents/{id}", tag = "agents",
    summary = "One agent (yours or a shared one)",
    params(("id" = i64, Path, description = "The agent's id")),
    responses((status = 200, body = AgentView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<AgentView>, AppError> {
    Ok(Json(agents::get(&state, &caller, id).await?))
}

#[utoipa::path(put, path = "/api/agents/{id}", tag = "agents",
    summary = "Change an agent (absent fields stay)",
    description = "Only the owner can change an agent: a shared agent of someone else \
answers 403. `model_id: null` means the default model, `max_tokens: null` the model's own \
limit.",
    params(("id" = i64, Path, description = "The agent's id")),
    request_body = AgentPatch,
    responses((status = 200, body = AgentView), Failures))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<AgentPatch>,
) -> Result<Json<AgentView>, AppError> {
    Ok(Json(agents::update(&state, &caller, id, patch).await?))
}

#[utoipa::path(delete, path = "/api/agents/{id}", tag = "agents",
    summary = "Delete an agent",
    description = "Threads that used the agent stay, as plain threads; backrooms keep their \
snapshot of it. Someone else's shared agent answers 403.",
    params(("id" = i64, Path, description = "The agent's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    agents::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/agents/{id}/duplicate", tag = "agents",
    summary = "Copy an agent into your own (private) agents",
    description = "Works on your own agents and on shared ones; the copy is named \
\"… (copy)\" and is not shared.",
    params(("id" = i64, Path, description = "The agent to copy")),
    responses((status = 201, body = AgentView), Failures))]
pub async fn duplicate(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<(StatusCode, Json<AgentView>), AppError> {
    let view = agents::duplicate(&state, &caller, id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The first file in a multipart body, read up to the avatar limit.
pub(crate) async fn read_image(form: Multipart) -> Result<Vec<u8>, AppError> {
    let image = |f: &axum::extract::multipart::Field<'_>| {
        f.file_name().is_some() || f.name() == Some("avatar")
    };
    match super::upload::file_field(form, image, avatars::MAX_BYTES, avatars::too_big).await? {
        Some((_, bytes)) => Ok(bytes),
        None => Err(AppError::invalid(
            "avatar",
            "Attach the image as a file field named avatar.",
        )),
    }
}

/// The multipart form of an agent's avatar upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AgentAvatarUpload {
    /// A PNG, JPEG, WebP or GIF image of at most 512 KB (the first file field
    /// of the form is taken; a non-file field must be named `avatar`).
    #[schema(value_type = String, format = Binary)]
    avatar: String,
}

/// Upload an agent's avatar image
///
/// `multipart/form-data` with the image in a file field (named `avatar`).
/// The image's type is read from its bytes; the agent's `avatar` becomes
/// its URL (`/avatars/...`).
#[utoipa::path(post, path = "/api/agents/{id}/avatar", tag = "agents",
    params(("id" = i64, Path, description = "The agent's id (your own)")),
    request_body(content_type = "multipart/form-data", content = AgentAvatarUpload),
    responses(
        (status = 200, body = AgentView),
        (status = 413, description = "The image is larger than 512 KB", body = ErrorBody),
        (status = 415, description = "The body is not multipart/form-data", body = ErrorBody),
        Failures
    ))]
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

#[utoipa::path(get, path = "/api/agent-templates", tag = "agents",
    summary = "Built-in starting points for a new agent",
    responses((status = 200, body = Vec<AgentTemplate>), Failures))]
pub async fn templates(caller: Caller) -> Result<Json<Vec<AgentTemplate>>, AppError> {
    Ok(Json(agents::templates(&caller)))
}

/// An uploaded avatar image
///
/// An avatar image, to any signed-in user. Its id changes with every
/// upload, so it can be cached for good.
#[utoipa::path(get, path = "/avatars/{id}", tag = "agents",
    params(("id" = String, Path, description = "The image id: the 32 hex digits at the end of \
an agent's `avatar` URL")),
    responses(
        (status = 200, description = "The image, as its bytes are (served with \
`Cache-Control: private, max-age=31536000, immutable`)",
            content(("image/png"), ("image/jpeg"), ("image/webp"), ("image/gif"))),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The account must choose a new password first", body = ErrorBody),
        (status = 404, description = "No such image", body = ErrorBody)
    ))]
pub async fn avatar_image(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (content_type, data) = agents::avatar_image(&state, &caller, id).await?;
    Ok(super::download::stored(
        data,
        &content_type,
        "private, max-age=31536000, immutable",
    ))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::extract::DefaultBodyLimit;
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(self::get, update, self::delete))
        .routes(routes!(duplicate))
        .routes(routes!(upload_avatar).layer(DefaultBodyLimit::max(super::UPLOAD_LIMIT)))
        .routes(routes!(templates))
        .routes(routes!(avatar_image))
}
