//! Forking a backroom: a new draft with the same seats and rules and the
//! transcript up to a turn.

use super::creation::{insert_room, Rules};
use super::limits::TITLE_MAX;
use super::read::{owned, participants, turns, view};
use crate::error::AppError;
use crate::model::backroom::{BackroomState, BackroomView};
use crate::model::chat::MessageStatus;
use crate::server::db::rows::{Backroom, NewParticipant, NewTurn};
use crate::server::db::schema::{backroom_participants, backrooms, messages};

use diesel::prelude::*;

/// A new draft with the same participants and rules, and the transcript up
/// to (and including) turn `number` (1-based; `None`: all of it).
pub fn fork(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
    number: Option<i64>,
) -> Result<BackroomView, AppError> {
    conn.immediate_transaction(|conn| {
        let src = owned(conn, user_id, id)?;
        if src.state == BackroomState::Running {
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
        let mut seat_map = std::collections::HashMap::new();
        for p in participants(conn, src.id)? {
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
            .returning(Backroom::as_returning())
            .get_result(conn)?;
        view(conn, b)
    })
}
