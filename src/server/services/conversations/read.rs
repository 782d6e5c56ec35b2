//! Reading one thread: who owns it, its agent, its share link, its full view.

use crate::error::AppError;
use crate::model::chat::ConversationView;
use crate::server::db::rows::{Agent, Conversation, Message};
use crate::server::db::schema::{conversations, messages, shares};
use crate::server::services::agents;
use diesel::prelude::*;

/// Someone else's thread answers exactly like a missing one.
pub fn owned(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<Conversation, AppError> {
    conversations::table
        .find(id)
        .filter(conversations::user_id.eq(user_id))
        .filter(conversations::kind.eq("chat"))
        .select(Conversation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such conversation."))
}

/// The thread's share-link token, if it has one.
pub fn share_token(conn: &mut SqliteConnection, id: i64) -> Result<Option<String>, AppError> {
    Ok(shares::table
        .filter(shares::conversation_id.eq(id))
        .select(shares::token)
        .first(conn)
        .optional()?)
}

/// The thread's agent, while the user can still see it (an agent that was
/// unshared since no longer applies).
pub fn bound_agent(
    conn: &mut SqliteConnection,
    user_id: i64,
    c: &Conversation,
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

pub(super) fn view(
    c: Conversation,
    messages: Vec<Message>,
    agent: Option<&Agent>,
) -> ConversationView {
    ConversationView {
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

pub fn get(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
) -> Result<ConversationView, AppError> {
    let c = owned(conn, user_id, id)?;
    let agent = bound_agent(conn, user_id, &c)?;
    let share = share_token(conn, c.id)?;
    let msgs = messages::table
        .filter(messages::conversation_id.eq(id))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?;
    let mut v = view(c, msgs, agent.as_ref());
    v.share_token = share;
    v.tags = crate::server::services::tags::of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default();
    Ok(v)
}
