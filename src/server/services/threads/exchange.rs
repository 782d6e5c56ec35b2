//! A `/v1` exchange kept as a thread (`X-Backrooms-Thread`): a new thread
//! with the request's messages, or the request's last user message added
//! to one of the caller's threads; then a `streaming` reply that the
//! completion fills when it ends (with its tokens, into the ledger).

use super::begin::{insert_reply, title_from};
use super::branches::{streaming_in, tip};
use super::limits::CONTENT_MAX;
use super::read::owned;
use super::write::create;
use crate::error::AppError;
use crate::model::chat::{MessageStatus, NewThread, Role};
use crate::server::db::rows::{NewMessage, ProviderModel};
use crate::server::db::Conn;
use crate::server::db::{now, schema::messages, schema::threads};
use crate::server::llm::chat::ChatMessage;
use diesel::prelude::*;

/// Where the exchange goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    New,
    In(i64),
}

impl Keep {
    /// `new` or a thread's id, as the header carries it.
    pub fn parse(header: &str) -> Result<Keep, AppError> {
        let v = header.trim();
        if v.eq_ignore_ascii_case("new") {
            return Ok(Keep::New);
        }
        v.parse::<i64>().map(Keep::In).map_err(|_| {
            AppError::invalid(
                "X-Backrooms-Thread",
                "X-Backrooms-Thread is `new` or the id of one of your threads.",
            )
        })
    }
}

/// Stores the asked messages (system prompts stay out, as in the app) and
/// the empty reply; answers (thread, reply).
pub fn open(
    conn: &mut Conn,
    user: i64,
    keep: Keep,
    model: &ProviderModel,
    agent: Option<i64>,
    asked: &[ChatMessage],
) -> Result<(i64, i64), AppError> {
    let spoken: Vec<&ChatMessage> = asked.iter().filter(|m| m.role != Role::System).collect();
    if spoken.iter().any(|m| m.content.len() > CONTENT_MAX) {
        return Err(AppError::invalid(
            "messages",
            format!(
                "A message kept in a thread is at most {} KB.",
                CONTENT_MAX / 1024
            ),
        ));
    }
    let last_user = spoken.iter().rev().find(|m| m.role == Role::User).copied();
    conn.immediate_transaction(|conn| {
        let (thread, keep_these): (i64, Vec<&ChatMessage>) = match keep {
            Keep::New => {
                let title = last_user.map(|m| title_from(&m.content));
                let t = create(
                    conn,
                    user,
                    &NewThread {
                        title,
                        model_id: Some(model.id),
                        agent_id: agent,
                        ..NewThread::default()
                    },
                )?;
                (t.id, spoken.clone())
            }
            Keep::In(id) => {
                owned(conn, user, id)?;
                if streaming_in(conn, id)? {
                    return Err(AppError::conflict(
                        "That thread is still writing a reply; wait for it to finish.",
                    ));
                }
                (id, last_user.into_iter().collect())
            }
        };
        let ts = now();
        let mut parent = tip(conn, thread)?;
        for m in keep_these {
            let id = diesel::insert_into(messages::table)
                .values(NewMessage {
                    thread_id: thread,
                    parent_id: parent,
                    role: m.role,
                    content: &m.content,
                    status: MessageStatus::Complete,
                    model_sdk_id: None,
                    created_at: ts,
                    updated_at: ts,
                })
                .returning(messages::id)
                .get_result::<i64>(conn)?;
            parent = Some(id);
        }
        let reply = insert_reply(conn, thread, parent, &model.model_sdk_id, ts)?;
        diesel::update(threads::table.find(thread))
            .set(threads::updated_at.eq(ts))
            .execute(conn)?;
        Ok((thread, reply.id))
    })
}
