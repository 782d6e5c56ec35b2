//! `GET /api/export` (the caller's whole account as one JSON file) and
//! `POST /api/import` (such a file, added to the caller's account).

use super::openapi::Failures;
use crate::error::{AppError, ErrorBody};
use crate::model::archive::{Archive, ImportSummary};
use crate::server::actions::archive;
use crate::server::auth::caller::Caller;
use crate::server::services::archive_import;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The body limit of the import routes: the archive plus multipart framing.
pub const BODY_LIMIT: usize = archive_import::MAX_BYTES + 64 * 1024;

#[utoipa::path(get, path = "/api/export", tag = "archive",
    summary = "Download your whole account as one JSON file",
    description = "Folders, agents (your own), threads with every message, notes, prompts, \
backrooms, uploaded avatar images, and your uploaded pictures and documents (`files`, \
base64) with the messages and knowledge shelves that hold them. It holds no database ids, so it imports into any \
account with `POST /api/import`.",
    responses(
        (status = 200, description = "The archive, as a download named \
`backrooms-{user}-{date}.json`", body = Archive,
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"backrooms-{user}-{date}.json\"`"))),
        Failures
    ))]
pub async fn export(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let archive = archive::export(&state, &caller).await?;
    let body = serde_json::to_string_pretty(&archive).map_err(|e| {
        tracing::error!("serialising an export: {e}");
        AppError::Internal
    })?;
    let stem = format!(
        "backrooms-{}-{}",
        super::download::file_stem(&caller.name, "account"),
        crate::text::format::date(archive.exported_at)
    );
    Ok(super::download::attachment(
        body,
        "application/json",
        &stem,
        "json",
    ))
}

/// The archive is the request body (JSON).
#[utoipa::path(post, path = "/api/import", tag = "archive",
    summary = "Import an account export into your account",
    description = "Everything in the archive is added to your account; nothing is \
overwritten. The whole archive is checked before anything is written (a 400 names the bad \
field, e.g. `threads[2].messages[0].role`). Models this server does not have are replaced \
by the default model and listed in `unknown_models`. At most 200 MB.",
    request_body(content = Archive, content_type = "application/json"),
    responses(
        (status = 201, description = "What was added", body = ImportSummary),
        (status = 413, description = "The archive is larger than 200 MB (a body far past that may be \
refused before it is read, with a plain-text answer)", body = ErrorBody),
        Failures
    ))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportSummary>), AppError> {
    let summary = archive::import(&state, &caller, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// The uploaded file of a multipart form (field `file`), refused past the
/// import limit while it is still arriving.
pub(crate) async fn read_file(form: Multipart) -> Result<Vec<u8>, AppError> {
    let too_big = || AppError::PayloadTooLarge {
        message: format!(
            "An account export can be at most {} MB.",
            archive_import::MAX_BYTES / 1024 / 1024
        ),
    };
    let file = |f: &axum::extract::multipart::Field<'_>| f.name() == Some("file");
    match super::upload::file_field(form, file, archive_import::MAX_BYTES, too_big).await? {
        Some((_, bytes)) if !bytes.is_empty() => Ok(bytes),
        _ => Err(AppError::invalid(
            "file",
            "Choose an export file to import.",
        )),
    }
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::extract::DefaultBodyLimit;
    OpenApiRouter::new()
        .routes(routes!(export))
        .routes(routes!(import).layer(DefaultBodyLimit::max(BODY_LIMIT)))
}
