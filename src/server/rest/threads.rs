//! `/api/conversations*`: the user's own threads (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::chat::{NewThread, ThreadPage, ThreadPatch, ThreadView};
use crate::server::actions::threads;
use crate::server::auth::caller::Caller;
use crate::server::rest::query::ApiQuery;
use crate::server::services::{thread_export, threads as thread_service};
use crate::server::site;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// How many threads, 1 to 100 (30 when absent).
    limit: Option<i64>,
    /// The previous page's `next_cursor`.
    before: Option<String>,
    /// A folder id, or `none` for threads outside every folder.
    folder: Option<String>,
    /// Only threads with this tag.
    tag: Option<String>,
    /// `true`: the archived threads instead of the others.
    archived: Option<bool>,
}

impl ListParams {
    fn filter(&self) -> Result<thread_service::Filter, AppError> {
        let folder = match self.folder.as_deref() {
            None | Some("") => None,
            Some("none") => Some(None),
            Some(id) => Some(Some(id.parse::<i64>().map_err(|_| {
                AppError::invalid("folder", "folder must be a folder id or none.")
            })?)),
        };
        Ok(thread_service::Filter {
            folder,
            tag: self.tag.clone().filter(|t| !t.trim().is_empty()),
            archived: self.archived.unwrap_or(false),
        })
    }
}

#[utoipa::path(get, path = "/api/conversations", tag = "threads",
    summary = "Your threads, pinned first, then the most recently changed",
    params(ListParams),
    responses((status = 200, body = ThreadPage), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ThreadPage>, AppError> {
    let filter = p.filter()?;
    Ok(Json(
        threads::list(&state, &caller, p.limit, p.before, filter).await?,
    ))
}

/// Create a thread
///
/// A new, empty thread. A thread is also what `POST /api/chat/stream`
/// sends into.
#[utoipa::path(post, path = "/api/conversations", tag = "threads",
    request_body = NewThread,
    responses((status = 201, body = ThreadView), Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewThread>,
) -> Result<(StatusCode, Json<ThreadView>), AppError> {
    let view = threads::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GetParams {
    /// `shown` (the default): the branch the thread shows. `all`: every
    /// version of every message, hidden ones marked.
    pub branches: Option<String>,
    /// Only the latest `limit` messages, 1 to 500 (before message `before`);
    /// the answer's `older` says where the next page back starts. Every
    /// message when absent, 50 when only `before` is given.
    pub limit: Option<i64>,
    /// A message id: only messages older than it.
    pub before: Option<i64>,
}

#[utoipa::path(get, path = "/api/conversations/{id}", tag = "threads",
    summary = "A thread and its messages",
    params(("id" = i64, Path, description = "The thread's id"), GetParams),
    responses((status = 200, body = ThreadView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<GetParams>,
) -> Result<Json<ThreadView>, AppError> {
    let branches = match q.branches.as_deref() {
        None | Some("shown") => thread_service::Branches::Shown,
        Some("all") => thread_service::Branches::All,
        Some(_) => {
            return Err(AppError::invalid(
                "branches",
                "branches must be shown or all.",
            ))
        }
    };
    let window = thread_service::Window {
        limit: q.limit.or(q.before.map(|_| thread_service::MESSAGES_PAGE)),
        before: q.before,
        after: None,
    };
    let mut view = threads::get_with(&state, &caller, id, branches, window).await?;
    site::fill_share_link(&mut view, &state.config, &headers);
    Ok(Json(view))
}

/// Show another version of a message
///
/// `POST /api/messages/{id}/select`: show that version of a message (and
/// what followed it); answers the thread.
#[utoipa::path(post, path = "/api/messages/{id}/select", tag = "threads",
    params(("id" = i64, Path, description = "The id of the version to show (one of a message's `versions`)")),
    responses(
        (status = 200, body = ThreadView),
        (status = 409, body = ErrorBody, description = "A reply is still being written in this thread"),
        Failures))]
pub async fn select_version(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ThreadView>, AppError> {
    Ok(Json(
        threads::select_version(&state, &caller, id, threads::Answer::Thread).await?,
    ))
}

/// Change a thread
///
/// Title, model settings, pin, folder, tags, archive: whatever the body
/// names. Pinning, filing, tagging or archiving does not move the thread
/// up the list.
#[utoipa::path(put, path = "/api/conversations/{id}", tag = "threads",
    params(("id" = i64, Path, description = "The thread's id")),
    request_body = ThreadPatch,
    responses((status = 200, body = ThreadView), Failures))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<ThreadPatch>,
) -> Result<Json<ThreadView>, AppError> {
    Ok(Json(threads::update(&state, &caller, id, patch).await?))
}

/// Delete a thread
///
/// The thread and its messages; a reply still being written is stopped.
#[utoipa::path(delete, path = "/api/conversations/{id}", tag = "threads",
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    threads::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `md` (the default) or `json`.
    format: Option<String>,
}

/// Download a thread
///
/// The thread as a Markdown or JSON download (the branch it shows), named
/// after its title.
#[utoipa::path(get, path = "/api/conversations/{id}/export", tag = "threads",
    params(("id" = i64, Path, description = "The thread's id"), ExportParams),
    responses(
        (status = 200, description = "An attachment: Markdown for `md`, the thread as JSON for `json`",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"{name}.md\" (or .json): the title in lowercase letters, digits and dashes, else `thread`")),
            content(
                (String = "text/markdown"),
                (ThreadView = "application/json"))),
        Failures))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<Response, AppError> {
    let view = threads::get(&state, &caller, id).await?;
    let stem = super::download::file_stem(&view.title, "thread");
    Ok(match p.format.as_deref().unwrap_or("md") {
        "md" => super::download::attachment(
            thread_export::markdown(&view),
            "text/markdown; charset=utf-8",
            &stem,
            "md",
        ),
        "json" => super::download::attachment(
            serde_json::to_string_pretty(&view).map_err(|_| AppError::Internal)?,
            "application/json",
            &stem,
            "json",
        ),
        _ => return Err(AppError::invalid("format", "format must be md or json.")),
    })
}

/// A thread's read-only link.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ShareLink {
    /// The link's secret: 64 hex digits.
    token: String,
    /// The path (`/s/{token}`).
    url: String,
    /// The link in full, to paste anywhere.
    link: String,
}

/// Share a thread
///
/// A read-only link to the thread (the same one if it is already shared).
/// Anyone with it can read the thread's messages, and nothing else of
/// yours.
#[utoipa::path(post, path = "/api/conversations/{id}/share", tag = "threads",
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 201, body = ShareLink), Failures))]
pub async fn share(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<ShareLink>), AppError> {
    let token = threads::share(&state, &caller, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(ShareLink {
            url: format!("/s/{token}"),
            link: site::share_link(&state.config, &headers, &token),
            token,
        }),
    ))
}

/// Stop sharing a thread
///
/// Revokes the link: it answers 404 from now on.
#[utoipa::path(delete, path = "/api/conversations/{id}/share", tag = "threads",
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 204, description = "The link no longer works"), Failures))]
pub async fn unshare(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    threads::unshare(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(self::get, update, self::delete))
        .routes(routes!(export))
        .routes(routes!(share, unshare))
        .routes(routes!(select_version))
}
