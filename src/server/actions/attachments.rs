//! Attachment actions: upload (checked, scaled or read on a blocking
//! thread, then stored within the quota), read and delete the caller's own.

use super::as_caller;
use crate::error::AppError;
use crate::model::attachment::AttachmentView;
use crate::server::auth::caller::Caller;
use crate::server::db::rows::Attachment;
use crate::server::services::attachments;
use crate::server::services::attachments::knowledge;
use crate::server::state::AppState;

pub async fn upload(
    state: &AppState,
    caller: &Caller,
    name: String,
    bytes: Vec<u8>,
) -> Result<AttachmentView, AppError> {
    // Decoding and scaling a picture or reading a PDF is CPU work.
    let file = tokio::task::spawn_blocking(move || attachments::prepare(&name, &bytes)).await??;
    as_caller(state, caller, move |c, uid| {
        attachments::store(c, uid, &file)
    })
    .await
}

/// The attachment and its bytes (404 unless it is the caller's).
pub async fn read(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<(Attachment, Vec<u8>), AppError> {
    as_caller(state, caller, move |c, uid| attachments::read(c, uid, id)).await
}

/// A file of a shared thread's message, for anyone with the link (404
/// for any other file, and once the link is revoked).
pub async fn read_shared(
    state: &AppState,
    token: String,
    id: i64,
) -> Result<(Attachment, Vec<u8>), AppError> {
    state
        .db
        .run(move |c| crate::server::services::shares::attachment(c, &token, id))
        .await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| attachments::delete(c, uid, id)).await
}

pub async fn knowledge(
    state: &AppState,
    caller: &Caller,
    agent: i64,
) -> Result<Vec<AttachmentView>, AppError> {
    as_caller(state, caller, move |c, uid| knowledge::list(c, uid, agent)).await
}

pub async fn shelve(
    state: &AppState,
    caller: &Caller,
    agent: i64,
    attachment: i64,
) -> Result<Vec<AttachmentView>, AppError> {
    as_caller(state, caller, move |c, uid| {
        knowledge::add(c, uid, agent, attachment)
    })
    .await
}

pub async fn unshelve(
    state: &AppState,
    caller: &Caller,
    agent: i64,
    attachment: i64,
) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| {
        knowledge::remove(c, uid, agent, attachment)
    })
    .await
}
