//! Writing a checked archive into the account, all in one transaction.

use super::account::{check_room, free_name, Models};
use super::check::check;
use super::fields::{bad, one_line};
use crate::error::AppError;
use crate::model::archive::{self, Archive, ImportSummary};
use crate::model::attachment::AttachmentKind;
use crate::model::backroom::{TurnKind, TurnOrder};
use crate::model::chat::Role;
use crate::server::db::rows::{AgentFields, FullMessage};
use crate::server::db::schema::{
    agent_knowledge, agents as agents_t, attachments as attachments_t, backroom_participants,
    backrooms as backrooms_t, folders as folders_t, message_attachments, message_sources, messages,
    notes as notes_t, prompts as prompts_t, threads as conv_t,
};
use crate::server::db::Conn;
use crate::server::services::{attachments, avatars, tags};
use base64::Engine;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// Links an imported message to its files and sources.
fn link_files(
    conn: &mut Conn,
    message_id: i64,
    m: &archive::Message,
    files: &[i64],
) -> QueryResult<()> {
    for (position, f) in m.files.iter().enumerate() {
        diesel::insert_into(message_attachments::table)
            .values((
                message_attachments::message_id.eq(message_id),
                message_attachments::attachment_id.eq(files[*f]),
                message_attachments::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    for src in &m.sources {
        diesel::insert_into(message_sources::table)
            .values((
                message_sources::message_id.eq(message_id),
                message_sources::n.eq(src.n),
                message_sources::attachment_id.eq(files[src.file]),
                message_sources::position.eq(src.position),
                message_sources::page.eq(src.page),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn insert_messages(
    conn: &mut Conn,
    thread_id: i64,
    list: &[archive::Message],
    seats: &HashMap<i32, i64>,
    files: &[i64],
) -> QueryResult<usize> {
    let tree = list.iter().any(|m| m.parent.is_some());
    let mut ids: Vec<i64> = Vec::with_capacity(list.len());
    for m in list {
        // Each follows its `parent` (checked to be earlier) or, in a thread
        // without versions, the message before it.
        let parent_id = if tree {
            m.parent.and_then(|p| ids.get(p).copied())
        } else {
            ids.last().copied()
        };
        // A reply cut off mid-stream in the source cannot resume here.
        let status = match crate::model::chat::MessageStatus::parse(&m.status) {
            Some(crate::model::chat::MessageStatus::Streaming) | None => {
                crate::model::chat::MessageStatus::Interrupted
            }
            Some(s) => s,
        };
        let id = diesel::insert_into(messages::table)
            .values(FullMessage {
                thread_id,
                parent_id,
                on_path: !(tree && m.hidden),
                // Both words were checked before anything was written.
                role: Role::parse(&m.role).unwrap_or(Role::User),
                content: &m.content,
                status,
                model_sdk_id: m.model_sdk_id.as_deref(),
                prompt_tokens: m.prompt_tokens,
                completion_tokens: m.completion_tokens,
                ttft_ms: m.ttft_ms,
                total_ms: m.total_ms,
                finish_reason: m.finish_reason.as_deref(),
                error: m.error.as_deref(),
                created_at: m.created_at,
                updated_at: m.updated_at,
                participant_id: m.seat.and_then(|s| seats.get(&s).copied()),
                speaker: m.speaker.as_deref(),
                kind: TurnKind::parse(&m.kind).unwrap_or(TurnKind::Message),
            })
            .returning(messages::id)
            .get_result(conn)?;
        link_files(conn, id, m, files)?;
        ids.push(id);
    }
    Ok(list.len())
}

pub fn import(conn: &mut Conn, user_id: i64, a: &Archive) -> Result<ImportSummary, AppError> {
    check(a)?;
    let images: Vec<Vec<u8>> = a
        .images
        .iter()
        .enumerate()
        .map(|(i, img)| {
            base64::engine::general_purpose::STANDARD
                .decode(img.data.trim())
                .map_err(|_| bad(format!("images[{i}].data"), "is not base64."))
        })
        .collect::<Result<_, _>>()?;
    // Each file is read again from its bytes, as an upload is.
    let prepared: Vec<attachments::Prepared> = a
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(f.data.trim())
                .map_err(|_| bad(format!("files[{i}].data"), "is not base64."))?;
            attachments::prepare(&f.name, &bytes)
                .map_err(|e| bad(format!("files[{i}]"), e.message()))
        })
        .collect::<Result<_, _>>()?;
    for (i, ag) in a.agents.iter().enumerate() {
        for (k, f) in ag.knowledge.iter().enumerate() {
            if prepared[*f].kind() != AttachmentKind::Document {
                return Err(bad(
                    format!("agents[{i}].knowledge[{k}]"),
                    "is a picture; a shelf holds documents.",
                ));
            }
        }
    }
    conn.immediate_transaction(|conn| {
        check_room(conn, user_id, a)?;
        let mut sum = ImportSummary::default();
        let mut file_ids = Vec::with_capacity(prepared.len());
        for (i, file) in prepared.iter().enumerate() {
            let stored = attachments::store_in(conn, user_id, file).map_err(|e| match e {
                AppError::PayloadTooLarge { message } => AppError::PayloadTooLarge {
                    message: format!("files[{i}]: {message}"),
                },
                e => e,
            })?;
            file_ids.push(stored.id);
        }
        sum.files = file_ids.len();
        let mut models = Models::load(conn)?;
        let mut image_ids = Vec::with_capacity(images.len());
        for (i, bytes) in images.iter().enumerate() {
            image_ids.push(
                avatars::store(conn, bytes)
                    .map_err(|e| bad(format!("images[{i}]"), e.message()))?,
            );
        }
        sum.images = image_ids.len();
        let image = |i: Option<usize>| i.map(|i| image_ids[i].clone());

        let mut taken: HashSet<String> = folders_t::table
            .filter(folders_t::user_id.eq(user_id))
            .select(folders_t::name)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        let mut folder_ids = Vec::with_capacity(a.folders.len());
        for f in &a.folders {
            let (name, renamed) = free_name(&mut taken, &one_line(&f.name));
            sum.renamed_folders += usize::from(renamed);
            folder_ids.push(
                diesel::insert_into(folders_t::table)
                    .values((
                        folders_t::user_id.eq(user_id),
                        folders_t::name.eq(name),
                        folders_t::created_at.eq(f.created_at),
                        folders_t::updated_at.eq(f.updated_at),
                    ))
                    .returning(folders_t::id)
                    .get_result::<i64>(conn)?,
            );
        }
        sum.folders = folder_ids.len();

        let mut agent_ids = Vec::with_capacity(a.agents.len());
        for ag in &a.agents {
            let model_id = models.id(&ag.model);
            let fields = AgentFields {
                name: one_line(&ag.name),
                description: ag.description.clone(),
                avatar: ag.avatar.trim().to_string(),
                avatar_image: image(ag.image),
                color: ag.color.to_ascii_lowercase(),
                system_prompt: ag.system_prompt.clone(),
                model_id,
                model_lost: ag.model_lost || (ag.model.is_some() && model_id.is_none()),
                temperature: ag.temperature,
                max_tokens: ag.max_tokens,
                talkativeness: ag.talkativeness,
                shared: false,
            };
            agent_ids.push(
                diesel::insert_into(agents_t::table)
                    .values((
                        fields,
                        agents_t::user_id.eq(user_id),
                        agents_t::created_at.eq(ag.created_at),
                        agents_t::updated_at.eq(ag.updated_at),
                    ))
                    .returning(agents_t::id)
                    .get_result::<i64>(conn)?,
            );
        }
        sum.agents = agent_ids.len();
        for (ag, id) in a.agents.iter().zip(&agent_ids) {
            let mut shelved = HashSet::new();
            for f in ag.knowledge.iter().filter(|f| shelved.insert(**f)) {
                diesel::insert_into(agent_knowledge::table)
                    .values((
                        agent_knowledge::agent_id.eq(id),
                        agent_knowledge::attachment_id.eq(file_ids[*f]),
                        agent_knowledge::created_at.eq(ag.updated_at),
                    ))
                    .execute(conn)?;
            }
        }

        for t in &a.threads {
            let id: i64 = diesel::insert_into(conv_t::table)
                .values((
                    conv_t::user_id.eq(user_id),
                    conv_t::title.eq(one_line(&t.title)),
                    conv_t::model_id.eq(models.id(&t.model)),
                    conv_t::temperature.eq(t.temperature),
                    conv_t::max_tokens.eq(t.max_tokens),
                    conv_t::pinned.eq(t.pinned),
                    conv_t::archived.eq(t.archived),
                    conv_t::folder_id.eq(t.folder.map(|f| folder_ids[f])),
                    conv_t::agent_id.eq(t.agent.map(|g| agent_ids[g])),
                    conv_t::created_at.eq(t.created_at),
                    conv_t::updated_at.eq(t.updated_at),
                ))
                .returning(conv_t::id)
                .get_result(conn)?;
            tags::set(conn, id, &tags::normalise(&t.tags)?)?;
            sum.messages += insert_messages(conn, id, &t.messages, &HashMap::new(), &file_ids)?;
            sum.threads += 1;
        }

        for n in &a.notes {
            diesel::insert_into(notes_t::table)
                .values((
                    notes_t::user_id.eq(user_id),
                    notes_t::title.eq(one_line(&n.title)),
                    notes_t::body.eq(&n.body),
                    notes_t::created_at.eq(n.created_at),
                    notes_t::updated_at.eq(n.updated_at),
                ))
                .execute(conn)?;
        }
        sum.notes = a.notes.len();
        for p in &a.prompts {
            diesel::insert_into(prompts_t::table)
                .values((
                    prompts_t::user_id.eq(user_id),
                    prompts_t::title.eq(one_line(&p.title)),
                    prompts_t::body.eq(&p.body),
                    prompts_t::created_at.eq(p.created_at),
                    prompts_t::updated_at.eq(p.updated_at),
                ))
                .execute(conn)?;
        }
        sum.prompts = a.prompts.len();

        let mut room_ids: Vec<i64> = Vec::with_capacity(a.backrooms.len());
        for b in &a.backrooms {
            let conv: i64 = diesel::insert_into(conv_t::table)
                .values((
                    conv_t::user_id.eq(user_id),
                    conv_t::title.eq(one_line(&b.title)),
                    conv_t::kind.eq("backroom"),
                    conv_t::created_at.eq(b.created_at),
                    conv_t::updated_at.eq(b.updated_at),
                ))
                .returning(conv_t::id)
                .get_result(conn)?;
            let (state, reason) = if b.state == "running" {
                (
                    "paused",
                    Some("Imported while it was running: resume to go on."),
                )
            } else {
                (b.state.as_str(), b.state_reason.as_deref())
            };
            let room: i64 = diesel::insert_into(backrooms_t::table)
                .values((
                    backrooms_t::user_id.eq(user_id),
                    backrooms_t::thread_id.eq(conv),
                    backrooms_t::title.eq(one_line(&b.title)),
                    backrooms_t::scenario.eq(&b.scenario),
                    backrooms_t::turn_order
                        .eq(TurnOrder::parse(&b.turn_order).unwrap_or(TurnOrder::RoundRobin)),
                    backrooms_t::max_turns.eq(b.max_turns),
                    backrooms_t::min_turns.eq(b.min_turns),
                    backrooms_t::stop_patterns
                        .eq(serde_json::to_string(&b.stop_patterns).unwrap_or_default()),
                    backrooms_t::token_budget.eq(b.token_budget),
                    backrooms_t::state.eq(state),
                    backrooms_t::state_reason.eq(reason),
                    backrooms_t::tokens_used.eq(b.tokens_used),
                    backrooms_t::forked_from.eq(b.forked_from.map(|f| room_ids[f])),
                    backrooms_t::created_at.eq(b.created_at),
                    backrooms_t::updated_at.eq(b.updated_at),
                ))
                .returning(backrooms_t::id)
                .get_result(conn)?;
            if let Some(g) = &b.guards {
                crate::server::services::backrooms::init_guards(conn, room, g)?;
            }
            let mut seats = HashMap::new();
            for p in &b.participants {
                let id: i64 = diesel::insert_into(backroom_participants::table)
                    .values(crate::server::db::rows::NewParticipant {
                        backroom_id: room,
                        position: p.position,
                        agent_id: p.agent.map(|g| agent_ids[g]),
                        name: one_line(&p.name),
                        avatar: p.avatar.trim().to_string(),
                        avatar_image: image(p.image),
                        color: p.color.to_ascii_lowercase(),
                        system_prompt: p.system_prompt.clone(),
                        model_id: models.id(&p.model),
                        temperature: p.temperature,
                        max_tokens: p.max_tokens,
                        talkativeness: p.talkativeness,
                    })
                    .returning(backroom_participants::id)
                    .get_result(conn)?;
                seats.insert(p.position, id);
            }
            if let Some(next) = b.next_seat.and_then(|s| seats.get(&s)) {
                diesel::update(backrooms_t::table.find(room))
                    .set(backrooms_t::next_participant.eq(next))
                    .execute(conn)?;
            }
            sum.messages += insert_messages(conn, conv, &b.turns, &seats, &file_ids)?;
            room_ids.push(room);
        }
        sum.backrooms = room_ids.len();
        // Imported files are linked now: one that nothing refers to goes
        // with the next clean-up, as a sent file whose thread is deleted.
        diesel::update(attachments_t::table.filter(attachments_t::id.eq_any(&file_ids)))
            .set(attachments_t::sent.eq(true))
            .execute(conn)?;
        sum.unknown_models = models.unknown;
        Ok(sum)
    })
}
