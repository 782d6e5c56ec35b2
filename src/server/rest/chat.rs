//! Sending messages and following replies: `POST /api/chat/stream` (SSE),
//! `POST /api/chat/complete`, `GET /api/messages/{id}/events` (resume with
//! `Last-Event-ID`), stop, regenerate and edit (both add a version).

use super::id::Id;
use super::json::ApiJson;
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
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
use utoipa_axum::routes;

/// What a streamed reply's events are, for the document.
const REPLY_EVENTS: &str = "Server-Sent Events, unnamed. Each event's `id:` is the reply's \
length in bytes once the event applies (send it back as `Last-Event-ID` to resume), its \
`data:` one JSON object tagged by `type`: `start` {user_message_id, assistant_message_id} \
first, `delta` {text} for each piece of the reply, `usage` {prompt_tokens, completion_tokens}, \
and last `done` {status, finish_reason} or `error` {message}, after which the stream ends. \
A comment every 15 s keeps the connection open.";

/// A reply's frames: unnamed events, the id is the byte offset.
fn sse(frames: BoxStream<'static, Frame>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    super::sse::events(frames, |f| super::sse::Item {
        id: f.seq,
        name: None,
        data: &f.event,
    })
}

/// Send a message and stream the reply
///
/// Sends a message into one of your threads and streams the reply as it is
/// written. The reply goes on if the connection drops: follow it again
/// with `GET /api/messages/{id}/events`.
#[utoipa::path(post, path = "/api/chat/stream", tag = "chat",
    request_body = ChatSend,
    responses(
        (status = 200, content_type = "text/event-stream", description = REPLY_EVENTS),
        (status = 409, body = ErrorBody,
            description = "A reply is still being written in this thread, or its provider's key cannot be decrypted"),
        Failures))]
pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(send): ApiJson<ChatSend>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let sent = chat::send(&state, &caller, send).await?;
    Ok(sse(chat::follow_sent(&state, sent).await?))
}

/// Send a message and wait for the whole reply
///
/// Same as `POST /api/chat/stream`, answered once the reply has ended.
/// A reply that failed still answers 200, its `status` `error` and its
/// `error` saying why.
#[utoipa::path(post, path = "/api/chat/complete", tag = "chat",
    request_body = ChatSend,
    responses(
        (status = 200, body = CompleteReply),
        (status = 409, body = ErrorBody,
            description = "A reply is still being written in this thread, or its provider's key cannot be decrypted"),
        Failures))]
pub async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(send): ApiJson<ChatSend>,
) -> Result<Json<CompleteReply>, AppError> {
    Ok(Json(chat::complete(&state, &caller, send).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResumeParams {
    /// The last event id seen, when the `Last-Event-ID` header cannot be
    /// sent (the header wins).
    #[param(value_type = Option<u64>)]
    pub after: Option<String>,
}

/// Follow a reply (resume a stream)
///
/// Resumes from `Last-Event-ID` (or `?after=`): exactly what follows it.
/// Without either, the whole reply from its first byte. A finished reply
/// answers its text and its end at once.
#[utoipa::path(get, path = "/api/messages/{id}/events", tag = "chat",
    params(
        ("id" = i64, Path, description = "The reply's message id"),
        ("Last-Event-ID" = Option<u64>, Header, description = "The last event id seen"),
        ResumeParams),
    responses(
        (status = 200, content_type = "text/event-stream",
            description = "The same events as `POST /api/chat/stream`, without `start`"),
        Failures))]
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

/// Stop a reply
///
/// Stops the reply if it is still being written: it ends `stopped` a
/// moment later, keeping the text written so far (its stream says so). A
/// finished reply is left as it is.
#[utoipa::path(post, path = "/api/messages/{id}/stop", tag = "chat",
    params(("id" = i64, Path, description = "The reply's message id")),
    responses((status = 204, description = "Stopped, or already finished"), Failures))]
pub async fn stop(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    chat::stop(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Regenerate a reply
///
/// A new reply in place of this one, as a new version of it (the old one
/// stays, see `versions`), streamed like a send. Only the version the
/// thread shows can be regenerated.
#[utoipa::path(post, path = "/api/messages/{id}/regenerate", tag = "chat",
    params(("id" = i64, Path, description = "The reply's message id")),
    responses(
        (status = 200, content_type = "text/event-stream", description = REPLY_EVENTS),
        (status = 409, body = ErrorBody,
            description = "Not the version the thread shows, a reply is still being written in this thread, or its provider's key cannot be decrypted"),
        Failures))]
pub async fn regenerate(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let sent = chat::regenerate(&state, &caller, id).await?;
    Ok(sse(chat::follow_sent(&state, sent).await?))
}

/// `POST /api/messages/{id}/edit`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EditBody {
    /// The message's new text, at most 100000 characters.
    pub content: String,
}

/// Edit a message and resend it
///
/// "Edit & resend": a new version of the user's message and a new reply,
/// streamed like a send. The old version and what followed it stay as the
/// other version. Only your own messages, in the version the thread shows.
#[utoipa::path(post, path = "/api/messages/{id}/edit", tag = "chat",
    params(("id" = i64, Path, description = "Your message's id")),
    request_body = EditBody,
    responses(
        (status = 200, content_type = "text/event-stream", description = REPLY_EVENTS),
        (status = 409, body = ErrorBody,
            description = "Not the version the thread shows, a reply is still being written in this thread, or its provider's key cannot be decrypted"),
        Failures))]
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
    OpenApiRouter::new()
        .routes(routes!(stream))
        .routes(routes!(complete))
        .routes(routes!(events))
        .routes(routes!(stop))
        .routes(routes!(regenerate))
        .routes(routes!(edit))
}
