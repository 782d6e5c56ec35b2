//! Sending messages and following replies: `POST /api/chat/stream` (SSE),
//! `POST /api/chat/complete`, `GET /api/messages/{id}/events` (resume with
//! `Last-Event-ID`), stop, regenerate and edit (both add a version).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::chat::{ChatSend, CompleteReply, Frame};
use crate::server::actions::chat;
use crate::server::auth::caller::Caller;
use crate::server::rest::query::ApiQuery;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::Json;
use futures::stream::{BoxStream, Stream};
use serde::Deserialize;
use std::convert::Infallible;
use utoipa_axum::router::OpenApiRouter;

/// A reply's frames: unnamed events, the id is the byte offset.
fn sse(frames: BoxStream<'static, Frame>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    super::sse::events(frames, |f| super::sse::Item {
        id: f.seq,
        name: None,
        data: &f.event,
    })
}

pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(send): ApiJson<ChatSend>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let sent = chat::send(&state, &caller, send).await?;
    Ok(sse(chat::follow_sent(&state, sent).await?))
}

/// Same as `stream`, answered once the reply has ended.
pub async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(send): ApiJson<ChatSend>,
) -> Result<Json<CompleteReply>, AppError> {
    Ok(Json(chat::complete(&state, &caller, send).await?))
}

#[derive(Deserialize)]
pub struct ResumeParams {
    pub after: Option<String>,
}

/// Resumes from `Last-Event-ID` (or `?after=`): exactly what follows it.
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ResumeParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let after = last_event_id(&headers, q.after)?;
    Ok(sse(chat::follow(&state, &caller, id, after).await?))
}

/// Where a client resumes: the `Last-Event-ID` header, else `?after=`.
pub fn last_event_id(headers: &HeaderMap, after: Option<String>) -> Result<u64, AppError> {
    let raw = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(after);
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(0),
        Some(v) => v.parse::<u64>().map_err(|_| {
            AppError::invalid(
                "Last-Event-ID",
                "Last-Event-ID must be a number from this stream.",
            )
        }),
    }
}

pub async fn stop(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    chat::stop(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn regenerate(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let sent = chat::regenerate(&state, &caller, id).await?;
    Ok(sse(chat::follow_sent(&state, sent).await?))
}

#[derive(Deserialize)]
pub struct EditBody {
    pub content: String,
}

/// "Edit & resend": a new version of the user's message and a new reply,
/// streamed like a send.
pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let sent = chat::edit(&state, &caller, id, body.content).await?;
    Ok(sse(chat::follow_sent(&state, sent).await?))
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post};
    OpenApiRouter::new()
        .route("/api/chat/stream", post(stream))
        .route("/api/chat/complete", post(complete))
        .route("/api/messages/{id}/events", get(events))
        .route("/api/messages/{id}/stop", post(stop))
        .route("/api/messages/{id}/regenerate", post(regenerate))
        .route("/api/messages/{id}/edit", post(edit))
}
