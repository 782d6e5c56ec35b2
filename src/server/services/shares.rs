//! Read-only links to a thread. The token is 32 random bytes (hex), the
//! only thing that grants access; revoking deletes it.

use super::threads as thread_service;
use crate::error::AppError;
use crate::model::chat::{SharedMessage, SharedThread};
use crate::server::db::rows::Message;
use crate::server::db::{now, schema::messages, schema::shares, schema::threads};
use diesel::prelude::*;

/// The thread's link token, made on first use.
pub fn share(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<String, AppError> {
    conn.immediate_transaction(|conn| {
        thread_service::owned(conn, user_id, id)?;
        if let Some(token) = thread_service::share_token(conn, id)? {
            return Ok(token);
        }
        let token = hex::encode(rand::random::<[u8; 32]>());
        diesel::insert_into(shares::table)
            .values((
                shares::token.eq(&token),
                shares::thread_id.eq(id),
                shares::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(token)
    })
}

/// The link stops working at once.
pub fn revoke(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<(), AppError> {
    thread_service::owned(conn, user_id, id)?;
    diesel::delete(shares::table.filter(shares::thread_id.eq(id))).execute(conn)?;
    Ok(())
}

/// What anyone with the link sees: the title and the finished messages,
/// nothing about the owner, models or providers.
pub fn shared(conn: &mut SqliteConnection, token: &str) -> Result<SharedThread, AppError> {
    let gone = || AppError::not_found("This link does not exist or was revoked.");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    let (id, title, created_at): (i64, String, i64) = shares::table
        .inner_join(threads::table)
        .filter(shares::token.eq(token))
        .select((threads::id, threads::title, threads::created_at))
        .first(conn)
        .optional()?
        .ok_or_else(gone)?;
    let rows: Vec<Message> = messages::table
        .filter(messages::thread_id.eq(id))
        .filter(messages::on_path.eq(true))
        .filter(messages::status.ne(crate::model::chat::MessageStatus::Streaming))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?;
    Ok(SharedThread {
        title,
        created_at,
        messages: rows
            .into_iter()
            .filter(|m| !m.content.is_empty())
            .map(|m| SharedMessage {
                role: m.role,
                content: m.content,
                html: None,
            })
            .collect(),
    })
}
