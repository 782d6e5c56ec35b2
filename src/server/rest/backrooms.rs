//! `/api/backrooms*`: the owner's backrooms (others' ids answer 404), their
//! controls, the live event stream and exports.

use super::chat::{last_event_id, ResumeParams};
use super::id::Id;
use super::json::{optional_body, ApiJson};
use crate::error::AppError;
use crate::model::backroom::{BackroomSummary, BackroomView, NewBackroom, RoomFrame, TurnView};
use crate::server::auth::caller::Caller;
use crate::server::engine::rooms::{self, Signal};
use crate::server::rest::query::ApiQuery;
use crate::server::services::{backroom_export, backrooms};
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::Response;
use axum::Json;
use futures::stream::{BoxStream, Stream, StreamExt};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<BackroomSummary>>, AppError> {
    let uid = caller.id;
    Ok(Json(state.db.run(move |c| backrooms::list(c, uid)).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewBackroom>,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let uid = caller.id;
    let view = state
        .db
        .run(move |c| backrooms::create(c, uid, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    let uid = caller.id;
    Ok(Json(
        state.db.run(move |c| backrooms::get(c, uid, id)).await?,
    ))
}

/// Deleting stops a run first.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    let uid = caller.id;
    state.db.run(move |c| backrooms::owned(c, uid, id)).await?;
    rooms::stop(&state, id);
    state.db.run(move |c| backrooms::delete(c, uid, id)).await?;
    rooms::announce(&state, id, Signal::State);
    state.rooms.forget(id);
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! control_route {
    ($name:ident, $action:literal) => {
        pub async fn $name(
            State(state): State<AppState>,
            caller: Caller,
            Id(id): Id,
        ) -> Result<Json<BackroomView>, AppError> {
            let uid = caller.id;
            Ok(Json(rooms::control(&state, uid, id, $action).await?))
        }
    };
}

control_route!(start, "start");
control_route!(pause, "pause");
control_route!(resume, "resume");
control_route!(stop, "stop");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interjection {
    pub content: String,
}

pub async fn interject(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<Interjection>,
) -> Result<(StatusCode, Json<TurnView>), AppError> {
    let (uid, name) = (caller.id, caller.name);
    let turn = rooms::interject(&state, uid, name, id, body.content).await?;
    Ok((StatusCode::CREATED, Json(turn)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pick {
    /// A participant's agent id (or the participant's own id).
    pub agent_id: i64,
}

/// Manual order: who speaks next.
pub async fn next(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<Pick>,
) -> Result<Json<BackroomView>, AppError> {
    let uid = caller.id;
    Ok(Json(rooms::pick(&state, uid, id, body.agent_id).await?))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForkAt {
    /// Keep the transcript up to this turn number (default: all of it).
    #[serde(default)]
    pub turn: Option<i64>,
}

pub async fn fork(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let uid = caller.id;
    let at: ForkAt = optional_body(&headers, &body)?;
    let view = state
        .db
        .run(move |c| backrooms::fork(c, uid, id, at.turn))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateImport {
    pub title: String,
    /// The template's JSONL text.
    pub template: String,
}

pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TemplateImport>,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let view = state
        .db
        .run(move |c| backrooms::import_template(c, &caller, &body.title, &body.template))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

fn sse(
    frames: BoxStream<'static, RoomFrame>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let events = frames.map(|f| {
        let data = serde_json::to_string(&f.event).unwrap_or_else(|_| "{}".into());
        let name = match &f.event {
            crate::model::backroom::RoomEvent::TurnStart { .. } => "turn_start",
            crate::model::backroom::RoomEvent::Delta { .. } => "delta",
            crate::model::backroom::RoomEvent::TurnEnd { .. } => "turn_end",
            crate::model::backroom::RoomEvent::State { .. } => "state",
            crate::model::backroom::RoomEvent::Error { .. } => "error",
        };
        Ok(Event::default().id(f.id.to_string()).event(name).data(data))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Live events, resumable with `Last-Event-ID` (or `?after=`).
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ResumeParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let uid = caller.id;
    state.db.run(move |c| backrooms::owned(c, uid, id)).await?;
    let after = last_event_id(&headers, q.after)?;
    Ok(sse(rooms::follow(&state, id, after).await?))
}

#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiQuery(p): ApiQuery<ExportParams>,
) -> Result<Response, AppError> {
    let uid = caller.id;
    let view = state.db.run(move |c| backrooms::get(c, uid, id)).await?;
    let stem = super::download::file_stem(&view.title, "backroom");
    Ok(match p.format.as_deref().unwrap_or("md") {
        "md" => super::download::attachment(
            backroom_export::markdown(&view),
            "text/markdown; charset=utf-8",
            &stem,
            "md",
        ),
        "txt" => super::download::attachment(
            backroom_export::text(&view),
            "text/plain; charset=utf-8",
            &stem,
            "txt",
        ),
        "json" => super::download::attachment(
            serde_json::to_string_pretty(&view).map_err(|_| AppError::Internal)?,
            "application/json",
            &stem,
            "json",
        ),
        _ => {
            return Err(AppError::invalid(
                "format",
                "format must be md, json or txt.",
            ))
        }
    })
}
