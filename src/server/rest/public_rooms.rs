//! Public live rooms: the owner publishes a backroom's run
//! (`/api/backrooms/{id}/publish`), and anyone with the link, signed in or
//! not, reads it (`/api/public/rooms/{token}`) and follows it live
//! (`/b/{token}/events`, Server-Sent Events with resume).

use super::chat::{last_event_id, ResumeParams};
use super::id::Id;
use super::json::optional_body;
use super::openapi::Failures;
use crate::error::{AppError, ErrorBody};
use crate::model::backroom::BackroomView;
use crate::server::actions::backrooms;
use crate::server::auth::caller::Caller;
use crate::server::engine::rooms::{ViewerFeed, Wire};
use crate::server::rest::query::ApiQuery;
use crate::server::services::backrooms::Published;
use crate::server::site;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// `POST /api/backrooms/{id}/publish`.
#[derive(Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishOptions {
    /// Let viewers see the seats' models and prompts, the scenario and why
    /// the run paused (off: they see names, avatars and the transcript).
    #[serde(default)]
    show_details: bool,
}

/// A run's public link.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicLink {
    /// The link's secret: 48 hex digits.
    token: String,
    /// The path (`/b/{token}`).
    url: String,
    /// The link in full, to paste anywhere.
    link: String,
    /// The compact view other sites may frame (`/b/{token}/embed`).
    embed: String,
    show_details: bool,
}

impl PublicLink {
    fn of(p: Published, state: &AppState, headers: &HeaderMap) -> PublicLink {
        let origin = site::origin(&state.config, headers);
        PublicLink {
            url: format!("/b/{}", p.token),
            link: format!("{origin}/b/{}", p.token),
            embed: format!("{origin}/b/{}/embed", p.token),
            token: p.token,
            show_details: p.show_details,
        }
    }
}

/// Publish a backroom's run
///
/// A link anyone can watch the run live with, signed in or not, with a
/// viewer count and no controls. The same link when already published
/// (its `show_details` updated).
#[utoipa::path(post, path = "/api/backrooms/{id}/publish", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    request_body(content = Option<PublishOptions>, description = "Optional"),
    responses((status = 201, body = PublicLink), Failures))]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<PublicLink>), AppError> {
    let options: PublishOptions = optional_body(&headers, &body)?;
    let p = backrooms::publish(&state, &caller, id, options.show_details).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublicLink::of(p, &state, &headers)),
    ))
}

/// A backroom's public link
#[utoipa::path(get, path = "/api/backrooms/{id}/publish", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses(
        (status = 200, body = PublicLink),
        (status = 404, body = ErrorBody, description = "Not yours, or not published")
    ))]
pub async fn publication(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
    headers: HeaderMap,
) -> Result<Json<PublicLink>, AppError> {
    let p = backrooms::publication(&state, &caller, id)
        .await?
        .ok_or_else(|| AppError::not_found("This room is not public."))?;
    Ok(Json(PublicLink::of(p, &state, &headers)))
}

/// Revoke a backroom's public link
///
/// The link answers 404 at once, and viewers following it are told
/// (`revoked`) and let go.
#[utoipa::path(delete, path = "/api/backrooms/{id}/publish", tag = "backrooms",
    params(("id" = i64, Path, description = "The backroom's id")),
    responses((status = 204, description = "The link no longer works"), Failures))]
pub async fn unpublish(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    backrooms::unpublish(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A public room as its link shows it
///
/// For anyone with the link, signed in or not: the run, its seats (names,
/// avatars, colours) and its transcript so far; models, prompts and the
/// scenario only when the owner shows details.
#[utoipa::path(get, path = "/api/public/rooms/{token}", tag = "backrooms",
    params(("token" = String, Path, description = "The link's token")),
    responses(
        (status = 200, body = BackroomView),
        (status = 404, body = ErrorBody, description = "Unknown or revoked link")
    ))]
pub async fn public_room(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<BackroomView>, AppError> {
    Ok(Json(backrooms::public_view(&state, token).await?))
}

/// Follow a public room live (Server-Sent Events)
///
/// The same events as `/api/backrooms/{id}/events` (without what the owner
/// does not show), plus `viewers` `{count}` as people come and go, and
/// `revoked` when the owner revokes the link, after which the stream ends.
/// Resumable with `Last-Event-ID` (or `?after=`). One address may hold 8
/// such streams open at once (429 past that).
#[utoipa::path(get, path = "/b/{token}/events", tag = "backrooms",
    params(
        ("token" = String, Path, description = "The link's token"),
        ("after" = Option<String>, Query, description = "Resume after this event id"),
        ("Last-Event-ID" = Option<String>, Header, description = "The last event id you saw")
    ),
    responses(
        (status = 200, content_type = "text/event-stream", description = "The run's events"),
        (status = 404, body = ErrorBody, description = "Unknown or revoked link"),
        (status = 429, body = ErrorBody, description = "Too many streams from this address")
    ))]
pub async fn events(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ResumeParams>,
) -> Result<Response, AppError> {
    let feed = open_events(&state, token, peer, &headers, q.after).await?;
    Ok(super::sse::stream(feed.into_stream()))
}

/// The feed of `/b/{token}/events` for a viewer at `peer`, through the
/// router or straight off a new connection's socket (`raw_sse`).
pub(crate) async fn open_events(
    state: &AppState,
    token: String,
    peer: SocketAddr,
    headers: &HeaderMap,
    after: Option<String>,
) -> Result<ViewerFeed, AppError> {
    let after = last_event_id(headers, after)?;
    let address = crate::server::client::address(peer.ip(), headers, &state.config.trusted_proxies);
    backrooms::follow_public(state, token, after, address, Wire::Sse).await
}

/// The routes of this module, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(publish, publication, unpublish))
        .routes(routes!(public_room))
        .routes(routes!(events))
}
