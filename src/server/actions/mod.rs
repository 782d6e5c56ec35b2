//! One async function per user action, taking `(&AppState, &Caller, input)`
//! and answering a typed result or a stream. The three doors (REST
//! handlers in `rest/`, server functions in `serverfns/`, plain forms in
//! `forms.rs`) only extract, call one of these and encode the answer, so
//! every rule of an action (ownership, the order of its steps, what it
//! stops or announces) lives here once.

pub mod accounts;
pub mod admin;
pub mod agents;
pub mod archive;
pub mod attachments;
pub mod backrooms;
pub mod chat;
pub mod completions;
pub mod folders;
pub mod keys;
pub mod models;
pub mod notes;
pub mod prompts;
pub mod providers;
pub mod search;
pub mod sessions;
pub mod threads;
pub mod tokens;
pub mod usage;

use crate::error::AppError;
use crate::server::auth::caller::Caller;
use crate::server::db::Conn;
use crate::server::state::AppState;

/// Runs `f` on a pooled connection with the caller's id: the shape of
/// every action that is one service call on the caller's own data.
async fn as_caller<T, F>(state: &AppState, caller: &Caller, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Conn, i64) -> Result<T, AppError> + Send + 'static,
{
    let uid = caller.id;
    state.db.run(move |c| f(c, uid)).await
}
