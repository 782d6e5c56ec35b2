//! Reading backrooms: the owner's room, its seats and transcript, the full
//! view of one run and the list of them.

use crate::error::AppError;
use crate::model::agent::avatar_url;
use crate::model::backroom::{BackroomSummary, BackroomView, ParticipantView, TurnView};
use crate::model::chat::MessageStatus;
use crate::model::chat::Role;
use crate::server::db::rows::{Backroom, Message, Participant};
use crate::server::db::schema::{backroom_participants, backrooms, messages, provider_models};
use crate::server::db::Conn;

use diesel::prelude::*;

fn missing() -> AppError {
    AppError::not_found("No such backroom.")
}

pub fn owned(conn: &mut Conn, user_id: i64, id: i64) -> Result<Backroom, AppError> {
    backrooms::table
        .find(id)
        .filter(backrooms::user_id.eq(user_id))
        .select(Backroom::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(missing)
}

/// Whose backroom it is.
pub fn owner(conn: &mut Conn, id: i64) -> Result<i64, AppError> {
    backrooms::table
        .find(id)
        .select(backrooms::user_id)
        .first(conn)
        .optional()?
        .ok_or_else(missing)
}

pub fn load(conn: &mut Conn, id: i64) -> Result<Backroom, AppError> {
    backrooms::table
        .find(id)
        .select(Backroom::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(missing)
}

pub fn participants(conn: &mut Conn, backroom_id: i64) -> Result<Vec<Participant>, AppError> {
    Ok(backroom_participants::table
        .filter(backroom_participants::backroom_id.eq(backroom_id))
        .order(backroom_participants::position.asc())
        .select(Participant::as_select())
        .load(conn)?)
}

/// The transcript: every turn, oldest first.
pub fn turns(conn: &mut Conn, b: &Backroom) -> Result<Vec<Message>, AppError> {
    Ok(messages::table
        .filter(messages::thread_id.eq(b.thread_id))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?)
}

/// How many turns the transcript holds (what `turns(..).len()` is,
/// without reading them).
pub fn turn_count(conn: &mut Conn, b: &Backroom) -> Result<i64, AppError> {
    Ok(messages::table
        .filter(messages::thread_id.eq(b.thread_id))
        .count()
        .get_result(conn)?)
}

pub(super) fn patterns(b: &Backroom) -> Vec<String> {
    serde_json::from_str(&b.stop_patterns).unwrap_or_default()
}

fn participant_view(p: &Participant, model: Option<String>) -> ParticipantView {
    ParticipantView {
        id: p.id,
        position: p.position,
        agent_id: p.agent_id,
        name: p.name.clone(),
        avatar: p
            .avatar_image
            .as_deref()
            .map_or_else(|| p.avatar.clone(), avatar_url),
        color: p.color.clone(),
        system_prompt: p.system_prompt.clone(),
        model_id: p.model_id,
        model,
        temperature: p.temperature,
        max_tokens: p.max_tokens,
        talkativeness: p.talkativeness,
        left: false,
    }
}

/// A viewer's turn (not an agent's, nor a line about the cast).
pub fn is_human(m: &Message) -> bool {
    m.role == Role::User && m.kind != crate::model::backroom::TurnKind::Cast
}

pub fn turn_view(m: &Message, number: i64, seats: &[Participant]) -> TurnView {
    TurnView {
        id: m.id,
        number,
        participant_id: m.participant_id,
        agent_id: m
            .participant_id
            .and_then(|p| seats.iter().find(|s| s.id == p))
            .and_then(|s| s.agent_id),
        speaker: m.speaker.clone().unwrap_or_default(),
        human: is_human(m),
        content: m.content.clone(),
        kind: m.kind,
        status: m.status,
        model_sdk_id: m.model_sdk_id.clone(),
        prompt_tokens: m.prompt_tokens,
        completion_tokens: m.completion_tokens,
        ttft_ms: m.ttft_ms,
        total_ms: m.total_ms,
        error: m.error.clone(),
        created_at: m.created_at,
        sources: Vec::new(),
        whisper_to: Vec::new(),
    }
}

pub fn view(conn: &mut Conn, b: Backroom) -> Result<BackroomView, AppError> {
    let seats = participants(conn, b.id)?;
    let gone = super::cast::departed(conn, b.id)?;
    let mut views = Vec::with_capacity(seats.len());
    for p in &seats {
        let model = match p.model_id {
            Some(id) => provider_models::table
                .find(id)
                .select(provider_models::name)
                .first::<String>(conn)
                .optional()?,
            None => None,
        };
        let mut v = participant_view(p, model);
        v.left = gone.contains(&p.id);
        views.push(v);
    }
    let rows = turns(conn, &b)?;
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let mut sources = crate::server::services::attachments::sources_of(conn, &ids)?;
    let whispers = super::whispers::of_run(conn, &b)?;
    let turns = rows
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut t = turn_view(m, i as i64 + 1, &seats);
            t.sources = sources.remove(&m.id).unwrap_or_default();
            t.whisper_to = whispers
                .get(&m.id)
                .map(|to| {
                    seats
                        .iter()
                        .filter(|s| to.contains(&s.id))
                        .map(|s| s.name.clone())
                        .collect()
                })
                .unwrap_or_default();
            t
        })
        .collect();
    Ok(BackroomView {
        id: b.id,
        stop_patterns: patterns(&b),
        title: b.title,
        scenario: b.scenario,
        turn_order: b.turn_order,
        max_turns: b.max_turns,
        min_turns: b.min_turns,
        token_budget: b.token_budget,
        state: b.state,
        state_reason: b.state_reason,
        tokens_used: b.tokens_used,
        next_participant: b.next_participant,
        forked_from: b.forked_from,
        guards: super::guards::get(conn, b.id)?,
        schedule: super::schedule::get(conn, b.id)?,
        created_at: b.created_at,
        updated_at: b.updated_at,
        participants: views,
        turns,
    })
}

pub fn get(conn: &mut Conn, user_id: i64, id: i64) -> Result<BackroomView, AppError> {
    let b = owned(conn, user_id, id)?;
    view(conn, b)
}

/// Newest first (at most 200), in three queries whatever their number.
pub fn list(conn: &mut Conn, user_id: i64) -> Result<Vec<BackroomSummary>, AppError> {
    use std::collections::HashMap;
    let rows: Vec<Backroom> = backrooms::table
        .filter(backrooms::user_id.eq(user_id))
        .order((backrooms::updated_at.desc(), backrooms::id.desc()))
        .limit(200)
        .select(Backroom::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|b| b.id).collect();
    let mut seats: HashMap<i64, Vec<Participant>> = HashMap::new();
    for p in backroom_participants::table
        .filter(backroom_participants::backroom_id.eq_any(&ids))
        .order((
            backroom_participants::backroom_id,
            backroom_participants::position,
        ))
        .select(Participant::as_select())
        .load(conn)?
    {
        seats.entry(p.backroom_id).or_default().push(p);
    }
    let convs: Vec<i64> = rows.iter().map(|b| b.thread_id).collect();
    let turns: HashMap<i64, i64> = messages::table
        .filter(messages::thread_id.eq_any(&convs))
        .filter(messages::role.eq(Role::Assistant))
        .filter(messages::status.ne_all([MessageStatus::Error, MessageStatus::Interrupted]))
        .group_by(messages::thread_id)
        .select((messages::thread_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|b| BackroomSummary {
            id: b.id,
            turns: turns.get(&b.thread_id).copied().unwrap_or(0),
            participants: seats
                .get(&b.id)
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let v = participant_view(p, None);
                            crate::model::agent::AgentBadge {
                                id: p.agent_id.unwrap_or_default(),
                                name: v.name,
                                avatar: v.avatar,
                                color: v.color,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            title: b.title,
            state: b.state,
            max_turns: b.max_turns,
            updated_at: b.updated_at,
        })
        .collect())
}
