//! Thread actions: list, create, read, change, delete, share. (REST calls
//! a thread a thread; the paths stay.)

use super::as_caller;
use crate::error::AppError;
use crate::model::chat::{NewThread, ThreadPage, ThreadPatch, ThreadView};
use crate::server::auth::caller::Caller;
use crate::server::engine;
use crate::server::services::threads::{self, Filter};
use crate::server::services::{messages, shares, tags};
use crate::server::state::AppState;

pub async fn list(
    state: &AppState,
    caller: &Caller,
    limit: Option<i64>,
    before: Option<String>,
    filter: Filter,
) -> Result<ThreadPage, AppError> {
    as_caller(state, caller, move |c, uid| {
        threads::list(c, uid, limit, before.as_deref(), &filter)
    })
    .await
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewThread,
) -> Result<ThreadView, AppError> {
    as_caller(state, caller, move |c, uid| threads::create(c, uid, &input)).await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<ThreadView, AppError> {
    as_caller(state, caller, move |c, uid| threads::get(c, uid, id)).await
}

/// The thread with the messages `branches` (every version with
/// `?branches=all`) and `window` (a page of them) pick.
pub async fn get_with(
    state: &AppState,
    caller: &Caller,
    id: i64,
    branches: threads::Branches,
    window: threads::Window,
) -> Result<ThreadView, AppError> {
    as_caller(state, caller, move |c, uid| {
        threads::get_with(c, uid, id, branches, window)
    })
    .await
}

/// What a version switch answers: the whole thread, or (the page) the
/// messages from that version on, since those before it did not change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Thread,
    Onward,
}

/// "‹ 2/3 ›": the thread of message `message_id`, now showing that version
/// and what followed it.
pub async fn select_version(
    state: &AppState,
    caller: &Caller,
    message_id: i64,
    answer: Answer,
) -> Result<ThreadView, AppError> {
    as_caller(state, caller, move |c, uid| {
        let m = threads::select(c, uid, message_id)?;
        let window = threads::Window {
            after: m.parent_id.filter(|_| answer == Answer::Onward),
            ..threads::Window::default()
        };
        threads::get_with(c, uid, m.thread_id, threads::Branches::Shown, window)
    })
    .await
}

/// Title, model settings, pin, folder, tags, archive: whatever the patch
/// names.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    patch: ThreadPatch,
) -> Result<ThreadView, AppError> {
    as_caller(state, caller, move |c, uid| {
        threads::update(c, uid, id, &patch)
    })
    .await
}

/// Deleting a thread also stops a reply still being written in it,
/// whichever replica writes it.
pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    let live = as_caller(state, caller, move |c, uid| {
        let live = messages::streaming_in(c, id)?;
        threads::delete(c, uid, id)?;
        Ok(live)
    })
    .await?;
    for reply in live {
        engine::stop(state, reply);
    }
    Ok(())
}

/// A read-only link's token (the same one if the thread is shared).
pub async fn share(state: &AppState, caller: &Caller, id: i64) -> Result<String, AppError> {
    as_caller(state, caller, move |c, uid| shares::share(c, uid, id)).await
}

/// Revokes the link: it answers 404 from now on.
pub async fn unshare(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    as_caller(state, caller, move |c, uid| shares::revoke(c, uid, id)).await
}

/// The caller's tags with how many threads carry each.
pub async fn tags(state: &AppState, caller: &Caller) -> Result<Vec<(String, i64)>, AppError> {
    as_caller(state, caller, tags::used).await
}
