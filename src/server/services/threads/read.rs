//! Reading one thread: who owns it, its agent, its share link, its full view.

use super::limits::{MESSAGES_MAX, MESSAGES_PAGE};
use crate::error::AppError;
use crate::model::chat::ThreadView;
use crate::server::db::rows::{Agent, Message, Thread};
use crate::server::db::schema::{messages, shares, threads};
use crate::server::db::Conn;
use crate::server::services::agents;
use diesel::prelude::*;

/// Someone else's thread answers exactly like a missing one.
pub fn owned(conn: &mut Conn, user_id: i64, id: i64) -> Result<Thread, AppError> {
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
pub fn share_token(conn: &mut Conn, id: i64) -> Result<Option<String>, AppError> {
    Ok(shares::table
        .filter(shares::thread_id.eq(id))
        .select(shares::token)
        .first(conn)
        .optional()?)
}

/// The thread's agent, while the user can still see it (an agent that was
/// unshared since no longer applies).
pub fn bound_agent(conn: &mut Conn, user_id: i64, c: &Thread) -> Result<Option<Agent>, AppError> {
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
        share_link: None,
        older: None,
        newer: false,
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

/// How much of a thread a read carries: the latest `limit` messages
/// before message `before` and after message `after` (every message when
/// there is no limit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    pub limit: Option<i64>,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl Window {
    /// The latest page of a thread, as its page first shows it.
    pub fn latest() -> Self {
        Window {
            limit: Some(MESSAGES_PAGE),
            ..Window::default()
        }
    }

    /// The page of messages older than `before`.
    pub fn older(before: i64) -> Self {
        Window {
            limit: Some(MESSAGES_PAGE),
            before: Some(before),
            after: None,
        }
    }

    fn check(self) -> Result<Self, AppError> {
        match self.limit {
            Some(n) if !(1..=MESSAGES_MAX).contains(&n) => Err(AppError::invalid(
                "limit",
                format!("limit must be between 1 and {MESSAGES_MAX}."),
            )),
            _ => Ok(self),
        }
    }
}

/// The thread with the branch it shows; each message that has other
/// versions lists them.
pub fn get(conn: &mut Conn, user_id: i64, id: i64) -> Result<ThreadView, AppError> {
    get_with(conn, user_id, id, Branches::Shown, Window::default())
}

/// The thread with the messages `branches` and `window` pick; `older`
/// says where the next page back starts, when there is one.
pub fn get_with(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    branches: Branches,
    window: Window,
) -> Result<ThreadView, AppError> {
    let window = window.check()?;
    let c = owned(conn, user_id, id)?;
    let (msgs, older) = load_messages(conn, id, branches, window)?;
    let newer = match window.before {
        Some(before) => newer_than(conn, id, before.saturating_sub(1))?,
        None => false,
    };
    finish(conn, user_id, c, msgs, older, newer)
}

/// The page around message `at` (a search hit): up to half a page up to
/// it and half a page after it, on the branch the thread shows.
pub fn get_around(conn: &mut Conn, user_id: i64, id: i64, at: i64) -> Result<ThreadView, AppError> {
    let c = owned(conn, user_id, id)?;
    let half = MESSAGES_PAGE / 2;
    let upto = Window {
        limit: Some(half),
        before: Some(at.saturating_add(1)),
        after: None,
    };
    let (mut msgs, older) = load_messages(conn, id, Branches::Shown, upto)?;
    let mut after: Vec<Message> = messages::table
        .filter(messages::thread_id.eq(id))
        .filter(messages::on_path.eq(true))
        .filter(messages::id.gt(at))
        .order(messages::id.asc())
        .limit(half + 1)
        .select(Message::as_select())
        .load(conn)?;
    let newer = after.len() as i64 > half;
    after.truncate(half as usize);
    msgs.extend(after);
    finish(conn, user_id, c, msgs, older, newer)
}

/// A message of the shown branch comes after message `id`.
fn newer_than(conn: &mut Conn, thread: i64, id: i64) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        messages::table
            .filter(messages::thread_id.eq(thread))
            .filter(messages::on_path.eq(true))
            .filter(messages::id.gt(id)),
    ))
    .get_result(conn)?)
}

/// The view of thread `c` with `msgs`: its agent, share link, tags, and
/// each message's versions.
fn finish(
    conn: &mut Conn,
    user_id: i64,
    c: Thread,
    msgs: Vec<Message>,
    older: Option<i64>,
    newer: bool,
) -> Result<ThreadView, AppError> {
    let id = c.id;
    let agent = bound_agent(conn, user_id, &c)?;
    let share = share_token(conn, id)?;
    let mut versions = super::branches::versions(conn, id, &msgs)?;
    let ids: Vec<i64> = msgs.iter().map(|m| m.id).collect();
    let mut files = crate::server::services::attachments::of_messages(conn, &ids)?;
    let mut sources = crate::server::services::attachments::sources_of(conn, &ids)?;
    let mut v = view(c, msgs, agent.as_ref());
    v.older = older;
    v.newer = newer;
    for m in &mut v.messages {
        if let Some(all) = versions.remove(&m.id) {
            m.versions = all;
        }
        if let Some(mine) = files.remove(&m.id) {
            m.attachments = mine;
        }
        if let Some(cited) = sources.remove(&m.id) {
            m.sources = cited;
        }
    }
    v.share_token = share;
    v.tags = crate::server::services::tags::of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default();
    Ok(v)
}

/// The window's messages, oldest first, and the id to read further back
/// from when older ones exist.
fn load_messages(
    conn: &mut Conn,
    id: i64,
    branches: Branches,
    window: Window,
) -> Result<(Vec<Message>, Option<i64>), AppError> {
    let mut query = messages::table
        .filter(messages::thread_id.eq(id))
        .order(messages::id.desc())
        .select(Message::as_select())
        .into_boxed();
    if branches == Branches::Shown {
        query = query.filter(messages::on_path.eq(true));
    }
    if let Some(before) = window.before {
        query = query.filter(messages::id.lt(before));
    }
    if let Some(after) = window.after {
        query = query.filter(messages::id.gt(after));
    }
    if let Some(limit) = window.limit {
        query = query.limit(limit + 1);
    }
    let mut msgs: Vec<Message> = query.load(conn)?;
    let more = window.limit.is_some_and(|n| msgs.len() as i64 > n);
    if more {
        msgs.pop();
    }
    msgs.reverse();
    let older = if more {
        msgs.first().map(|m| m.id)
    } else {
        None
    };
    Ok((msgs, older))
}
