//! Turns: a viewer's interjection, and the two steps the engine asks for
//! each agent turn (who speaks and what they hear; how the turn left the run).

use super::limits::INTERJECTION_MAX;
use super::read::{load, owned, patterns, turns};
use super::run_state::set_state;
use crate::error::AppError;
use crate::model::backroom::BackroomState;
use crate::model::backroom::{TurnKind, TurnOrder};
use crate::model::chat::MessageStatus;
use crate::model::chat::Role;
use crate::model::provider::upstream_id;
use crate::server::db::now;
use crate::server::db::rows::{Backroom, Message, NewTurn, Participant};
use crate::server::db::schema::{backrooms, messages};
use crate::server::db::Conn;
use crate::server::services::attachments::{knowledge, retrieval};
use crate::server::services::backroom_rules::{self as rules, Seat, Spoken};
use crate::server::services::threads::{self as chats, Turn};

use diesel::prelude::*;

/// A viewer's message, as a named human turn every agent will see, or,
/// whispered (`visible_to`, or `@Name` in it), only the seats it names.
pub fn interject(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    speaker: &str,
    content: &str,
    visible_to: Option<&[i64]>,
) -> Result<Message, AppError> {
    let text = content.trim();
    if text.is_empty() {
        return Err(AppError::invalid("content", "The message is empty."));
    }
    if text.chars().count() > INTERJECTION_MAX {
        return Err(AppError::invalid(
            "content",
            format!("The message is longer than {INTERJECTION_MAX} characters."),
        ));
    }
    conn.immediate_transaction(|conn| {
        let b = owned(conn, user_id, id)?;
        if matches!(b.state, BackroomState::Finished | BackroomState::Stopped) {
            return Err(AppError::conflict("This run has ended; fork it to go on."));
        }
        let to = super::whispers::addressees(&super::cast::present(conn, b.id)?, text, visible_to)?;
        let m = said(conn, &b, speaker, None, text, rules::kind_of(text))?;
        super::whispers::record(conn, m.id, &to)?;
        Ok(m)
    })
}

/// A finished turn no model writes (a viewer's, or a line about the
/// cast), at the end of the transcript.
pub(super) fn said(
    conn: &mut Conn,
    b: &Backroom,
    speaker: &str,
    participant_id: Option<i64>,
    text: &str,
    kind: TurnKind,
) -> Result<Message, AppError> {
    let ts = now();
    Ok(diesel::insert_into(messages::table)
        .values(NewTurn {
            thread_id: b.thread_id,
            parent_id: chats::tip(conn, b.thread_id)?,
            role: Role::User,
            content: text,
            status: MessageStatus::Complete,
            model_sdk_id: None,
            participant_id,
            speaker,
            kind,
            created_at: ts,
            updated_at: ts,
        })
        .returning(crate::server::db::all::<Message>())
        .get_result::<Message>(conn)?)
}

fn agent_turns(conn: &mut Conn, b: &Backroom) -> Result<i64, AppError> {
    Ok(messages::table
        .filter(messages::thread_id.eq(b.thread_id))
        .filter(messages::role.eq(Role::Assistant))
        .filter(messages::status.ne_all([MessageStatus::Error, MessageStatus::Interrupted]))
        .count()
        .get_result(conn)?)
}

/// An agent turn that counts towards `max_turns` (failed and cut-off
/// turns are retried instead).
fn counts(m: &Message) -> bool {
    m.role == Role::Assistant && !m.status.failed() && m.status != MessageStatus::Streaming
}

/// A turn the agents hear: human turns and agents' turns that got through.
fn heard(m: &Message) -> bool {
    !m.content.is_empty() && (m.role == Role::User || counts(m))
}

/// What the engine does next.
pub enum Step {
    /// The run is over (max turns, the budget...): say why.
    Finish(String),
    /// Manual order and nobody picked yet.
    Wait,
    Speak(Box<Turn>),
    /// A guard holds the run (a cap reached): pause, saying why.
    Pause(String),
}

fn chosen(
    b: &Backroom,
    seats: &[Participant],
    history: &[Message],
    agent_turns: usize,
) -> Option<i64> {
    let spoken: Vec<Spoken> = history
        .iter()
        .filter(|m| heard(m))
        .map(|m| Spoken {
            participant: m.participant_id,
            speaker: m.speaker.as_deref().unwrap_or(""),
            content: &m.content,
        })
        .collect();
    // A turn that failed (or was cut off by a restart) is retried by the
    // same agent.
    if let Some(failed) = history
        .iter()
        .rev()
        .find(|m| m.role == Role::Assistant)
        .filter(|m| !counts(m))
    {
        return failed.participant_id;
    }
    let seat_views: Vec<Seat> = seats
        .iter()
        .map(|p| Seat {
            id: p.id,
            name: &p.name,
            talkativeness: p.talkativeness,
        })
        .collect();
    match b.turn_order {
        TurnOrder::Shuffled => rules::shuffled(&seat_views, agent_turns, b.id),
        TurnOrder::Natural => rules::natural(&seat_views, spoken.last(), &mut rand::thread_rng()),
        TurnOrder::Manual => b.next_participant,
        TurnOrder::RoundRobin => rules::round_robin(&seat_views, agent_turns),
    }
}

/// Decides the next turn and, when someone speaks, stores their empty turn
/// and answers everything the engine needs to generate it.
pub fn next_step(conn: &mut Conn, id: i64) -> Result<Step, AppError> {
    conn.immediate_transaction(|conn| {
        let b = load(conn, id)?;
        // Those who left take no more turns.
        let seats = super::cast::present(conn, id)?;
        let history = turns(conn, &b)?;
        let done = history.iter().filter(|m| counts(m)).count();
        if done >= b.max_turns as usize {
            return Ok(Step::Finish(format!("reached {} turns", b.max_turns)));
        }
        if let Some(budget) = b.token_budget.filter(|t| b.tokens_used >= *t) {
            return Ok(Step::Finish(format!("used the token budget ({budget})")));
        }
        let Some(speaker) = chosen(&b, &seats, &history, done) else {
            return Ok(Step::Wait);
        };
        let Some(seat) = seats.iter().find(|p| p.id == speaker) else {
            return Ok(Step::Wait);
        };
        if let Some(why) = super::guards::before_turn(conn, &b, seat)? {
            return Ok(Step::Pause(why));
        }
        // A whisper reaches only the seats it was for, marked as one.
        let whispers = super::whispers::of_run(conn, &b)?;
        let labels: std::collections::HashMap<i64, String> = whispers
            .iter()
            .filter(|(_, to)| to.contains(&seat.id))
            .filter_map(|(id, _)| history.iter().find(|m| m.id == *id))
            .map(|m| {
                let who = m.speaker.as_deref().unwrap_or("");
                (m.id, format!("{who} (whispering to you)"))
            })
            .collect();
        let spoken: Vec<Spoken> = history
            .iter()
            .filter(|m| heard(m))
            // Its own whispers a seat remembers saying.
            .filter(|m| {
                m.participant_id == Some(seat.id)
                    || whispers.get(&m.id).is_none_or(|to| to.contains(&seat.id))
            })
            .map(|m| match m.kind {
                // "Ada enters the room." is the room speaking, to everyone.
                TurnKind::Cast => Spoken {
                    participant: None,
                    speaker: "Room",
                    content: &m.content,
                },
                _ => Spoken {
                    participant: m.participant_id,
                    speaker: labels
                        .get(&m.id)
                        .map_or(m.speaker.as_deref().unwrap_or(""), String::as_str),
                    content: &m.content,
                },
            })
            .collect();
        let mut prompt = rules::prompt_for(
            seat.id,
            &seat.name,
            &seat.system_prompt,
            &b.scenario,
            &spoken,
            rules::CONTEXT_CHARS,
        );
        // The seat's agent's knowledge shelf, searched with what was said
        // last (the scenario before anyone spoke).
        let said_last = spoken.last().map_or(b.scenario.as_str(), |s| s.content);
        let excerpts = shelf_excerpts(conn, seat.agent_id, said_last)?;
        if !excerpts.is_empty() {
            if let Some(last) = prompt.iter_mut().rev().find(|m| m.role == Role::User) {
                last.content.push_str(&retrieval::block(&excerpts));
            }
        }
        let (model, provider) = chats::resolve_model(conn, b.user_id, seat.model_id, None, None)
            .or_else(|_| chats::resolve_model(conn, b.user_id, None, None, None))?;
        let ts = now();
        let turn: Message = diesel::insert_into(messages::table)
            .values(NewTurn {
                thread_id: b.thread_id,
                parent_id: chats::tip(conn, b.thread_id)?,
                role: Role::Assistant,
                content: "",
                status: MessageStatus::Streaming,
                model_sdk_id: Some(&model.model_sdk_id),
                participant_id: Some(seat.id),
                speaker: &seat.name,
                kind: TurnKind::Message,
                created_at: ts,
                updated_at: ts,
            })
            .returning(crate::server::db::all::<Message>())
            .get_result::<Message>(conn)?;
        retrieval::record(conn, turn.id, &excerpts)?;
        diesel::update(backrooms::table.find(id))
            .set((
                backrooms::next_participant.eq(None::<i64>),
                backrooms::updated_at.eq(ts),
            ))
            .execute(conn)?;
        Ok(Step::Speak(Box::new(Turn {
            thread_id: b.thread_id,
            user_message_id: None,
            assistant_message_id: turn.id,
            provider: chats::target(conn, &provider)?,
            upstream_model: upstream_id(&model.model_sdk_id).to_string(),
            history: prompt,
            temperature: Some(seat.temperature),
            max_tokens: seat.max_tokens.map(|n| n as u32),
        })))
    })
}

/// The pieces of the agent's shelf (if the seat has an agent) that best
/// match `text`.
fn shelf_excerpts(
    conn: &mut Conn,
    agent: Option<i64>,
    text: &str,
) -> Result<Vec<retrieval::Excerpt>, AppError> {
    let Some(agent) = agent else {
        return Ok(Vec::new());
    };
    let shelf = knowledge::ids(conn, agent)?;
    retrieval::search(conn, &shelf, text, chats::EXCERPTS_BUDGET)
}

/// How a turn left the run.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    Continue,
    Finished(String),
    /// A provider error: paused, the error shown on the turn.
    Failed(String),
    /// A guard paused it (looping, a cap reached), saying why.
    Paused(String),
    Stopped,
}

/// Books a finished turn: its kind, the tokens it used, and whether it ends
/// the run (stop pattern after `min_turns`, `max_turns`, the budget).
pub fn after_turn(conn: &mut Conn, id: i64, turn_id: i64) -> Result<After, AppError> {
    conn.immediate_transaction(|conn| {
        let b = load(conn, id)?;
        let m = messages::table
            .find(turn_id)
            .select(Message::as_select())
            .first(conn)?;
        match m.status {
            MessageStatus::Stopped => return Ok(After::Stopped),
            MessageStatus::Error | MessageStatus::Interrupted => {
                let why = format!(
                    "{}'s turn failed: {}",
                    m.speaker.as_deref().unwrap_or("an agent"),
                    m.error.as_deref().unwrap_or("interrupted")
                );
                set_state(conn, id, BackroomState::Paused, Some(why.clone()))?;
                return Ok(After::Failed(why));
            }
            _ => {}
        }
        let used = i64::from(m.prompt_tokens.unwrap_or(0) + m.completion_tokens.unwrap_or(0));
        let kind = rules::kind_of(&m.content);
        diesel::update(messages::table.find(turn_id))
            .set(messages::kind.eq(kind))
            .execute(conn)?;
        // A turn that opens with `@Name`s is heard only by those seats.
        let to = super::whispers::of_agent_turn(conn, &b, &m)?;
        if !to.is_empty() {
            super::whispers::record(conn, m.id, &to)?;
        }
        let b: Backroom = diesel::update(backrooms::table.find(id))
            .set((
                backrooms::tokens_used.eq(b.tokens_used + used),
                backrooms::updated_at.eq(now()),
            ))
            .returning(crate::server::db::all::<Backroom>())
            .get_result::<Backroom>(conn)?;
        let done = agent_turns(conn, &b)?;
        let stops = patterns(&b);
        let ended = if let Some(p) =
            rules::stop_pattern(&m.content, &stops).filter(|_| done >= i64::from(b.min_turns))
        {
            Some(format!(
                "{} said the stop pattern {p}",
                m.speaker.as_deref().unwrap_or("")
            ))
        } else if done >= i64::from(b.max_turns) {
            Some(format!("reached {} turns", b.max_turns))
        } else {
            b.token_budget
                .filter(|t| b.tokens_used >= *t)
                .map(|t| format!("used the token budget ({t})"))
        };
        if let Some(why) = ended {
            set_state(conn, id, BackroomState::Finished, Some(why.clone()))?;
            return Ok(After::Finished(why));
        }
        Ok(match super::guards::after_turn(conn, &b, &m, done)? {
            Some(why) => {
                set_state(conn, id, BackroomState::Paused, Some(why.clone()))?;
                After::Paused(why)
            }
            None => After::Continue,
        })
    })
}
