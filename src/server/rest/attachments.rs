//! `/api/attachments*`: uploading a picture or document, reading it back
//! and deleting it (the uploader's own; anyone else gets 404).

use super::id::Id;
use super::openapi::Failures;
use crate::error::{AppError, ErrorBody};
use crate::model::attachment::AttachmentView;
use crate::server::actions::attachments;
use crate::server::auth::caller::Caller;
use crate::server::services::attachments::{DOCUMENT_MAX, UPLOAD_LIMIT};
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The multipart form of an upload.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct AttachmentUpload {
    /// The file. Its type is read from its bytes, never from its name.
    #[schema(value_type = String, format = Binary)]
    file: String,
}

fn too_large() -> AppError {
    AppError::PayloadTooLarge {
        message: format!("A file is larger than {} MB.", DOCUMENT_MAX / 1024 / 1024),
    }
}

/// The `file` field's name and bytes.
async fn read_file(form: Multipart) -> Result<(String, Vec<u8>), AppError> {
    let file = |f: &axum::extract::multipart::Field<'_>| f.name() == Some("file");
    super::upload::file_field(form, file, DOCUMENT_MAX, too_large)
        .await?
        .ok_or_else(|| AppError::invalid("file", "Attach the file as a form field named file."))
}

/// Upload a picture or a document
///
/// Pictures (PNG, JPEG, WebP, GIF; at most 10 MB) are scaled to at most
/// 2048 px on a side and stored without their metadata (EXIF). Documents
/// (PDF, text, Markdown, code, CSV, JSON, HTML; at most 20 MB) are stored
/// with their text, which goes into the prompt of the message they are
/// sent with. The type is read from the content. All of an account's
/// files together may take 500 MB. An upload no message uses is removed
/// after a day.
#[utoipa::path(post, path = "/api/attachments", tag = "chat",
    request_body(content_type = "multipart/form-data", content = AttachmentUpload),
    responses(
        (status = 201, body = AttachmentView, description = "Stored; send its id in `attachments`"),
        (status = 413, body = ErrorBody, description = "Over the size limit of its kind, or over the account's storage quota"),
        (status = 415, body = ErrorBody, description = "The body is not multipart/form-data"),
        Failures
    ))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<AttachmentView>), AppError> {
    let form = form.map_err(|_| AppError::UnsupportedMediaType {
        message: "Send the file as multipart/form-data.".into(),
    })?;
    let (name, bytes) = read_file(form).await?;
    let view = attachments::upload(&state, &caller, name, bytes).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/attachments/{id}?share=…`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// The token of a share link (`/s/{token}`) of the thread the file
    /// went out with: read it without signing in.
    share: Option<String>,
}

/// One of your attachments, as stored
///
/// A picture as its scaled image, a document as uploaded. Someone else's
/// id answers 404. With `share`, anyone with a thread's share link reads
/// the files of the messages that link shows (404 for any other file, and
/// once the link is revoked).
#[utoipa::path(get, path = "/api/attachments/{id}", tag = "chat",
    params(("id" = i64, Path, description = "The attachment's id"), ReadQuery),
    responses(
        (status = 200, description = "The file, with its type and `Content-Disposition` (inline for pictures; documents download, since the page's sandboxing would stop a browser's PDF viewer)",
            content(("image/png"), ("image/jpeg"), ("application/pdf"), ("text/plain"))),
        Failures
    ))]
pub async fn get(
    State(state): State<AppState>,
    caller: Result<Caller, AppError>,
    Id(id): Id,
    super::query::ApiQuery(q): super::query::ApiQuery<ReadQuery>,
) -> Result<Response, AppError> {
    let shared = q.share.is_some();
    let (a, data) = match q.share {
        Some(token) => attachments::read_shared(&state, token, id).await?,
        None => attachments::read(&state, &caller?, id).await?,
    };
    // Text-like files go as plain text: an uploaded HTML page never runs
    // as this site's page.
    let mime = match a.mime.as_str() {
        m if m.starts_with("image/") || m == "application/pdf" => m,
        _ => "text/plain; charset=utf-8",
    };
    // Through a link, asked again each time: a revoked link stops at once.
    let cache = if shared {
        "private, no-cache"
    } else {
        "private, max-age=86400"
    };
    let mut res = super::download::stored(data, mime, cache);
    // Files are served sandboxed, where browsers refuse to run their PDF
    // viewer: documents download, pictures show.
    let inline = a.mime.starts_with("image/");
    let ascii: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"",
        if inline { "inline" } else { "attachment" }
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Delete one of your attachments
///
/// A message it went out with keeps its text; the file is gone from it.
#[utoipa::path(delete, path = "/api/attachments/{id}", tag = "chat",
    params(("id" = i64, Path, description = "The attachment's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    attachments::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/agents/{id}/knowledge`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Shelve {
    /// One of your documents (`POST /api/attachments`).
    attachment_id: i64,
}

/// An agent's knowledge shelf
///
/// Your documents this agent searches in every thread with it, oldest
/// first. Only the agent's owner sees or changes its shelf.
#[utoipa::path(get, path = "/api/agents/{id}/knowledge", tag = "agents",
    params(("id" = i64, Path, description = "The agent's id")),
    responses((status = 200, body = Vec<AttachmentView>), Failures))]
pub async fn knowledge(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<Vec<AttachmentView>>, AppError> {
    Ok(Json(attachments::knowledge(&state, &caller, id).await?))
}

/// Put a document on an agent's shelf
///
/// At most 50 files a shelf; pictures have no text to search and answer
/// 400. Answers the whole shelf.
#[utoipa::path(post, path = "/api/agents/{id}/knowledge", tag = "agents",
    params(("id" = i64, Path, description = "The agent's id")),
    request_body = Shelve,
    responses((status = 201, body = Vec<AttachmentView>), Failures))]
pub async fn shelve(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    super::json::ApiJson(body): super::json::ApiJson<Shelve>,
) -> Result<(StatusCode, Json<Vec<AttachmentView>>), AppError> {
    let shelf = attachments::shelve(&state, &caller, id, body.attachment_id).await?;
    Ok((StatusCode::CREATED, Json(shelf)))
}

/// Take a document off an agent's shelf
///
/// The file itself stays while a message still has it.
#[utoipa::path(delete, path = "/api/agents/{id}/knowledge/{attachment_id}", tag = "agents",
    params(
        ("id" = i64, Path, description = "The agent's id"),
        ("attachment_id" = i64, Path, description = "The attachment's id")
    ),
    responses((status = 204, description = "Off the shelf"), Failures))]
pub async fn unshelve(
    State(state): State<AppState>,
    caller: Caller,
    super::id::Ids(id, attachment): super::id::Ids,
) -> Result<StatusCode, AppError> {
    attachments::unshelve(&state, &caller, id, attachment).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .routes(routes!(self::get, self::delete))
        .routes(routes!(knowledge, shelve))
        .routes(routes!(unshelve))
}
