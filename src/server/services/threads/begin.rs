//! Starting a reply: a new message ([`begin_turn`]), an edited one
//! ([`begin_edit`]) or a regenerated reply ([`begin_regenerate`]); and the
//! title a new thread takes from its first message. Edits and regenerates
//! add a version beside the old one ([`super::branches`]); nothing is
//! deleted.

use super::branches::{leave, streaming_in, tip};
use super::limits::{check_max_tokens, check_temperature, CONTENT_MAX};
use super::read::{bound_agent, owned};
use super::turn::{history, resolve_model, target, with_prompt, Turn};
use crate::error::AppError;
use crate::model::attachment::AttachmentKind;
use crate::model::chat::Role;
use crate::model::provider::upstream_id;
use crate::server::db::rows::{Message, NewMessage, ThreadChanges};
use crate::server::db::Conn;
use crate::server::db::{now, schema::messages, schema::threads};
use crate::server::services::attachments;
use diesel::prelude::*;

/// Only the shown version of a message can be edited or regenerated.
fn shown(msg: &Message) -> Result<(), AppError> {
    if msg.on_path {
        Ok(())
    } else {
        Err(AppError::conflict(
            "This is not the version the thread shows; switch to it first.",
        ))
    }
}

/// The empty reply the runner will fill, following `parent_id`.
pub(super) fn insert_reply(
    conn: &mut Conn,
    thread_id: i64,
    parent_id: Option<i64>,
    model_sdk_id: &str,
    ts: i64,
) -> Result<Message, AppError> {
    Ok(diesel::insert_into(messages::table)
        .values(NewMessage {
            thread_id,
            parent_id,
            role: Role::Assistant,
            content: "",
            status: crate::model::chat::MessageStatus::Streaming,
            model_sdk_id: Some(model_sdk_id),
            created_at: ts,
            updated_at: ts,
        })
        .returning(crate::server::db::all::<Message>())
        .get_result::<Message>(conn)?)
}

/// Stores the user's message and a `streaming` reply in one immediate
/// transaction: 409 while the thread already has a reply streaming.
pub fn begin_turn(
    conn: &mut Conn,
    user_id: i64,
    send: &crate::model::chat::ChatSend,
) -> Result<Turn, AppError> {
    begin_turn_replacing(conn, user_id, send, None)
}

/// "Edit & resend": a new version of the user's message `message_id` and a
/// new reply to it, in one transaction; the old one and what followed it
/// stay as the other version.
pub fn begin_edit(
    conn: &mut Conn,
    user_id: i64,
    message_id: i64,
    content: &str,
) -> Result<Turn, AppError> {
    let msg = crate::server::services::messages::owned(conn, user_id, message_id)?;
    if msg.role != Role::User {
        return Err(AppError::bad_request(
            "Only your own messages can be edited.",
        ));
    }
    shown(&msg)?;
    let send = crate::model::chat::ChatSend {
        thread_id: msg.thread_id,
        content: content.to_string(),
        ..Default::default()
    };
    begin_turn_replacing(conn, user_id, &send, Some(message_id))
}

fn begin_turn_replacing(
    conn: &mut Conn,
    user_id: i64,
    send: &crate::model::chat::ChatSend,
    replace_from: Option<i64>,
) -> Result<Turn, AppError> {
    let content = send.content.trim();
    if content.is_empty() && send.attachments.is_empty() {
        return Err(AppError::invalid("content", "The message is empty."));
    }
    if send.content.chars().count() > CONTENT_MAX {
        return Err(AppError::invalid(
            "content",
            format!("The message is longer than {CONTENT_MAX} characters."),
        ));
    }
    check_temperature(send.temperature)?;
    check_max_tokens(send.max_tokens)?;
    conn.immediate_transaction(|conn| {
        let conv = owned(conn, user_id, send.thread_id)?;
        if streaming_in(conn, conv.id)? {
            return Err(AppError::conflict(
                "A reply is still being written in this thread.",
            ));
        }
        let agent = bound_agent(conn, user_id, &conv)?;
        let (model, provider) =
            resolve_model(conn, user_id, send.model_id, conv.model_id, agent.as_ref())?;
        if let Some(from) = replace_from {
            leave(conn, conv.id, from)?;
        }
        let ts = now();
        let user_msg: Message = diesel::insert_into(messages::table)
            .values(NewMessage {
                thread_id: conv.id,
                parent_id: tip(conn, conv.id)?,
                role: Role::User,
                content: &send.content,
                status: crate::model::chat::MessageStatus::Complete,
                model_sdk_id: None,
                created_at: ts,
                updated_at: ts,
            })
            .returning(crate::server::db::all::<Message>())
            .get_result::<Message>(conn)?;
        let files = attachments::attach(conn, user_id, user_msg.id, &send.attachments)?;
        if !model.vision && files.iter().any(|f| f.kind == AttachmentKind::Image) {
            return Err(AppError::invalid(
                "attachments",
                format!(
                    "{} does not see pictures; pick a model marked as seeing them, or send \
                     the message without its pictures.",
                    model.model_sdk_id
                ),
            ));
        }
        let reply = insert_reply(conn, conv.id, Some(user_msg.id), &model.model_sdk_id, ts)?;
        let temperature = send
            .temperature
            .or(conv.temperature)
            .or(agent.as_ref().map(|a| a.temperature));
        let max_tokens = send
            .max_tokens
            .or(conv.max_tokens)
            .or(agent.as_ref().and_then(|a| a.max_tokens));
        // A plain thread keeps the model it last used; an agent's thread
        // follows its agent unless a model was picked for it.
        let keep_model = match &agent {
            Some(_) => send.model_id,
            None => Some(model.id),
        };
        let title = if conv.title.is_empty() {
            Some(title_from(content))
        } else {
            None
        };
        diesel::update(threads::table.find(conv.id))
            .set(ThreadChanges {
                title,
                model_id: keep_model.map(Some),
                temperature: send.temperature.map(Some),
                max_tokens: send.max_tokens.map(Some),
                updated_at: Some(ts),
                ..Default::default()
            })
            .execute(conn)?;
        Ok(Turn {
            thread_id: conv.id,
            user_message_id: Some(user_msg.id),
            assistant_message_id: reply.id,
            provider: target(conn, &provider)?,
            upstream_model: upstream_id(&model.model_sdk_id).to_string(),
            history: with_prompt(
                agent.as_ref(),
                history(conn, conv.id, reply.id, model.vision, agent.as_ref())?,
            ),
            temperature,
            max_tokens: max_tokens.map(|n| n as u32),
        })
    })
}

/// A new version of a finished reply, generated from the same history; the
/// old reply and what followed it stay as the other version.
pub fn begin_regenerate(conn: &mut Conn, user_id: i64, message_id: i64) -> Result<Turn, AppError> {
    conn.immediate_transaction(|conn| {
        let msg = messages::table
            .find(message_id)
            .select(Message::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("No such message."))?;
        let conv = owned(conn, user_id, msg.thread_id)
            .map_err(|_| AppError::not_found("No such message."))?;
        if msg.role != Role::Assistant {
            return Err(AppError::bad_request("Only a reply can be regenerated."));
        }
        shown(&msg)?;
        if streaming_in(conn, conv.id)? {
            return Err(AppError::conflict(
                "A reply is still being written in this thread.",
            ));
        }
        let agent = bound_agent(conn, user_id, &conv)?;
        let (model, provider) = resolve_model(conn, user_id, None, conv.model_id, agent.as_ref())?;
        leave(conn, conv.id, message_id)?;
        let ts = now();
        let reply = insert_reply(conn, conv.id, msg.parent_id, &model.model_sdk_id, ts)?;
        diesel::update(threads::table.find(conv.id))
            .set(threads::updated_at.eq(ts))
            .execute(conn)?;
        Ok(Turn {
            thread_id: conv.id,
            user_message_id: None,
            assistant_message_id: reply.id,
            provider: target(conn, &provider)?,
            upstream_model: upstream_id(&model.model_sdk_id).to_string(),
            history: with_prompt(
                agent.as_ref(),
                history(conn, conv.id, reply.id, model.vision, agent.as_ref())?,
            ),
            temperature: conv.temperature.or(agent.as_ref().map(|a| a.temperature)),
            max_tokens: conv
                .max_tokens
                .or(agent.as_ref().and_then(|a| a.max_tokens))
                .map(|n| n as u32),
        })
    })
}

/// The first line of the first message, shortened on a word boundary.
pub fn title_from(content: &str) -> String {
    let line = content
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() <= 60 {
        return line.to_string();
    }
    let cut: String = line.chars().take(60).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles() {
        assert_eq!(super::title_from("\n  Hello there \nmore"), "Hello there");
        let long = "word ".repeat(30);
        let t = super::title_from(&long);
        assert!(t.ends_with('…') && t.chars().count() <= 61, "{t}");
    }
}
