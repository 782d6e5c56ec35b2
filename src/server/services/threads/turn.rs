//! What the engine needs to generate one reply ([`Turn`]), and its parts:
//! the model, the provider and the history the model sees.

use crate::error::AppError;
use crate::model::provider::ApiFormat;
use crate::server::db::rows::{Agent, Message, Provider, ProviderModel};
use crate::server::db::schema::{messages, provider_models};
use crate::server::db::Conn;
use crate::server::llm::chat::{ChatMessage, Role};
use crate::server::services::models::usable_model;
use crate::server::services::{attachments, settings};
use diesel::prelude::*;

/// Everything the engine needs to generate one reply.
#[derive(Clone, Debug)]
pub struct Turn {
    pub thread_id: i64,
    pub user_message_id: Option<i64>,
    pub assistant_message_id: i64,
    pub provider: TurnProvider,
    pub upstream_model: String,
    pub history: Vec<ChatMessage>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
}

/// The provider's wire format and the still-encrypted key.
#[derive(Clone, Debug)]
pub struct TurnProvider {
    pub format: ApiFormat,
    pub base_url: Option<String>,
    pub encrypted_key: Option<Vec<u8>>,
    pub name: String,
    /// An account's own key that may not reach private addresses: the
    /// engine calls it through `llm::guard`.
    pub guarded: bool,
}

/// How much document text (characters) one turn carries, all files
/// together: within it each file goes whole; past it the turn gets the
/// pieces of its files that best match its message instead.
pub const DOCUMENTS_BUDGET: usize = 200_000;
/// The excerpts' share when files are searched.
pub const EXCERPTS_BUDGET: usize = 12_000;

/// The thread so far as the model sees it for reply `before_id`: finished
/// turns only, with the pictures and documents each message went out
/// with. A model that does not see pictures gets a line naming them
/// instead. Files too long to go whole, and the agent's knowledge shelf,
/// are searched with the last message; the excerpts it gets are recorded
/// on the reply as its sources.
pub(super) fn history(
    conn: &mut Conn,
    thread_id: i64,
    before_id: i64,
    vision: bool,
    agent: Option<&Agent>,
) -> Result<Vec<ChatMessage>, AppError> {
    let rows: Vec<Message> = messages::table
        .filter(messages::thread_id.eq(thread_id))
        .filter(messages::on_path.eq(true))
        .filter(messages::id.lt(before_id))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let mut carried = attachments::carried(conn, &ids)?;
    let total: usize = carried
        .values()
        .flat_map(|c| c.documents.iter())
        .map(|(_, _, text)| text.chars().count())
        .sum();
    let whole = total <= DOCUMENTS_BUDGET;
    let with_files: std::collections::HashSet<i64> = carried.keys().copied().collect();
    let mut searched: Vec<i64> = match agent {
        Some(a) => attachments::knowledge::ids(conn, a.id)?,
        None => Vec::new(),
    };
    let mut history: Vec<ChatMessage> = rows
        .into_iter()
        .filter(|m| !m.content.is_empty() || with_files.contains(&m.id))
        .filter(|m| {
            m.role == Role::User
                || m.role == Role::System
                || m.status == crate::model::chat::MessageStatus::Complete
                || m.status == crate::model::chat::MessageStatus::Stopped
        })
        .map(|m| {
            let mut message = ChatMessage::text(m.role, m.content);
            if let Some(files) = carried.remove(&m.id) {
                for (id, name, text) in files.documents {
                    let name = name.replace('"', "'");
                    if whole {
                        message
                            .content
                            .push_str(&format!("\n\n<file name=\"{name}\">\n{text}\n</file>"));
                    } else {
                        searched.push(id);
                        message.content.push_str(&format!(
                            "\n\n<file name=\"{name}\">[{} characters: too long to send whole; \
                             the excerpts that match the latest message follow it]</file>",
                            text.chars().count()
                        ));
                    }
                }
                if vision {
                    message.images = files.images;
                } else if !files.images.is_empty() {
                    message.content.push_str(&format!(
                        "\n\n[{} picture(s) attached here, which this model cannot see.]",
                        files.images.len()
                    ));
                }
            }
            message
        })
        .collect();
    if !searched.is_empty() {
        if let Some(last) = history.iter_mut().rev().find(|m| m.role == Role::User) {
            let question = last.content.clone();
            let excerpts =
                attachments::retrieval::search(conn, &searched, &question, EXCERPTS_BUDGET)?;
            if !excerpts.is_empty() {
                last.content
                    .push_str(&attachments::retrieval::block(&excerpts));
            }
            attachments::retrieval::record(conn, before_id, &excerpts)?;
        }
    }
    Ok(history)
}

/// Picks the model: the one asked for, else the thread's, else its agent's
/// (while that model is usable), else the global default; none at all is a
/// clear 400.
pub fn resolve_model(
    conn: &mut Conn,
    user: i64,
    asked: Option<i64>,
    thread: Option<i64>,
    agent: Option<&Agent>,
) -> Result<(ProviderModel, Provider), AppError> {
    if let Some(id) = asked.or(thread) {
        return usable_model(conn, user, id);
    }
    if let Some(id) = agent.and_then(|a| a.model_id) {
        if let Ok(found) = usable_model(conn, user, id) {
            return Ok(found);
        }
    }
    let default = provider_models::table
        .filter(provider_models::is_default.eq(true))
        .select(provider_models::id)
        .first::<i64>(conn)
        .optional()?;
    match default {
        Some(id) => usable_model(conn, user, id),
        None => Err(AppError::invalid(
            "model_id",
            "No model was chosen and no default model is set. Pick a model, or ask an admin to set a default.",
        )),
    }
}

/// What the model is told first: the agent's system prompt, if any.
pub(super) fn with_prompt(agent: Option<&Agent>, history: Vec<ChatMessage>) -> Vec<ChatMessage> {
    match agent.filter(|a| !a.system_prompt.is_empty()) {
        Some(a) => std::iter::once(ChatMessage::text(Role::System, a.system_prompt.clone()))
            .chain(history)
            .collect(),
        None => history,
    }
}

pub fn target(conn: &mut Conn, p: &Provider) -> Result<TurnProvider, AppError> {
    let guarded = p.owner_id.is_some() && !settings::own_keys(conn)?.private_addresses;
    Ok(TurnProvider {
        format: ApiFormat::parse(&p.api_format).unwrap_or(ApiFormat::Openai),
        base_url: p.base_url.clone(),
        encrypted_key: p.api_key.clone(),
        name: p.name.clone(),
        guarded,
    })
}
