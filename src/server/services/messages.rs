//! Messages as the engine writes them: growing content, the final state,
//! and what a restart finds half-written.

use crate::error::AppError;
use crate::server::db::rows::{Message, MessageEnd};
use crate::server::db::Conn;
use crate::server::db::{now, schema::messages, schema::reply_owners, schema::threads};
use diesel::prelude::*;

/// A chat message the user may see: theirs, through its thread
/// (backroom turns are reached through their backroom).
pub fn owned(conn: &mut Conn, user_id: i64, id: i64) -> Result<Message, AppError> {
    messages::table
        .inner_join(threads::table)
        .filter(messages::id.eq(id))
        .filter(threads::user_id.eq(user_id))
        .filter(threads::kind.eq("chat"))
        .select(Message::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such message."))
}

pub fn get(conn: &mut Conn, id: i64) -> Result<Message, AppError> {
    messages::table
        .find(id)
        .select(Message::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such message."))
}

/// Saves the reply so far (at least every 500 ms while streaming).
pub fn save_progress(conn: &mut Conn, id: i64, content: &str) -> Result<(), AppError> {
    diesel::update(
        messages::table
            .find(id)
            .filter(messages::status.eq(crate::model::chat::MessageStatus::Streaming)),
    )
    .set((
        messages::content.eq(content),
        messages::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Writes the reply's end; its tokens (when the provider told them) go
/// into the usage ledger in the same transaction.
pub fn finish(conn: &mut Conn, id: i64, end: MessageEnd) -> Result<(), AppError> {
    let tokens = |t: Option<Option<i32>>| t.flatten().map(i64::from);
    let used = (tokens(end.prompt_tokens), tokens(end.completion_tokens));
    let at = end.updated_at;
    conn.immediate_transaction(|conn| {
        diesel::update(messages::table.find(id))
            .set(end)
            .execute(conn)?;
        diesel::delete(reply_owners::table.find(id)).execute(conn)?;
        if used.0.is_some() || used.1.is_some() {
            super::usage::record(conn, id, used.0.unwrap_or(0), used.1.unwrap_or(0), at)?;
        }
        Ok(())
    })
}

/// The replies being written in thread `thread_id` (on any replica).
pub fn streaming_in(conn: &mut Conn, thread_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(messages::table
        .filter(messages::thread_id.eq(thread_id))
        .filter(messages::status.eq(crate::model::chat::MessageStatus::Streaming))
        .select(messages::id)
        .load(conn)?)
}

/// SQLite at boot: a reply still `streaming` lost its runner with the last
/// process.
pub fn mark_interrupted(conn: &mut Conn) -> Result<usize, AppError> {
    diesel::delete(reply_owners::table).execute(conn)?;
    Ok(diesel::update(
        messages::table.filter(messages::status.eq(crate::model::chat::MessageStatus::Streaming)),
    )
    .set((
        messages::status.eq(crate::model::chat::MessageStatus::Interrupted),
        messages::updated_at.eq(now()),
    ))
    .execute(conn)?)
}
