//! Read-only links to a thread. The token is 32 random bytes (hex), the
//! only thing that grants access; revoking deletes it.

use super::attachments;
use super::threads as thread_service;
use crate::error::AppError;
use crate::model::chat::{SharedMessage, SharedThread};
use crate::server::db::rows::{Attachment, Message};
use crate::server::db::Conn;
use crate::server::db::{
    now, schema::message_attachments, schema::messages, schema::shares, schema::threads,
};
use diesel::prelude::*;

/// The thread's link token, made on first use.
pub fn share(conn: &mut Conn, user_id: i64, id: i64) -> Result<String, AppError> {
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
pub fn revoke(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    thread_service::owned(conn, user_id, id)?;
    diesel::delete(shares::table.filter(shares::thread_id.eq(id))).execute(conn)?;
    Ok(())
}

/// The thread a live link opens: `(id, title, created_at)`, 404 for an
/// unknown or revoked token.
fn thread_of(conn: &mut Conn, token: &str) -> Result<(i64, String, i64), AppError> {
    let gone = || AppError::not_found("This link does not exist or was revoked.");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(gone());
    }
    shares::table
        .inner_join(threads::table)
        .filter(shares::token.eq(token))
        .select((threads::id, threads::title, threads::created_at))
        .first(conn)
        .optional()?
        .ok_or_else(gone)
}

/// The ids of the messages a link shows: the thread's current branch,
/// finished.
#[diesel::dsl::auto_type]
fn shown(thread: i64) -> _ {
    let on_path: bool = true;
    let streaming: crate::model::chat::MessageStatus = crate::model::chat::MessageStatus::Streaming;
    let empty: &'static str = "";
    messages::table
        .filter(messages::thread_id.eq(thread))
        .filter(messages::on_path.eq(on_path))
        .filter(messages::status.ne(streaming))
        .filter(messages::content.ne(empty))
}

fn shown_messages(conn: &mut Conn, thread: i64) -> Result<Vec<Message>, AppError> {
    Ok(shown(thread)
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?)
}

/// What anyone with the link sees: the title and the finished messages
/// with their files and sources, nothing about the owner, models or
/// providers.
pub fn shared(conn: &mut Conn, token: &str) -> Result<SharedThread, AppError> {
    let (id, title, created_at) = thread_of(conn, token)?;
    let rows = shown_messages(conn, id)?;
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let mut files = attachments::of_messages(conn, &ids)?;
    let mut sources = attachments::sources_of(conn, &ids)?;
    Ok(SharedThread {
        title,
        created_at,
        messages: rows
            .into_iter()
            .map(|m| SharedMessage {
                role: m.role,
                attachments: files.remove(&m.id).unwrap_or_default(),
                sources: sources.remove(&m.id).unwrap_or_default(),
                content: m.content,
                html: None,
            })
            .collect(),
    })
}

/// A file of a message the link shows, with its bytes; 404 for any other
/// file, and once the link is revoked.
pub fn attachment(
    conn: &mut Conn,
    token: &str,
    attachment: i64,
) -> Result<(Attachment, Vec<u8>), AppError> {
    let (id, _, _) = thread_of(conn, token)?;
    // One query, whatever the thread's length: is the file on a message
    // the link shows?
    let on_thread: bool = diesel::select(diesel::dsl::exists(
        message_attachments::table
            .filter(message_attachments::attachment_id.eq(attachment))
            .filter(message_attachments::message_id.eq_any(shown(id).select(messages::id))),
    ))
    .get_result(conn)?;
    if !on_thread {
        return Err(AppError::not_found("No such attachment."));
    }
    attachments::bytes_of(conn, attachment)
}
