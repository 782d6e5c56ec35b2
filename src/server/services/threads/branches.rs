//! A thread is a tree of versions. Regenerate and "Edit & resend" never
//! delete: they take the old message and what followed it off the shown
//! branch ([`leave`]) and the new one is written as its sibling. Every
//! message points at the one it follows (`parent_id`); `on_path` marks the
//! branch the thread shows, from a root to a leaf, so the shown messages
//! in id order are that branch (a child is always newer than its parent).

use crate::error::AppError;
use crate::model::chat::MessageStatus;
use crate::server::db::rows::Message;
use crate::server::db::schema::messages;
use crate::server::db::Conn;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// The last message of the shown branch: what a new message follows.
pub fn tip(conn: &mut Conn, thread_id: i64) -> Result<Option<i64>, AppError> {
    Ok(messages::table
        .filter(messages::thread_id.eq(thread_id))
        .filter(messages::on_path.eq(true))
        .select(diesel::dsl::max(messages::id))
        .first(conn)?)
}

/// Takes message `from` and everything shown after it off the shown
/// branch; they stay, as the older version.
pub(super) fn leave(conn: &mut Conn, thread_id: i64, from: i64) -> Result<(), AppError> {
    diesel::update(
        messages::table
            .filter(messages::thread_id.eq(thread_id))
            .filter(messages::on_path.eq(true))
            .filter(messages::id.ge(from)),
    )
    .set(messages::on_path.eq(false))
    .execute(conn)?;
    Ok(())
}

/// The versions of each shown message of `messages` that has more than
/// one: the ids of the messages that follow the same parent, oldest first.
pub fn versions(
    conn: &mut Conn,
    thread_id: i64,
    messages: &[Message],
) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    // A sibling of a shown message is a hidden message with the same parent.
    let hidden: Vec<(i64, Option<i64>)> = messages::table
        .filter(messages::thread_id.eq(thread_id))
        .filter(messages::on_path.eq(false))
        .select((messages::id, messages::parent_id))
        .load(conn)?;
    let mut by_parent: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
    for (id, parent) in hidden {
        by_parent.entry(parent).or_default().push(id);
    }
    let mut out = HashMap::new();
    for m in messages.iter().filter(|m| m.on_path) {
        if let Some(others) = by_parent.get(&m.parent_id) {
            let mut all = others.clone();
            all.push(m.id);
            all.sort_unstable();
            out.insert(m.id, all);
        }
    }
    Ok(out)
}

/// Shows the branch through `message` (a message of `thread_id`): its
/// ancestors, itself, then at each step its newest follower.
fn show(conn: &mut Conn, thread_id: i64, message: i64) -> Result<(), AppError> {
    let all: Vec<(i64, Option<i64>, bool)> = messages::table
        .filter(messages::thread_id.eq(thread_id))
        .select((messages::id, messages::parent_id, messages::on_path))
        .load(conn)?;
    let parent: HashMap<i64, Option<i64>> = all.iter().map(|&(id, p, _)| (id, p)).collect();
    if !parent.contains_key(&message) {
        return Err(AppError::not_found("No such message."));
    }
    let mut newest_child: HashMap<i64, i64> = HashMap::new();
    for &(id, p, _) in &all {
        if let Some(p) = p {
            let c = newest_child.entry(p).or_insert(id);
            *c = (*c).max(id);
        }
    }
    let mut path = HashSet::new();
    let mut up = Some(message);
    while let Some(id) = up {
        if !path.insert(id) {
            break;
        }
        up = parent.get(&id).copied().flatten();
    }
    let mut down = newest_child.get(&message).copied();
    while let Some(id) = down {
        if !path.insert(id) {
            break;
        }
        down = newest_child.get(&id).copied();
    }
    let flips: Vec<(i64, bool)> = all
        .iter()
        .filter(|(id, _, shown)| path.contains(id) != *shown)
        .map(|&(id, _, _)| (id, path.contains(&id)))
        .collect();
    for on in [true, false] {
        let ids: Vec<i64> = flips.iter().filter(|f| f.1 == on).map(|f| f.0).collect();
        for chunk in ids.chunks(500) {
            diesel::update(messages::table.filter(messages::id.eq_any(chunk)))
                .set(messages::on_path.eq(on))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Whether the thread has a reply being written: no branch changes then.
pub(super) fn streaming_in(conn: &mut Conn, thread_id: i64) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        messages::table
            .filter(messages::thread_id.eq(thread_id))
            .filter(messages::status.eq(MessageStatus::Streaming)),
    ))
    .get_result(conn)?)
}

/// "‹ 2/3 ›": shows version `message_id` of the user's chat message (409
/// while a reply is being written). Answers it (its thread, its parent).
pub fn select(conn: &mut Conn, user_id: i64, message_id: i64) -> Result<Message, AppError> {
    conn.immediate_transaction(|conn| {
        let m = crate::server::services::messages::owned(conn, user_id, message_id)?;
        if m.on_path {
            return Ok(m);
        }
        if streaming_in(conn, m.thread_id)? {
            return Err(AppError::conflict(
                "A reply is still being written in this thread.",
            ));
        }
        show(conn, m.thread_id, m.id)?;
        Ok(m)
    })
}
