//! `/api/backrooms*`: the owner's backrooms (others' ids answer 404), their
//! controls, the live event stream and exports.

use super::chat::{last_event_id, ResumeParams};
use super::id::Id;
use super::json::{optional_body, ApiJson};
use super::openapi::Failures;
use crate::error::AppError;
use crate::error::ErrorBody;
use crate::model::backroom::{
    BackroomSummary, BackroomView, Comparison, Control, Guards, GuardsInput, NewBackroom,
    SeatChange, TurnView,
};
use crate::model::backroom_analytics::RunAnalytics;
use crate::model::backroom_schedule::{Schedule, ScheduleInput};
use crate::server::actions::backrooms;
use crate::server::auth::caller::Caller;
use crate::server::engine::rooms::Wire;
use crate::server::rest::query::ApiQuery;
use crate::server::services::backroom_export;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(get, path = "/api/backrooms", tag = "backrooms",
    summary = "Your backrooms, most recently changed first (at most 200)",
    responses((status = 200, body = Vec<BackroomSummary>), Failures))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<BackroomSummary>>, AppError> {
    Ok(Json(backrooms::list(&state, &caller).await?))
}

#[utoipa::path(post, path = "/api/backrooms", tag = "backrooms",
    summary = "Create a backroom (a draft)",
    description = "The participants are snapshots of 2 to 8 different agents you can use \
(your own or shared ones), seated in the order given; later changes to the agents do not \
reach them. The run starts with `POST /api/backrooms/{id}/start`.",
    request_body = NewBackroom,
    responses((status = 201, body = BackroomView), Failures))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<NewBackroom>,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let view = backrooms::create(&state, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/backrooms/{id}", tag = "backrooms",
    summary = "One of your backrooms, with its whole transcript",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses((status = 200, body = BackroomView), Failures))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    Ok(Json(backrooms::get(&state, &caller, id).await?))
}

#[utoipa::path(delete, path = "/api/backrooms/{id}", tag = "backrooms",
    summary = "Delete a backroom and its transcript",
    description = "A run still going is stopped first.",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses((status = 204, description = "Deleted"), Failures))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    backrooms::delete(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A control button, the same for the four routes below.
async fn press(
    state: AppState,
    caller: Caller,
    id: i64,
    control: Control,
) -> Result<Json<BackroomView>, AppError> {
    Ok(Json(
        backrooms::control(&state, &caller, id, control).await?,
    ))
}

#[utoipa::path(post, path = "/api/backrooms/{id}/start", tag = "backrooms",
    summary = "Start a draft backroom's run",
    description = "The agents then take turns on the server until the run finishes, is \
paused or is stopped; follow them with `GET /api/backrooms/{id}/events`.",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses(
        (status = 200, description = "The backroom, now `running`", body = BackroomView),
        (status = 409, description = "The backroom is not a draft", body = ErrorBody),
        Failures
    ))]
pub async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    press(state, caller, id, Control::Start).await
}

#[utoipa::path(post, path = "/api/backrooms/{id}/pause", tag = "backrooms",
    summary = "Pause a running backroom",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses(
        (status = 200, description = "The backroom, now `paused`", body = BackroomView),
        (status = 409, description = "The backroom is not running", body = ErrorBody),
        Failures
    ))]
pub async fn pause(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    press(state, caller, id, Control::Pause).await
}

#[utoipa::path(post, path = "/api/backrooms/{id}/resume", tag = "backrooms",
    summary = "Resume a paused backroom",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses(
        (status = 200, description = "The backroom, now `running`", body = BackroomView),
        (status = 409, description = "The backroom is not paused", body = ErrorBody),
        Failures
    ))]
pub async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    press(state, caller, id, Control::Resume).await
}

#[utoipa::path(post, path = "/api/backrooms/{id}/stop", tag = "backrooms",
    summary = "Stop a backroom's run for good",
    description = "A stopped run cannot be resumed; fork it to go on.",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses(
        (status = 200, description = "The backroom, now `stopped`", body = BackroomView),
        (status = 409, description = "The run has already finished or stopped", body = ErrorBody),
        Failures
    ))]
pub async fn stop(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<BackroomView>, AppError> {
    press(state, caller, id, Control::Stop).await
}

/// `POST /api/backrooms/{id}/interject`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Interjection {
    /// What you say (1 to 10 000 characters).
    pub content: String,
    /// Whisper: only these participants (participant or agent ids) hear
    /// it. Absent: the seats `@Name`d in `content`, or, with none, everyone.
    #[serde(default)]
    pub visible_to: Option<Vec<i64>>,
}

#[utoipa::path(post, path = "/api/backrooms/{id}/interject", tag = "backrooms",
    summary = "Say something in a backroom",
    description = "Adds a human turn under your name, which every agent hears from then on; a \
whisper (`visible_to`, or `@Name` in the text) only the participants it names hear, and viewers \
see it marked (`whisper_to`).",
    params(("id" = i64, Path, description = "The backroom's id")),
    request_body = Interjection,
    responses(
        (status = 201, body = TurnView),
        (status = 409, description = "The run has finished or stopped (fork it to go on)", body = ErrorBody),
        Failures
    ))]
pub async fn interject(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<Interjection>,
) -> Result<(StatusCode, Json<TurnView>), AppError> {
    let turn = backrooms::interject(&state, &caller, id, body.content, body.visible_to).await?;
    Ok((StatusCode::CREATED, Json(turn)))
}

/// `POST /api/backrooms/{id}/next`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pick {
    /// A participant's agent id (or the participant's own id).
    pub agent_id: i64,
}

/// Pick who speaks next (manual turn order)
///
/// Manual order: who speaks next.
#[utoipa::path(post, path = "/api/backrooms/{id}/next", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    request_body = Pick,
    responses((status = 200, description = "The backroom, with `next_participant` set", body = BackroomView), Failures))]
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

/// `POST /api/backrooms/{id}/participants`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Entrance {
    /// One of your agents (or a shared one) not in the room now.
    pub agent_id: i64,
}

/// Bring an agent into a backroom
///
/// The agent takes a seat (a snapshot, as at creation; its old seat if it
/// had left) and speaks from the next turn on; the transcript says "Ada
/// enters the room.", which every agent hears. At most 8 in the room.
#[utoipa::path(post, path = "/api/backrooms/{id}/participants", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    request_body = Entrance,
    responses(
        (status = 201, description = "The room with its new participant", body = BackroomView),
        (status = 409, description = "The run has finished or stopped", body = ErrorBody),
        Failures
    ))]
pub async fn enter(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<Entrance>,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let view = backrooms::enter(&state, &caller, id, body.agent_id).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A participant leaves a backroom
///
/// From the next turn on it takes no turns (`left` in `participants`);
/// what it said stays, and the transcript says "Ada leaves the room." At
/// least 2 stay.
#[utoipa::path(delete, path = "/api/backrooms/{id}/participants/{participant}", tag = "backrooms",
    params(
        ("id" = i64, Path, description = "The backroom's id"),
        ("participant" = i64, Path, description = "The participant's id, or its agent's")
    ),
    responses(
        (status = 200, description = "The room without that participant", body = BackroomView),
        (status = 409, description = "The run has ended, or only 2 are left", body = ErrorBody),
        Failures
    ))]
pub async fn leave(
    State(state): State<AppState>,
    caller: Caller,
    super::id::Ids(id, seat): super::id::Ids,
) -> Result<Json<BackroomView>, AppError> {
    Ok(Json(backrooms::leave(&state, &caller, id, seat).await?))
}

/// Change a run's guards
///
/// What pauses the run, saying why: loop detection (`looping: ...`), a
/// token cap per seat (`token cap: ...`) and a cost cap (`cost cap: ...`).
/// The body replaces every setting (an absent one takes its default); what
/// the run has cost so far stays. Resume a paused run to go on.
#[utoipa::path(put, path = "/api/backrooms/{id}/guards", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    request_body = GuardsInput,
    responses((status = 200, description = "The guards now", body = Guards), Failures))]
pub async fn guards(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<GuardsInput>,
) -> Result<Json<Guards>, AppError> {
    Ok(Json(
        backrooms::set_guards(&state, &caller, id, body).await?,
    ))
}

/// A run's figures
///
/// Per participant: turns, prompt and completion tokens, cost at its
/// model's prices, median time to the first token, tokens per second of
/// writing. Per agent turn: its length in tokens and words and its timings.
/// The page `/backrooms/{id}/analytics` draws them.
#[utoipa::path(get, path = "/api/backrooms/{id}/analytics", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses((status = 200, description = "The figures", body = RunAnalytics), Failures))]
pub async fn analytics(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<Json<RunAnalytics>, AppError> {
    Ok(Json(backrooms::analytics(&state, &caller, id).await?))
}

/// Run again on a schedule
///
/// From now on the backroom runs again at the times this names (UTC):
/// each time a new fork of it from its first turn starts, titled with the
/// time, within the owner's quotas (a time over a quota, or while the last
/// run is still going, starts nothing and says why in `last_error`). A
/// schedule that was missed (the server was down) runs once when it is
/// back. `daily` and `weekly` take `at` (`HH:MM`), `weekly` a `weekday`;
/// `cron` five fields, at most every 15 minutes.
#[utoipa::path(put, path = "/api/backrooms/{id}/schedule", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    request_body = ScheduleInput,
    responses((status = 200, description = "The schedule now", body = Schedule), Failures))]
pub async fn schedule(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    ApiJson(body): ApiJson<ScheduleInput>,
) -> Result<Json<Schedule>, AppError> {
    Ok(Json(
        backrooms::set_schedule(&state, &caller, id, body).await?,
    ))
}

/// Stop running on a schedule
#[utoipa::path(delete, path = "/api/backrooms/{id}/schedule", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses((status = 204, description = "It no longer runs on its own"), Failures))]
pub async fn unschedule(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    backrooms::clear_schedule(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/backrooms/{id}/fork` (the body may be left out).
#[derive(Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForkAt {
    /// Keep the transcript up to this turn number (default: all of it).
    #[serde(default)]
    pub turn: Option<i64>,
    /// Seats to change in the fork (another model, prompt or temperature),
    /// to see where the run goes instead.
    #[serde(default)]
    pub changes: Vec<SeatChange>,
}

#[utoipa::path(post, path = "/api/backrooms/{id}/fork", tag = "backrooms",
    summary = "Fork a backroom into a new draft",
    description = "The new draft has the same participants and rules and the transcript up \
to (and including) turn `turn`, and its seats changed as `changes` says (another `model_id`, \
`system_prompt` or `temperature` for a participant). The body is optional: empty forks the whole \
transcript as it is.",
    params(("id" = i64, Path, description = "The backroom to fork")),
    request_body(content = Option<ForkAt>, description = "Optional"),
    responses(
        (status = 201, body = BackroomView),
        (status = 409, description = "The run is going: pause or stop it first", body = ErrorBody),
        (status = 415, description = "A body was sent that is not JSON", body = ErrorBody),
        Failures
    ))]
pub async fn fork(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let at: ForkAt = optional_body(&headers, &body)?;
    let view = backrooms::fork(&state, &caller, id, at.turn, at.changes).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Compare two branches of a run
///
/// Both backrooms side by side (each seat as it is in that branch) from
/// the first turn where they differ: `shared` turns are alike, and each
/// side's `turns` are what came after. Either must be yours (404).
#[utoipa::path(get, path = "/api/backrooms/{id}/compare/{other}", tag = "backrooms",
    params(
        ("id" = i64, Path, description = "One backroom (say, the original)"),
        ("other" = i64, Path, description = "The other (say, its fork)")
    ),
    responses((status = 200, body = Comparison), Failures))]
pub async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    super::id::Ids(id, other): super::id::Ids,
) -> Result<Json<Comparison>, AppError> {
    Ok(Json(backrooms::compare(&state, &caller, id, other).await?))
}

/// `POST /api/backrooms/import`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateImport {
    /// The new backroom's title.
    pub title: String,
    /// The template's JSONL text: one line per participant (2 to 8), each
    /// an object with `system_prompt` and optionally `name` and `context`
    /// (at most 256 KB).
    pub template: String,
}

#[utoipa::path(post, path = "/api/backrooms/import", tag = "backrooms",
    summary = "Import a UniversalBackrooms template",
    description = "Makes one new agent per line of the template (with that line's system \
prompt) and a draft backroom seating them, round robin, 20 turns; the first `context` found \
becomes the scenario.",
    request_body = TemplateImport,
    responses((status = 201, body = BackroomView), Failures))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<TemplateImport>,
) -> Result<(StatusCode, Json<BackroomView>), AppError> {
    let view = backrooms::import_template(&state, &caller, body.title, body.template).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Follow a backroom live (Server-Sent Events)
///
/// Live events, resumable with `Last-Event-ID` (or `?after=`).
#[utoipa::path(get, path = "/api/backrooms/{id}/events", tag = "backrooms",
    params(
        ("id" = i64, Path, description = "The backroom's id"),
        ("after" = Option<String>, Query, description = "Resume after this event id (the \
`Last-Event-ID` header wins when both are sent); absent or 0: from the start"),
        ("Last-Event-ID" = Option<String>, Header, description = "The last event id you saw")
    ),
    responses(
        (status = 200, content_type = "text/event-stream", description = "Each event's name is \
its kind and its data a JSON object whose `type` is that name:\n\n\
- `state` `{state, reason, tokens_used, next_participant}`: first, and on every change;\n\
- `turn_start` `{turn_id, participant_id, agent_id, speaker, human}`;\n\
- `delta` `{turn_id, text}`: the next piece of the turn's text;\n\
- `turn_end` `{turn_id, status, kind, prompt_tokens, completion_tokens}`;\n\
- `error` `{turn_id, message}`: the turn failed (its `turn_end` follows);\n\
- `viewers` `{count}`: how many are watching (public viewers included), as it changes.\n\n\
The turns written so far are sent first, then the run live. Event ids order every event of \
the run (turn id × 10⁹ + the bytes of text reached), so resuming from the last one seen gives \
exactly the rest. The stream ends once the run has finished or stopped; a comment keeps it \
alive every 15 s."),
        Failures
    ))]
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ResumeParams>,
) -> Result<Response, AppError> {
    let after = last_event_id(&headers, q.after)?;
    let stream = backrooms::follow(&state, &caller, id, after, Wire::Sse).await?;
    Ok(super::sse::stream(stream))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `md` (the default), `json` or `txt`.
    #[param(example = "md")]
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/backrooms/{id}/export", tag = "backrooms",
    summary = "Download a backroom's transcript",
    params(("id" = i64, Path, description = "The backroom's id"), ExportParams),
    responses(
        (status = 200, description = "A download named after the title: Markdown, the \
backroom as JSON (`BackroomView`), or plain text",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"{title}.{md|json|txt}\"`")),
            content(
                (String = "text/markdown"),
                (BackroomView = "application/json"),
                (String = "text/plain")
            )),
        Failures
    ))]
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
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(import))
        .routes(routes!(self::get, self::delete))
        .routes(routes!(start))
        .routes(routes!(pause))
        .routes(routes!(resume))
        .routes(routes!(stop))
        .routes(routes!(interject))
        .routes(routes!(next))
        .routes(routes!(guards))
        .routes(routes!(schedule, unschedule))
        .routes(routes!(analytics))
        .routes(routes!(compare))
        .routes(routes!(enter))
        .routes(routes!(leave))
        .routes(routes!(fork))
        .routes(routes!(events))
        .routes(routes!(export))
}
