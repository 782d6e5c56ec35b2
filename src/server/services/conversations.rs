//! Chat threads: owner-only CRUD with keyset pagination, and preparing a
//! turn (the user's message, the reply placeholder, the model to call).

use super::models::{usable_model, MAX_TOKENS_LIMIT};
use super::{agents, validate};
use crate::error::AppError;
use crate::model::chat::{
    ConversationPage, ConversationPatch, ConversationSummary, ConversationView, NewConversation,
};
use crate::model::provider::{upstream_id, ApiFormat};
use crate::server::db::rows::{
    Agent, Conversation, ConversationChanges, Message, NewConversationRow, NewMessage, Provider,
    ProviderModel,
};
use crate::server::db::{
    now, schema::conversations, schema::messages, schema::provider_models, schema::shares,
};
use crate::server::llm::chat::{ChatMessage, Role};
use diesel::prelude::*;

pub const TITLE_MAX: usize = 200;
pub const CONTENT_MAX: usize = 100_000;
pub const PAGE_DEFAULT: i64 = 30;
pub const PAGE_MAX: i64 = 100;

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

fn check_temperature(t: Option<f32>) -> Result<(), AppError> {
    match t {
        Some(t) if !(0.0..=2.0).contains(&t) || t.is_nan() => Err(AppError::invalid(
            "temperature",
            "temperature must be between 0 and 2.",
        )),
        _ => Ok(()),
    }
}

fn check_max_tokens(n: Option<i32>) -> Result<(), AppError> {
    match n {
        Some(n) if !(1..=MAX_TOKENS_LIMIT).contains(&n) => Err(AppError::invalid(
            "max_tokens",
            format!("max_tokens must be between 1 and {MAX_TOKENS_LIMIT}."),
        )),
        _ => Ok(()),
    }
}

/// The thread's share-link token, if it has one.
pub fn share_token(conn: &mut SqliteConnection, id: i64) -> Result<Option<String>, AppError> {
    Ok(shares::table
        .filter(shares::conversation_id.eq(id))
        .select(shares::token)
        .first(conn)
        .optional()?)
}

fn summary(c: &Conversation, tags: Vec<String>) -> ConversationSummary {
    ConversationSummary {
        id: c.id,
        title: c.title.clone(),
        model_id: c.model_id,
        updated_at: c.updated_at,
        pinned: c.pinned,
        folder_id: c.folder_id,
        archived: c.archived,
        tags,
    }
}

pub fn create(
    conn: &mut SqliteConnection,
    user_id: i64,
    input: &NewConversation,
) -> Result<ConversationView, AppError> {
    let title =
        validate::optional_text("title", input.title.as_deref(), TITLE_MAX)?.unwrap_or_default();
    check_temperature(input.temperature)?;
    check_max_tokens(input.max_tokens)?;
    if let Some(id) = input.model_id {
        usable_model(conn, id)?;
    }
    if let Some(agent) = input.agent_id {
        agents::visible(conn, user_id, agent)
            .map_err(|_| AppError::invalid("agent_id", "agent_id is not one of your agents."))?;
    }
    let ts = now();
    let row = diesel::insert_into(conversations::table)
        .values(NewConversationRow {
            user_id,
            title,
            model_id: input.model_id,
            temperature: input.temperature,
            max_tokens: input.max_tokens,
            pinned: false,
            created_at: ts,
            updated_at: ts,
            agent_id: input.agent_id,
        })
        .returning(Conversation::as_returning())
        .get_result(conn)?;
    let agent = bound_agent(conn, user_id, &row)?;
    Ok(view(row, Vec::new(), agent.as_ref()))
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

fn view(c: Conversation, messages: Vec<Message>, agent: Option<&Agent>) -> ConversationView {
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

/// Which threads a list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// `None`: any folder; `Some(None)`: outside every folder.
    pub folder: Option<Option<i64>>,
    pub tag: Option<String>,
    /// Archived threads instead of the others.
    pub archived: bool,
}

/// Where the next page starts: `{pinned}.{updated_at}.{id}` of the last row.
fn parse_cursor(cursor: &str) -> Option<(bool, i64, i64)> {
    let mut parts = cursor.split('.');
    let pinned = match parts.next()? {
        "1" => true,
        "0" => false,
        _ => return None,
    };
    let ts = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((pinned, ts, id))
}

/// Pinned first, then newest first; `before` is the `next_cursor` of the
/// previous page.
pub fn list(
    conn: &mut SqliteConnection,
    user_id: i64,
    limit: Option<i64>,
    before: Option<&str>,
    filter: &Filter,
) -> Result<ConversationPage, AppError> {
    use crate::server::db::schema::conversation_tags;
    let limit = limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("limit must be between 1 and {PAGE_MAX}."),
        ));
    }
    let mut query = conversations::table
        .filter(conversations::user_id.eq(user_id))
        .filter(conversations::kind.eq("chat"))
        .filter(conversations::archived.eq(filter.archived))
        .into_boxed();
    match filter.folder {
        None => {}
        Some(None) => query = query.filter(conversations::folder_id.is_null()),
        Some(Some(f)) => query = query.filter(conversations::folder_id.eq(f)),
    }
    if let Some(tag) = &filter.tag {
        query = query.filter(
            conversations::id.eq_any(
                conversation_tags::table
                    .filter(conversation_tags::tag.eq(tag.trim().to_lowercase()))
                    .select(conversation_tags::conversation_id),
            ),
        );
    }
    if let Some(cursor) = before {
        let (pinned, ts, id) = parse_cursor(cursor)
            .ok_or_else(|| AppError::invalid("before", "before must be a next_cursor value."))?;
        let same_group = conversations::updated_at
            .lt(ts)
            .or(conversations::updated_at
                .eq(ts)
                .and(conversations::id.lt(id)));
        query = if pinned {
            query.filter(
                conversations::pinned
                    .eq(false)
                    .or(conversations::pinned.eq(true).and(same_group)),
            )
        } else {
            query.filter(conversations::pinned.eq(false).and(same_group))
        };
    }
    let rows: Vec<Conversation> = query
        .order((
            conversations::pinned.desc(),
            conversations::updated_at.desc(),
            conversations::id.desc(),
        ))
        .limit(limit + 1)
        .select(Conversation::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let mut tags = super::tags::of(conn, &ids)?;
    let items: Vec<ConversationSummary> = rows
        .iter()
        .map(|c| summary(c, tags.remove(&c.id).unwrap_or_default()))
        .collect();
    let next_cursor = more
        .then(|| {
            items
                .last()
                .map(|c| format!("{}.{}.{}", u8::from(c.pinned), c.updated_at, c.id))
        })
        .flatten();
    Ok(ConversationPage { items, next_cursor })
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
    v.tags = super::tags::of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default();
    Ok(v)
}

pub fn update(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
    patch: &ConversationPatch,
) -> Result<ConversationView, AppError> {
    owned(conn, user_id, id)?;
    let title = patch
        .title
        .as_deref()
        .map(|t| {
            validate::optional_text("title", Some(t), TITLE_MAX).map(Option::unwrap_or_default)
        })
        .transpose()?;
    check_temperature(patch.temperature)?;
    check_max_tokens(patch.max_tokens)?;
    if let Some(m) = patch.model_id {
        usable_model(conn, m)?;
    }
    if let Some(Some(folder)) = patch.folder_id {
        super::folders::owned(conn, user_id, folder)
            .map_err(|_| AppError::invalid("folder_id", "folder_id is not one of your folders."))?;
    }
    let tags = patch
        .tags
        .as_deref()
        .map(super::tags::normalise)
        .transpose()?;
    // Organising a thread (pin, folder, archive, tags) does not make it newer.
    let edited = title.is_some()
        || patch.model_id.is_some()
        || patch.temperature.is_some()
        || patch.max_tokens.is_some();
    let changes = ConversationChanges {
        title,
        model_id: patch.model_id.map(Some),
        temperature: patch.temperature.map(Some),
        max_tokens: patch.max_tokens.map(Some),
        pinned: patch.pinned,
        folder_id: patch.folder_id,
        archived: patch.archived,
        updated_at: edited.then(now),
    };
    let any_column =
        edited || patch.pinned.is_some() || patch.folder_id.is_some() || patch.archived.is_some();
    conn.immediate_transaction(|conn| {
        if any_column {
            diesel::update(conversations::table.find(id))
                .set(changes)
                .execute(conn)?;
        }
        if let Some(tags) = &tags {
            super::tags::set(conn, id, tags)?;
        }
        Ok::<_, AppError>(())
    })?;
    get(conn, user_id, id)
}

pub fn delete(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<(), AppError> {
    owned(conn, user_id, id)?;
    diesel::delete(conversations::table.find(id)).execute(conn)?;
    Ok(())
}

/// Everything the engine needs to generate one reply.
#[derive(Clone, Debug)]
pub struct Turn {
    pub conversation_id: i64,
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
}

fn streaming_in(conn: &mut SqliteConnection, conversation_id: i64) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(
        messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::status.eq(crate::model::chat::MessageStatus::Streaming)),
    ))
    .get_result(conn)?)
}

/// The conversation so far as the model sees it: finished turns only.
fn history(
    conn: &mut SqliteConnection,
    conversation_id: i64,
    before_id: i64,
) -> Result<Vec<ChatMessage>, AppError> {
    let rows: Vec<Message> = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::id.lt(before_id))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|m| !m.content.is_empty())
        .filter(|m| {
            m.role == "user"
                || m.role == "system"
                || m.status == crate::model::chat::MessageStatus::Complete
                || m.status == crate::model::chat::MessageStatus::Stopped
        })
        .map(|m| ChatMessage {
            role: match m.role.as_str() {
                "system" => Role::System,
                "assistant" => Role::Assistant,
                _ => Role::User,
            },
            content: m.content,
        })
        .collect())
}

/// Picks the model: the one asked for, else the thread's, else its agent's
/// (while that model is usable), else the global default; none at all is a
/// clear 400.
pub fn resolve_model(
    conn: &mut SqliteConnection,
    asked: Option<i64>,
    thread: Option<i64>,
    agent: Option<&Agent>,
) -> Result<(ProviderModel, Provider), AppError> {
    if let Some(id) = asked.or(thread) {
        return usable_model(conn, id);
    }
    if let Some(id) = agent.and_then(|a| a.model_id) {
        if let Ok(found) = usable_model(conn, id) {
            return Ok(found);
        }
    }
    let default = provider_models::table
        .filter(provider_models::is_default.eq(true))
        .select(provider_models::id)
        .first::<i64>(conn)
        .optional()?;
    match default {
        Some(id) => usable_model(conn, id),
        None => Err(AppError::invalid(
            "model_id",
            "No model was chosen and no default model is set. Pick a model, or ask an admin to set a default.",
        )),
    }
}

/// What the model is told first: the agent's system prompt, if any.
fn with_prompt(agent: Option<&Agent>, history: Vec<ChatMessage>) -> Vec<ChatMessage> {
    match agent.filter(|a| !a.system_prompt.is_empty()) {
        Some(a) => std::iter::once(ChatMessage {
            role: Role::System,
            content: a.system_prompt.clone(),
        })
        .chain(history)
        .collect(),
        None => history,
    }
}

pub fn target(p: &Provider) -> TurnProvider {
    TurnProvider {
        format: ApiFormat::parse(&p.api_format).unwrap_or(ApiFormat::Openai),
        base_url: p.base_url.clone(),
        encrypted_key: p.api_key.clone(),
        name: p.name.clone(),
    }
}

/// The empty reply the runner will fill.
fn insert_reply(
    conn: &mut SqliteConnection,
    conversation_id: i64,
    model_sdk_id: &str,
    ts: i64,
) -> Result<Message, AppError> {
    Ok(diesel::insert_into(messages::table)
        .values(NewMessage {
            conversation_id,
            role: "assistant",
            content: "",
            status: crate::model::chat::MessageStatus::Streaming,
            model_sdk_id: Some(model_sdk_id),
            created_at: ts,
            updated_at: ts,
        })
        .returning(Message::as_returning())
        .get_result(conn)?)
}

/// Stores the user's message and a `streaming` reply in one immediate
/// transaction: 409 while the thread already has a reply streaming.
pub fn begin_turn(
    conn: &mut SqliteConnection,
    user_id: i64,
    send: &crate::model::chat::ChatSend,
) -> Result<Turn, AppError> {
    begin_turn_replacing(conn, user_id, send, None)
}

/// "Edit & resend": the user's message `message_id` and everything after
/// it are replaced by `send` and a new reply, in one transaction.
pub fn begin_edit(
    conn: &mut SqliteConnection,
    user_id: i64,
    message_id: i64,
    content: &str,
) -> Result<Turn, AppError> {
    let msg = crate::server::services::messages::owned(conn, user_id, message_id)?;
    if msg.role != "user" {
        return Err(AppError::bad_request(
            "Only your own messages can be edited.",
        ));
    }
    let send = crate::model::chat::ChatSend {
        conversation_id: msg.conversation_id,
        content: content.to_string(),
        ..Default::default()
    };
    begin_turn_replacing(conn, user_id, &send, Some(message_id))
}

fn begin_turn_replacing(
    conn: &mut SqliteConnection,
    user_id: i64,
    send: &crate::model::chat::ChatSend,
    replace_from: Option<i64>,
) -> Result<Turn, AppError> {
    let content = send.content.trim();
    if content.is_empty() {
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
        let conv = owned(conn, user_id, send.conversation_id)?;
        if streaming_in(conn, conv.id)? {
            return Err(AppError::conflict(
                "A reply is still being written in this conversation.",
            ));
        }
        let agent = bound_agent(conn, user_id, &conv)?;
        let (model, provider) = resolve_model(conn, send.model_id, conv.model_id, agent.as_ref())?;
        if let Some(from) = replace_from {
            diesel::delete(
                messages::table
                    .filter(messages::conversation_id.eq(conv.id))
                    .filter(messages::id.ge(from)),
            )
            .execute(conn)?;
        }
        let ts = now();
        let user_msg: Message = diesel::insert_into(messages::table)
            .values(NewMessage {
                conversation_id: conv.id,
                role: "user",
                content: &send.content,
                status: crate::model::chat::MessageStatus::Complete,
                model_sdk_id: None,
                created_at: ts,
                updated_at: ts,
            })
            .returning(Message::as_returning())
            .get_result(conn)?;
        let reply = insert_reply(conn, conv.id, &model.model_sdk_id, ts)?;
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
        diesel::update(conversations::table.find(conv.id))
            .set(ConversationChanges {
                title,
                model_id: keep_model.map(Some),
                temperature: send.temperature.map(Some),
                max_tokens: send.max_tokens.map(Some),
                updated_at: Some(ts),
                ..Default::default()
            })
            .execute(conn)?;
        Ok(Turn {
            conversation_id: conv.id,
            user_message_id: Some(user_msg.id),
            assistant_message_id: reply.id,
            provider: target(&provider),
            upstream_model: upstream_id(&model.model_sdk_id).to_string(),
            history: with_prompt(agent.as_ref(), history(conn, conv.id, reply.id)?),
            temperature,
            max_tokens: max_tokens.map(|n| n as u32),
        })
    })
}

/// Replaces a finished reply with a new one generated from the same history
/// (the reply and anything after it are removed).
pub fn begin_regenerate(
    conn: &mut SqliteConnection,
    user_id: i64,
    message_id: i64,
) -> Result<Turn, AppError> {
    conn.immediate_transaction(|conn| {
        let msg = messages::table
            .find(message_id)
            .select(Message::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("No such message."))?;
        let conv = owned(conn, user_id, msg.conversation_id)
            .map_err(|_| AppError::not_found("No such message."))?;
        if msg.role != "assistant" {
            return Err(AppError::bad_request("Only a reply can be regenerated."));
        }
        if streaming_in(conn, conv.id)? {
            return Err(AppError::conflict(
                "A reply is still being written in this conversation.",
            ));
        }
        let agent = bound_agent(conn, user_id, &conv)?;
        let (model, provider) = resolve_model(conn, None, conv.model_id, agent.as_ref())?;
        diesel::delete(
            messages::table
                .filter(messages::conversation_id.eq(conv.id))
                .filter(messages::id.ge(message_id)),
        )
        .execute(conn)?;
        let ts = now();
        let reply = insert_reply(conn, conv.id, &model.model_sdk_id, ts)?;
        diesel::update(conversations::table.find(conv.id))
            .set(conversations::updated_at.eq(ts))
            .execute(conn)?;
        Ok(Turn {
            conversation_id: conv.id,
            user_message_id: None,
            assistant_message_id: reply.id,
            provider: target(&provider),
            upstream_model: upstream_id(&model.model_sdk_id).to_string(),
            history: with_prompt(agent.as_ref(), history(conn, conv.id, reply.id)?),
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
