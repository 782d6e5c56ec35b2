//! Forking a backroom: a new draft with the same seats and rules and the
//! transcript up to a turn.

use super::creation::{insert_room, Rules};
use super::limits::TITLE_MAX;
use super::read::{owned, participants, turns, view};
use crate::error::AppError;
use crate::model::backroom::{BackroomState, BackroomView, SeatChange};
use crate::model::chat::MessageStatus;
use crate::server::db::rows::Participant;
use crate::server::db::rows::{Backroom, NewParticipant, NewTurn};
use crate::server::db::schema::{backroom_participants, backrooms, messages};
use crate::server::db::Conn;
use crate::server::services::{agents, models};

use diesel::prelude::*;

/// A new draft with the same participants and rules, and the transcript up
/// to (and including) turn `number` (1-based; `None`: all of it), its
/// seats changed as `changes` says (another model, prompt, temperature).
pub fn fork(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    number: Option<i64>,
    changes: &[SeatChange],
) -> Result<BackroomView, AppError> {
    conn.immediate_transaction(|conn| fork_in(conn, user_id, id, number, changes))
}

/// [`fork`] inside a transaction the caller holds.
pub(super) fn fork_in(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    number: Option<i64>,
    changes: &[SeatChange],
) -> Result<BackroomView, AppError> {
    let src = owned(conn, user_id, id)?;
    // From its first turn, a running backroom forks as it is (a
    // scheduled run of it).
    if src.state == BackroomState::Running && number != Some(0) {
        return Err(AppError::conflict(
            "Pause or stop the run before forking it.",
        ));
    }
    let history = turns(conn, &src)?;
    let upto = number.unwrap_or(history.len() as i64);
    if upto < 0 || upto > history.len() as i64 {
        return Err(AppError::invalid(
            "turn",
            format!("turn must be between 0 and {}.", history.len()),
        ));
    }
    let title: String = format!("{} (fork)", src.title)
        .chars()
        .take(TITLE_MAX)
        .collect();
    let b = insert_room(
        conn,
        user_id,
        Rules {
            title,
            scenario: src.scenario.clone(),
            turn_order: src.turn_order,
            max_turns: src.max_turns,
            min_turns: src.min_turns,
            stop_patterns: src.stop_patterns.clone(),
            token_budget: src.token_budget,
        },
        Some(src.id),
    )?;
    let guards = super::guards::input_of(conn, src.id)?;
    super::guards::init(conn, b.id, &guards)?;
    let seats = participants(conn, src.id)?;
    let changes = checked(conn, user_id, &seats, changes)?;
    let mut seat_map = std::collections::HashMap::new();
    for mut p in seats {
        // The cast as it was at the cut: who had left, who had not come in.
        let here = super::cast::present_at(&history, upto as usize, &p);
        if let Some(c) = changes.iter().find(|c| c.participant == p.id) {
            p.model_id = c.model_id.or(p.model_id);
            p.system_prompt = c.system_prompt.clone().unwrap_or(p.system_prompt);
            p.temperature = c.temperature.unwrap_or(p.temperature);
        }
        let new_id: i64 = diesel::insert_into(backroom_participants::table)
            .values(NewParticipant {
                backroom_id: b.id,
                position: p.position,
                agent_id: p.agent_id,
                name: p.name,
                avatar: p.avatar,
                avatar_image: p.avatar_image,
                color: p.color,
                system_prompt: p.system_prompt,
                model_id: p.model_id,
                temperature: p.temperature,
                max_tokens: p.max_tokens,
                talkativeness: p.talkativeness,
            })
            .returning(backroom_participants::id)
            .get_result(conn)?;
        if !here {
            super::cast::depart(conn, new_id)?;
        }
        seat_map.insert(p.id, new_id);
    }
    let mut used = 0i64;
    let mut parent_id = None;
    for m in history.iter().take(upto as usize) {
        // Cut-off turns come along as what they said.
        let status = if m.status == MessageStatus::Streaming {
            MessageStatus::Interrupted
        } else {
            m.status
        };
        used += i64::from(m.prompt_tokens.unwrap_or(0) + m.completion_tokens.unwrap_or(0));
        let id = diesel::insert_into(messages::table)
            .values((
                NewTurn {
                    thread_id: b.thread_id,
                    parent_id,
                    role: m.role,
                    content: &m.content,
                    status,
                    model_sdk_id: m.model_sdk_id.as_deref(),
                    participant_id: m.participant_id.and_then(|p| seat_map.get(&p).copied()),
                    speaker: m.speaker.as_deref().unwrap_or(""),
                    kind: m.kind,
                    created_at: m.created_at,
                    updated_at: m.updated_at,
                },
                (
                    messages::prompt_tokens.eq(m.prompt_tokens),
                    messages::completion_tokens.eq(m.completion_tokens),
                    messages::ttft_ms.eq(m.ttft_ms),
                    messages::total_ms.eq(m.total_ms),
                    messages::finish_reason.eq(&m.finish_reason),
                    messages::error.eq(&m.error),
                ),
            ))
            .returning(messages::id)
            .get_result(conn)?;
        parent_id = Some(id);
    }
    let b: Backroom = diesel::update(backrooms::table.find(b.id))
        .set(backrooms::tokens_used.eq(used))
        .returning(crate::server::db::all::<Backroom>())
        .get_result::<Backroom>(conn)?;
    view(conn, b)
}

/// The changes, each naming a seat of the room by its own id; a clear
/// error naming `changes` for a seat not in it, a model the owner may not
/// use, a prompt too long or a temperature out of range.
fn checked(
    conn: &mut Conn,
    user_id: i64,
    seats: &[Participant],
    changes: &[SeatChange],
) -> Result<Vec<SeatChange>, AppError> {
    if changes.len() > seats.len() {
        return Err(AppError::invalid(
            "changes",
            "changes names each seat at most once.",
        ));
    }
    let mut out: Vec<SeatChange> = Vec::with_capacity(changes.len());
    for c in changes {
        let seat = seats
            .iter()
            .find(|p| p.id == c.participant || p.agent_id == Some(c.participant))
            .ok_or_else(|| {
                AppError::invalid(
                    "changes",
                    format!("{} is not a participant of this backroom.", c.participant),
                )
            })?;
        if out.iter().any(|o| o.participant == seat.id) {
            return Err(AppError::invalid(
                "changes",
                "changes names each seat at most once.",
            ));
        }
        if let Some(m) = c.model_id {
            models::usable_model(conn, user_id, m).map_err(|_| {
                AppError::invalid("changes", format!("Model {m} is not one you may use."))
            })?;
        }
        if c.system_prompt
            .as_ref()
            .is_some_and(|p| p.len() > agents::PROMPT_MAX)
        {
            return Err(AppError::invalid(
                "changes",
                format!(
                    "A system prompt is at most {} KB.",
                    agents::PROMPT_MAX / 1024
                ),
            ));
        }
        if let Some(t) = c.temperature {
            agents::in_range("changes", t, 0.0, 2.0)?;
        }
        out.push(SeatChange {
            participant: seat.id,
            system_prompt: c.system_prompt.as_ref().map(|p| p.trim().to_string()),
            ..c.clone()
        });
    }
    Ok(out)
}
