//! `/api/conversations*`: the user's own threads (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
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

#[derive(Deserialize)]
pub struct ListParams {
    limit: Option<i64>,
    before: Option<String>,
    /// A folder id, or `none` for threads outside every folder.
    folder: Option<String>,
    tag: Option<String>,
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

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewThread>,
) -> Result<(StatusCode, Json<ThreadView>), AppError> {
    let view = threads::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize)]
pub struct GetParams {
    /// `all`: every version of every message, hidden ones marked.
    pub branches: Option<String>,
    /// Only the latest `limit` messages (before message `before`); the
    /// answer's `older` says where the next page back starts.
    pub limit: Option<i64>,
    pub before: Option<i64>,
}

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

/// `POST /api/messages/{id}/select`: show that version of a message (and
/// what followed it); answers the thread.
pub async fn select_version(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<ThreadView>, AppError> {
    Ok(Json(
        threads::select_version(&state, &caller, id, threads::Answer::Thread).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(patch): ApiJson<ThreadPatch>,
) -> Result<Json<ThreadView>, AppError> {
    Ok(Json(threads::update(&state, &caller, id, patch).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    threads::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
}

/// The thread as a Markdown or JSON download.
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

#[derive(Serialize)]
pub struct ShareLink {
    token: String,
    /// The path (`/s/{token}`).
    url: String,
    /// The link in full, to paste anywhere.
    link: String,
}

/// A read-only link to the thread (the same one if it is already shared).
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

/// Revokes the link: it answers 404 from now on.
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
    use axum::routing::{get, post, put, delete};
    OpenApiRouter::new()
        .route("/api/conversations", get(list).post(create))
        .route("/api/conversations/{id}", get(self::get).put(update).delete(self::delete))
        .route("/api/conversations/{id}/export", get(export))
        .route("/api/conversations/{id}/share", post(share).delete(unshare))
        .route("/api/messages/{id}/select", post(select_version))
}
