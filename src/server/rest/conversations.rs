//! `/api/conversations*`: the user's own threads (others' ids answer 404).

use super::id::Id;
use super::json::ApiJson;
use crate::error::AppError;
use crate::model::chat::{ConversationPage, ConversationPatch, ConversationView, NewConversation};
use crate::server::auth::{accounts, AuthSession};
use crate::server::engine;
use crate::server::services::conversations;
use crate::server::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ListParams {
    limit: Option<i64>,
    before: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    auth: AuthSession,
    Query(p): Query<ListParams>,
) -> Result<Json<ConversationPage>, AppError> {
    let uid = accounts::require_user(&auth)?.id;
    Ok(Json(
        state
            .db
            .run(move |c| conversations::list(c, uid, p.limit, p.before.as_deref()))
            .await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    auth: AuthSession,
    ApiJson(input): ApiJson<NewConversation>,
) -> Result<(StatusCode, Json<ConversationView>), AppError> {
    let uid = accounts::require_user(&auth)?.id;
    let view = state
        .db
        .run(move |c| conversations::create(c, uid, &input))
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn get(
    State(state): State<AppState>,
    auth: AuthSession,
    Id(id): Id,
) -> Result<Json<ConversationView>, AppError> {
    let uid = accounts::require_user(&auth)?.id;
    Ok(Json(
        state
            .db
            .run(move |c| conversations::get(c, uid, id))
            .await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    auth: AuthSession,
    Id(id): Id,
    ApiJson(patch): ApiJson<ConversationPatch>,
) -> Result<Json<ConversationView>, AppError> {
    let uid = accounts::require_user(&auth)?.id;
    Ok(Json(
        state
            .db
            .run(move |c| conversations::update(c, uid, id, &patch))
            .await?,
    ))
}

/// Deleting a thread also stops a reply still being written in it.
pub async fn delete(
    State(state): State<AppState>,
    auth: AuthSession,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    let uid = accounts::require_user(&auth)?.id;
    state
        .db
        .run(move |c| conversations::delete(c, uid, id))
        .await?;
    if let Some(live) = state.hub.in_conversation(id) {
        engine::stop(&state, live.message_id);
    }
    Ok(StatusCode::NO_CONTENT)
}
