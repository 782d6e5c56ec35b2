//! Agent actions: the caller's agents and those shared with everyone,
//! create, save, duplicate, delete, a new avatar. Only the owner changes
//! an agent; a shared one is read-only to others.

use super::as_caller;
use crate::error::AppError;
use crate::model::agent::{AgentInput, AgentPatch, AgentTemplate, AgentView};
use crate::server::auth::caller::Caller;
use crate::server::services::{agent_templates, agents, avatars};
use crate::server::state::AppState;

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<AgentView>, AppError> {
    as_caller(state, caller, agents::list).await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<AgentView, AppError> {
    as_caller(state, caller, move |c, uid| agents::get(c, uid, id)).await
}

/// The starter templates the editor offers.
pub fn templates(_caller: &Caller) -> Vec<AgentTemplate> {
    agent_templates::all()
}

/// Sharing with everyone is for admins; the service checks the caller.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: AgentInput,
) -> Result<AgentView, AppError> {
    let who = caller.clone();
    state.db.run(move |c| agents::create(c, &who, &input)).await
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: AgentPatch,
) -> Result<AgentView, AppError> {
    let who = caller.clone();
    state
        .db
        .run(move |c| agents::update(c, &who, id, &patch))
        .await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| agents::delete(c, uid, id)).await
}

/// A copy the caller owns, of their own agent or a shared one.
pub async fn duplicate(state: &AppState, caller: &Caller, id: i64) -> Result<AgentView, AppError> {
    as_caller(state, caller, move |c, uid| agents::duplicate(c, uid, id)).await
}

/// Refuses someone else's agent before its upload is read: call this,
/// then read the body, then `set_avatar`.
pub async fn may_set_avatar(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    get(state, caller, id).await.map(|_| ())
}

/// A new picture (checked by content, at most `avatars::MAX_BYTES`).
pub async fn set_avatar(
    state: &AppState,
    caller: &Caller,
    id: i64,
    bytes: Vec<u8>,
) -> Result<AgentView, AppError> {
    as_caller(state, caller, move |c, uid| {
        agents::set_avatar(c, uid, id, &bytes)
    })
    .await
}

/// A new agent that starts from an uploaded picture (named "New agent"
/// until its editor saves a name). A picture that is refused leaves no
/// agent behind.
pub async fn create_with_avatar(
    state: &AppState,
    caller: &Caller,
    bytes: Vec<u8>,
) -> Result<AgentView, AppError> {
    let made = create(
        state,
        caller,
        AgentInput {
            name: "New agent".into(),
            ..Default::default()
        },
    )
    .await?;
    match set_avatar(state, caller, made.id, bytes).await {
        Ok(view) => Ok(view),
        Err(e) => {
            if let Err(undo) = delete(state, caller, made.id).await {
                tracing::error!("removing agent {} after a refused avatar: {undo}", made.id);
            }
            Err(e)
        }
    }
}

/// An avatar image (content type, bytes), to any signed-in user.
pub async fn avatar_image(
    state: &AppState,
    _caller: &Caller,
    id: String,
) -> Result<(String, Vec<u8>), AppError> {
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found("No such image."));
    }
    state.db.run(move |c| avatars::get(c, &id)).await
}
