//! Reading one thread: who owns it, its agent, its share link, its full view.

use crate::error::AppError;
use crate::model::chat::ThreadView;
use crate::server::db::rows::{Agent, Message, Thread};
use crate::server::db::schema::{messages, shares, threads};
use crate::server::services::agents;
use diesel::prelude::*;

/// Someone else's thread answers exactly like a missing one.
pub fn owned(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<Thread, AppError> {
    threads::table
        .find(id)
        .filter(threads::user_id.eq(user_id))
        .filter(threads::kind.eq("chat"))
        .select(Thread::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such thread."))
}

/// The thread's share-link token, if it has one.
pub fn share_token(conn: &mut SqliteConnection, id: i64) -> Result<Option<String>, AppError> {
    Ok(shares::table
        .filter(shares::thread_id.eq(id))
        .select(shares::token)
        .first(conn)
        .optional()?)
}

/// The thread's agent, while the user can still see it (an agent that was
/// unshared since no longer applies).
pub fn bound_agent(
    conn: &mut SqliteConnection,
    user_id: i64,
    c: &Thread,
) -> Result<Option<Agent>, AppError> {
    match c.agent_id {
        Some(id) => match agents::visible(conn, user_id, id) {
            Ok(a) => Ok(Some(a)),
            Err(AppError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

pub(super) fn view(c: Thread, messages: Vec<Message>, agent: Option<&Agent>) -> ThreadView {
    ThreadView {
        agent: agent.map(Agent::badge),
        id: c.id,
        title: c.title,
        model_id: c.model_id,
        temperature: c.temperature,
        max_tokens: c.max_tokens,
        pinned: c.pinned,
        folder_id: c.folder_id,
        archived: c.archived,
        tags: Vec::new(),
        created_at: c.created_at,
        updated_at: c.updated_at,
        agent_id: c.agent_id,
        share_token: None,
        messages: messages.iter().map(Message::view).collect(),
    }
}

/// Which messages a read of a thread carries: the branch it shows, or
/// every version (`?branches=all`, each with its `parent_id`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Branches {
    #[default]
    Shown,
    All,
}

/// The thread with the branch it shows; each message that has other
/// versions lists them.
pub fn get(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<ThreadView, AppError> {
    get_with(conn, user_id, id, Branches::Shown)
}

pub fn get_with(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
    branches: Branches,
) -> Result<ThreadView, AppError> {
    let c = owned(conn, user_id, id)?;
    let agent = bound_agent(conn, user_id, &c)?;
    let share = share_token(conn, c.id)?;
    let mut query = messages::table
        .filter(messages::thread_id.eq(id))
        .order(messages::id.asc())
        .select(Message::as_select())
        .into_boxed();
    if branches == Branches::Shown {
        query = query.filter(messages::on_path.eq(true));
    }
    let msgs: Vec<Message> = query.load(conn)?;
    let mut versions = super::branches::versions(conn, id, &msgs)?;
    let mut v = view(c, msgs, agent.as_ref());
    for m in &mut v.messages {
        if let Some(all) = versions.remove(&m.id) {
            m.versions = all;
        }
    }
    v.share_token = share;
    v.tags = crate::server::services::tags::of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default();
    Ok(v)
}
