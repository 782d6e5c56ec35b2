//! `/api/backrooms*`: the owner's backrooms (others' ids answer 404), their
//! controls, the live event stream and exports.

use super::chat::{last_event_id, ResumeParams};
use super::id::Id;
use super::json::{optional_body, ApiJson};
use crate::error::AppError;
use crate::model::backroom::{
    BackroomSummary, BackroomView, Control, NewBackroom, RoomFrame, TurnView,
};
use crate::server::actions::backrooms;
use crate::server::auth::caller::Caller;
use crate::server::rest::query::ApiQuery;
use crate::server::services::backroom_export;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::response::Response;
use axum::Json;
use futures::stream::{BoxStream, Stream};
use serde::Deserialize;
use std::convert::Infallible;
use utoipa_axum::router::OpenApiRouter;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<BackroomSummary>>, AppError> {
    Ok(Json(backrooms::list(&state, &caller).await?))
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewBackroom>,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let view = backrooms::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    Ok(Json(backrooms::get(&state, &caller, id).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    backrooms::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! control_route {
    ($name:ident, $control:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            caller: Caller,
            Id(id): Id,
        ) -> Result<Json<BackroomView>, AppError> {
            Ok(Json(
                backrooms::control(&state, &caller, id, $control).await?,
            ))
        }
    };
}

control_route!(start, Control::Start);
control_route!(pause, Control::Pause);
control_route!(resume, Control::Resume);
control_route!(stop, Control::Stop);

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
    let turn = backrooms::interject(&state, &caller, id, body.content).await?;
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
    Ok(Json(
        backrooms::pick(&state, &caller, id, body.agent_id).await?,
    ))
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
    let at: ForkAt = optional_body(&headers, &body)?;
    let view = backrooms::fork(&state, &caller, id, at.turn).await?;
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
    let view = backrooms::import_template(&state, &caller, body.title, body.template).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A room's frames: events named for their kind, the id is the event id.
fn sse(
    frames: BoxStream<'static, RoomFrame>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    use crate::model::backroom::RoomEvent;
    super::sse::events(frames, |f| super::sse::Item {
        id: f.id,
        name: Some(match &f.event {
            RoomEvent::TurnStart { .. } => "turn_start",
            RoomEvent::Delta { .. } => "delta",
            RoomEvent::TurnEnd { .. } => "turn_end",
            RoomEvent::State { .. } => "state",
            RoomEvent::Error { .. } => "error",
        }),
        data: &f.event,
    })
}

/// Live events, resumable with `Last-Event-ID` (or `?after=`).
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ResumeParams>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, AppError> {
    let after = last_event_id(&headers, q.after)?;
    Ok(sse(backrooms::follow(&state, &caller, id, after).await?))
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
    let view = backrooms::get(&state, &caller, id).await?;
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

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    use axum::routing::{get, post, delete};
    OpenApiRouter::new()
        .route("/api/backrooms", get(list).post(create))
        .route("/api/backrooms/import", post(import))
        .route("/api/backrooms/{id}", get(self::get).delete(self::delete))
        .route("/api/backrooms/{id}/start", post(start))
        .route("/api/backrooms/{id}/pause", post(pause))
        .route("/api/backrooms/{id}/resume", post(resume))
        .route("/api/backrooms/{id}/stop", post(stop))
        .route("/api/backrooms/{id}/interject", post(interject))
        .route("/api/backrooms/{id}/next", post(next))
        .route("/api/backrooms/{id}/fork", post(fork))
        .route("/api/backrooms/{id}/events", get(events))
        .route("/api/backrooms/{id}/export", get(export))
}
