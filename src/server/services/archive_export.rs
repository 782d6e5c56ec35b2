//! Exports one user's whole account as an `Archive` (see `model::archive`):
//! folders, own agents, chat threads with every message, notes, prompts,
//! backrooms with participants and turns, the avatar images they use, and
//! the account's uploaded files with the messages and shelves that hold
//! them. Shared links, other users' agents and their files are not part
//! of it.

use crate::error::AppError;
use crate::model::archive::{self, Archive, ModelRef};
use crate::server::db::now;
use crate::server::db::rows::{Agent, Backroom, Message, Participant, Thread};
use crate::server::db::schema::{
    agent_knowledge, agents, attachments, avatars, backrooms, folders, message_attachments,
    message_sources, messages, notes, prompts, provider_models, providers, threads,
};
use crate::server::db::Conn;
use base64::Engine;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// A source of a reply: `(n, attachment, position, page)`.
type Cited = (i32, i64, i32, Option<i32>);

/// Turns database ids into archive indexes as things are added.
struct Index {
    images: Vec<String>,
    models: HashMap<i64, ModelRef>,
    /// The account's own attachments (only those are exported).
    own_files: HashSet<i64>,
    files: Vec<i64>,
    /// Each message's files, in order, and its sources
    /// `(n, attachment, position, page)`.
    message_files: HashMap<i64, Vec<i64>>,
    message_sources: HashMap<i64, Vec<Cited>>,
}

impl Index {
    fn image(&mut self, id: Option<&String>) -> Option<usize> {
        let id = id?;
        Some(match self.images.iter().position(|i| i == id) {
            Some(i) => i,
            None => {
                self.images.push(id.clone());
                self.images.len() - 1
            }
        })
    }

    fn model(&self, id: Option<i64>) -> Option<ModelRef> {
        id.and_then(|id| self.models.get(&id).cloned())
    }

    /// The archive index of one of the account's attachments; `None` for
    /// a file of someone else (a shared agent's shelf cited by a reply).
    fn file(&mut self, id: i64) -> Option<usize> {
        if !self.own_files.contains(&id) {
            return None;
        }
        Some(match self.files.iter().position(|f| *f == id) {
            Some(i) => i,
            None => {
                self.files.push(id);
                self.files.len() - 1
            }
        })
    }

    /// Adds the files and sources of each of `rows` to its archive message.
    fn link_files(&mut self, out: &mut [archive::Message], rows: &[Message]) {
        for (m, row) in out.iter_mut().zip(rows) {
            if let Some(ids) = self.message_files.get(&row.id).cloned() {
                m.files = ids.into_iter().filter_map(|id| self.file(id)).collect();
            }
            if let Some(sources) = self.message_sources.get(&row.id).cloned() {
                m.sources = sources
                    .into_iter()
                    .filter_map(|(n, id, position, page)| {
                        self.file(id).map(|file| archive::Source {
                            n,
                            file,
                            position,
                            page,
                        })
                    })
                    .collect();
            }
        }
    }
}

fn position_of(ids: &[i64], id: Option<i64>) -> Option<usize> {
    id.and_then(|id| ids.iter().position(|i| *i == id))
}

fn message(m: &Message, seats: &[Participant]) -> archive::Message {
    archive::Message {
        role: m.role.as_str().to_string(),
        content: m.content.clone(),
        status: m.status.as_str().to_string(),
        model_sdk_id: m.model_sdk_id.clone(),
        prompt_tokens: m.prompt_tokens,
        completion_tokens: m.completion_tokens,
        ttft_ms: m.ttft_ms,
        total_ms: m.total_ms,
        finish_reason: m.finish_reason.clone(),
        error: m.error.clone(),
        created_at: m.created_at,
        updated_at: m.updated_at,
        seat: m
            .participant_id
            .and_then(|p| seats.iter().find(|s| s.id == p))
            .map(|s| s.position),
        speaker: m.speaker.clone(),
        kind: m.kind.as_str().to_string(),
        parent: None,
        hidden: false,
        files: Vec::new(),
        sources: Vec::new(),
    }
}

/// A thread's messages in id order; when it has versions, each names the
/// one it follows and the older versions are marked hidden.
fn versioned(list: &[Message]) -> Vec<archive::Message> {
    let tree = list.iter().any(|m| !m.on_path);
    let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    list.iter()
        .map(|m| {
            let mut out = message(m, &[]);
            if tree {
                out.parent = m.parent_id.and_then(|p| index.get(&p).copied());
                out.hidden = !m.on_path;
            }
            out
        })
        .collect()
}

fn messages_of(conn: &mut Conn, thread: i64) -> QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::thread_id.eq(thread))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)
}

/// One consistent snapshot (a read transaction) of the account.
pub fn export(conn: &mut Conn, user_id: i64) -> Result<Archive, AppError> {
    conn.transaction(|conn| snapshot(conn, user_id))
}

fn snapshot(conn: &mut Conn, user_id: i64) -> Result<Archive, AppError> {
    let models = provider_models::table
        .inner_join(providers::table)
        .select((
            provider_models::id,
            providers::name,
            provider_models::model_sdk_id,
        ))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, provider, model)| (id, ModelRef { provider, model }))
        .collect();
    let own_files: HashSet<i64> = attachments::table
        .filter(attachments::user_id.eq(user_id))
        .select(attachments::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let mut message_files: HashMap<i64, Vec<i64>> = HashMap::new();
    for (m, a) in message_attachments::table
        .inner_join(messages::table.inner_join(threads::table))
        .filter(threads::user_id.eq(user_id))
        .order((
            message_attachments::message_id,
            message_attachments::position,
        ))
        .select((
            message_attachments::message_id,
            message_attachments::attachment_id,
        ))
        .load::<(i64, i64)>(conn)?
    {
        message_files.entry(m).or_default().push(a);
    }
    let mut message_sources: HashMap<i64, Vec<Cited>> = HashMap::new();
    for (m, n, a, position, page) in message_sources::table
        .inner_join(messages::table.inner_join(threads::table))
        .filter(threads::user_id.eq(user_id))
        .order((message_sources::message_id, message_sources::n))
        .select((
            message_sources::message_id,
            message_sources::n,
            message_sources::attachment_id,
            message_sources::position,
            message_sources::page,
        ))
        .load::<(i64, i32, i64, i32, Option<i32>)>(conn)?
    {
        message_sources
            .entry(m)
            .or_default()
            .push((n, a, position, page));
    }
    let mut ix = Index {
        images: Vec::new(),
        models,
        own_files,
        files: Vec::new(),
        message_files,
        message_sources,
    };

    let folder_rows: Vec<(i64, String, i64, i64)> = folders::table
        .filter(folders::user_id.eq(user_id))
        .order(folders::id.asc())
        .select((
            folders::id,
            folders::name,
            folders::created_at,
            folders::updated_at,
        ))
        .load(conn)?;
    let folder_ids: Vec<i64> = folder_rows.iter().map(|f| f.0).collect();

    let agent_rows: Vec<Agent> = agents::table
        .filter(agents::user_id.eq(user_id))
        .order(agents::id.asc())
        .select(Agent::as_select())
        .load(conn)?;
    let agent_ids: Vec<i64> = agent_rows.iter().map(|a| a.id).collect();
    let mut shelves: HashMap<i64, Vec<i64>> = HashMap::new();
    for (agent, file) in agent_knowledge::table
        .filter(agent_knowledge::agent_id.eq_any(&agent_ids))
        .order((agent_knowledge::created_at, agent_knowledge::attachment_id))
        .select((agent_knowledge::agent_id, agent_knowledge::attachment_id))
        .load::<(i64, i64)>(conn)?
    {
        shelves.entry(agent).or_default().push(file);
    }
    let agents_out = agent_rows
        .iter()
        .map(|a| archive::Agent {
            knowledge: shelves
                .remove(&a.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| ix.file(f))
                .collect(),
            name: a.name.clone(),
            description: a.description.clone(),
            avatar: a.avatar.clone(),
            image: ix.image(a.avatar_image.as_ref()),
            color: a.color.clone(),
            system_prompt: a.system_prompt.clone(),
            model: ix.model(a.model_id),
            model_lost: a.model_lost,
            temperature: a.temperature,
            max_tokens: a.max_tokens,
            talkativeness: a.talkativeness,
            created_at: a.created_at,
            updated_at: a.updated_at,
        })
        .collect();

    let threads: Vec<Thread> = threads::table
        .filter(threads::user_id.eq(user_id))
        .filter(threads::kind.eq("chat"))
        .order(threads::id.asc())
        .select(Thread::as_select())
        .load(conn)?;
    let mut tags = super::tags::of(conn, &threads.iter().map(|c| c.id).collect::<Vec<_>>())?;
    // Every chat message of the user in one query, grouped by thread.
    let mut by_thread: HashMap<i64, Vec<Message>> = HashMap::new();
    for m in messages::table
        .inner_join(threads::table)
        .filter(threads::user_id.eq(user_id))
        .filter(threads::kind.eq("chat"))
        .order((messages::thread_id.asc(), messages::id.asc()))
        .select(Message::as_select())
        .load::<Message>(conn)?
    {
        by_thread.entry(m.thread_id).or_default().push(m);
    }
    let mut threads_out = Vec::with_capacity(threads.len());
    for c in &threads {
        let rows = by_thread.remove(&c.id).unwrap_or_default();
        let mut messages = versioned(&rows);
        ix.link_files(&mut messages, &rows);
        threads_out.push(archive::Thread {
            title: c.title.clone(),
            model: ix.model(c.model_id),
            temperature: c.temperature,
            max_tokens: c.max_tokens,
            pinned: c.pinned,
            archived: c.archived,
            folder: position_of(&folder_ids, c.folder_id),
            agent: position_of(&agent_ids, c.agent_id),
            tags: tags.remove(&c.id).unwrap_or_default(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            messages,
        });
    }

    let rooms: Vec<Backroom> = backrooms::table
        .filter(backrooms::user_id.eq(user_id))
        .order(backrooms::id.asc())
        .select(Backroom::as_select())
        .load(conn)?;
    let room_ids: Vec<i64> = rooms.iter().map(|b| b.id).collect();
    let mut rooms_out = Vec::with_capacity(rooms.len());
    for b in &rooms {
        let seats = super::backrooms::participants(conn, b.id)?;
        rooms_out.push(archive::Backroom {
            title: b.title.clone(),
            scenario: b.scenario.clone(),
            turn_order: b.turn_order.as_str().to_string(),
            max_turns: b.max_turns,
            min_turns: b.min_turns,
            stop_patterns: serde_json::from_str(&b.stop_patterns).unwrap_or_default(),
            token_budget: b.token_budget,
            guards: Some(super::backrooms::guard_settings(conn, b.id)?),
            state: b.state.as_str().to_string(),
            state_reason: b.state_reason.clone(),
            tokens_used: b.tokens_used,
            next_seat: b
                .next_participant
                .and_then(|p| seats.iter().find(|s| s.id == p))
                .map(|s| s.position),
            forked_from: position_of(&room_ids, b.forked_from),
            created_at: b.created_at,
            updated_at: b.updated_at,
            participants: seats
                .iter()
                .map(|p| archive::Participant {
                    position: p.position,
                    agent: position_of(&agent_ids, p.agent_id),
                    name: p.name.clone(),
                    avatar: p.avatar.clone(),
                    image: ix.image(p.avatar_image.as_ref()),
                    color: p.color.clone(),
                    system_prompt: p.system_prompt.clone(),
                    model: ix.model(p.model_id),
                    temperature: p.temperature,
                    max_tokens: p.max_tokens,
                    talkativeness: p.talkativeness,
                })
                .collect(),
            turns: {
                let rows = messages_of(conn, b.thread_id)?;
                let mut turns: Vec<archive::Message> =
                    rows.iter().map(|m| message(m, &seats)).collect();
                ix.link_files(&mut turns, &rows);
                turns
            },
        });
    }

    let text = |(title, body, created_at, updated_at): (String, String, i64, i64)| archive::Text {
        title,
        body,
        created_at,
        updated_at,
    };
    let notes_out = notes::table
        .filter(notes::user_id.eq(user_id))
        .order(notes::id.asc())
        .select((
            notes::title,
            notes::body,
            notes::created_at,
            notes::updated_at,
        ))
        .load(conn)?
        .into_iter()
        .map(text)
        .collect();
    let prompts_out = prompts::table
        .filter(prompts::user_id.eq(user_id))
        .order(prompts::id.asc())
        .select((
            prompts::title,
            prompts::body,
            prompts::created_at,
            prompts::updated_at,
        ))
        .load(conn)?
        .into_iter()
        .map(text)
        .collect();

    let mut images = Vec::with_capacity(ix.images.len());
    for id in &ix.images {
        let data: Vec<u8> = avatars::table.find(id).select(avatars::data).first(conn)?;
        images.push(archive::Image {
            data: base64::engine::general_purpose::STANDARD.encode(data),
        });
    }

    let mut files = Vec::with_capacity(ix.files.len());
    for id in &ix.files {
        let (a, data) = super::attachments::bytes_of(conn, *id)?;
        files.push(archive::File {
            name: a.name,
            data: base64::engine::general_purpose::STANDARD.encode(data),
            created_at: a.created_at,
        });
    }

    Ok(Archive {
        files,
        format: archive::FORMAT.to_string(),
        version: archive::VERSION,
        exported_at: now(),
        images,
        folders: folder_rows
            .into_iter()
            .map(|(_, name, created_at, updated_at)| archive::Folder {
                name,
                created_at,
                updated_at,
            })
            .collect(),
        agents: agents_out,
        threads: threads_out,
        notes: notes_out,
        prompts: prompts_out,
        backrooms: rooms_out,
    })
}
