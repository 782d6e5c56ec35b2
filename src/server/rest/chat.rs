//! Sending messages and following replies: `POST /api/chat/stream` (SSE),
//! `POST /api/chat/complete`, `GET /api/messages/{id}/events` (resume with
//! `Last-Event-ID`), stop and regenerate.

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::chat::{ChatSend, CompleteReply, Frame, StreamEvent};
use crate::server::auth::caller::Caller;
use crate::server::engine;
use crate::server::rest::query::ApiQuery;
use crate::server::services::conversations::{self, Turn};
use crate::server::services::messages;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures::stream::{BoxStream, Stream, StreamExt};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;

fn sse(frames: BoxStream<'static, Frame>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = frames.map(|f| {
        let data = serde_json::to_string(&f.event).unwrap_or_else(|_| "{}".into());
        Ok(Event::default().id(f.seq.to_string()).data(data))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn start_and_follow(
    state: AppState,
    turn: Turn,
) -> Result<BoxStream<'static, Frame>, AppError> {
    let ids = (turn.user_message_id, turn.assistant_message_id);
    engine::start_or_fail(&state, turn).await?;
    let (user_message_id, assistant_message_id) = ids;
    let start = Frame {
        seq: 0,
        event: StreamEvent::Start {
            user_message_id,
            assistant_message_id,
        },
    };
    let rest = engine::follow(&state, assistant_message_id, 0).await?;
    Ok(futures::stream::once(async move { start })
        .chain(rest)
        .boxed())
}

pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(send): ApiJson<ChatSend>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let uid = caller.id;
    let turn = state
        .db
        .run(move |c| conversations::begin_turn(c, uid, &send))
        .await?;
    Ok(sse(start_and_follow(state, turn).await?))
}

/// Same as `stream`, answered once the reply has ended.
pub async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(send): ApiJson<ChatSend>,
) -> Result<Json<CompleteReply>, AppError> {
    let uid = caller.id;
    let turn = state
        .db
        .run(move |c| conversations::begin_turn(c, uid, &send))
        .await?;
    let (user_id, reply_id) = (turn.user_message_id, turn.assistant_message_id);
    engine::start_or_fail(&state, turn).await?;
    let mut frames = engine::follow(&state, reply_id, 0).await?;
    while let Some(f) = frames.next().await {
        if f.event.is_terminal() {
            break;
        }
    }
    let user_id = user_id.unwrap_or_default();
    let (user_message, assistant_message) = state
        .db
        .run(move |c| {
            Ok((
                messages::get(c, user_id)?.view(),
                messages::get(c, reply_id)?.view(),
            ))
        })
        .await?;
    Ok(Json(CompleteReply {
        user_message,
        assistant_message,
    }))
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
    let uid = caller.id;
    state.db.run(move |c| messages::owned(c, uid, id)).await?;
    let after = last_event_id(&headers, q.after)?;
    Ok(sse(engine::follow(&state, id, after as usize).await?))
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
    let uid = caller.id;
    state.db.run(move |c| messages::owned(c, uid, id)).await?;
    engine::stop(&state, id);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn regenerate(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let uid = caller.id;
    let turn = state
        .db
        .run(move |c| conversations::begin_regenerate(c, uid, id))
        .await?;
    Ok(sse(start_and_follow(state, turn).await?))
}
