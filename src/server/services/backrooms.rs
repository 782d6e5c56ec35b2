//! Backrooms: owner-only CRUD, the run's state changes, and the two steps
//! the engine asks for each turn ([`next_step`], [`after_turn`]). The pure
//! rules (turn order, prompts, kinds) are in `backroom_rules`.

use super::backroom_rules::{self as rules, Seat, Spoken};
use super::{agents, conversations as chats, validate};
use crate::error::AppError;
use crate::model::agent::avatar_url;
use crate::model::backroom::{
    BackroomState, BackroomSummary, BackroomView, Control, NewBackroom, ParticipantView, TurnView,
    TURN_ORDERS,
};
use crate::model::chat::MessageStatus;
use crate::model::provider::upstream_id;
use crate::server::auth::caller::Caller;
use crate::server::db::now;
use crate::server::db::rows::{
    Backroom, Message, NewBackroomRow, NewConversationRow, NewParticipant, NewTurn, Participant,
};
use crate::server::db::schema::{
    backroom_participants, backrooms, conversations, messages, provider_models,
};
use crate::server::services::conversations::Turn;

use diesel::prelude::*;

pub const TITLE_MAX: usize = 200;
pub const SCENARIO_MAX: usize = 32 * 1024;
pub const MAX_TURNS: i32 = 500;
pub const PATTERNS_MAX: usize = 10;
pub const PATTERN_MAX: usize = 100;
pub const INTERJECTION_MAX: usize = 10_000;
pub const DEFAULT_STOP: &str = "^C^C";

fn missing() -> AppError {
    AppError::not_found("No such backroom.")
}

pub fn owned(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<Backroom, AppError> {
    backrooms::table
        .find(id)
        .filter(backrooms::user_id.eq(user_id))
        .select(Backroom::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(missing)
}

pub fn load(conn: &mut SqliteConnection, id: i64) -> Result<Backroom, AppError> {
    backrooms::table
        .find(id)
        .select(Backroom::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(missing)
}

pub fn participants(
    conn: &mut SqliteConnection,
    backroom_id: i64,
) -> Result<Vec<Participant>, AppError> {
    Ok(backroom_participants::table
        .filter(backroom_participants::backroom_id.eq(backroom_id))
        .order(backroom_participants::position.asc())
        .select(Participant::as_select())
        .load(conn)?)
}

/// The transcript: every turn, oldest first.
pub fn turns(conn: &mut SqliteConnection, b: &Backroom) -> Result<Vec<Message>, AppError> {
    Ok(messages::table
        .filter(messages::conversation_id.eq(b.conversation_id))
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?)
}

fn patterns(b: &Backroom) -> Vec<String> {
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
    }
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
        human: m.role == "user",
        content: m.content.clone(),
        kind: m.kind.clone(),
        status: m.status.as_str().to_string(),
        model_sdk_id: m.model_sdk_id.clone(),
        prompt_tokens: m.prompt_tokens,
        completion_tokens: m.completion_tokens,
        ttft_ms: m.ttft_ms,
        total_ms: m.total_ms,
        error: m.error.clone(),
        created_at: m.created_at,
    }
}

pub fn view(conn: &mut SqliteConnection, b: Backroom) -> Result<BackroomView, AppError> {
    let seats = participants(conn, b.id)?;
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
        views.push(participant_view(p, model));
    }
    let turns = turns(conn, &b)?
        .iter()
        .enumerate()
        .map(|(i, m)| turn_view(m, i as i64 + 1, &seats))
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
        state: b.state.as_str().to_string(),
        state_reason: b.state_reason,
        tokens_used: b.tokens_used,
        next_participant: b.next_participant,
        forked_from: b.forked_from,
        created_at: b.created_at,
        updated_at: b.updated_at,
        participants: views,
        turns,
    })
}

pub fn get(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<BackroomView, AppError> {
    let b = owned(conn, user_id, id)?;
    view(conn, b)
}

fn agent_turns(conn: &mut SqliteConnection, b: &Backroom) -> Result<i64, AppError> {
    Ok(messages::table
        .filter(messages::conversation_id.eq(b.conversation_id))
        .filter(messages::role.eq("assistant"))
        .filter(messages::status.ne_all([MessageStatus::Error, MessageStatus::Interrupted]))
        .count()
        .get_result(conn)?)
}

/// Newest first (at most 200), in three queries whatever their number.
pub fn list(conn: &mut SqliteConnection, user_id: i64) -> Result<Vec<BackroomSummary>, AppError> {
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
    let convs: Vec<i64> = rows.iter().map(|b| b.conversation_id).collect();
    let turns: HashMap<i64, i64> = messages::table
        .filter(messages::conversation_id.eq_any(&convs))
        .filter(messages::role.eq("assistant"))
        .filter(messages::status.ne_all([MessageStatus::Error, MessageStatus::Interrupted]))
        .group_by(messages::conversation_id)
        .select((messages::conversation_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|b| BackroomSummary {
            id: b.id,
            turns: turns.get(&b.conversation_id).copied().unwrap_or(0),
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
            state: b.state.as_str().to_string(),
            max_turns: b.max_turns,
            updated_at: b.updated_at,
        })
        .collect())
}

struct Rules {
    title: String,
    scenario: String,
    turn_order: String,
    max_turns: i32,
    min_turns: i32,
    stop_patterns: String,
    token_budget: Option<i64>,
}

fn check(input: &NewBackroom) -> Result<Rules, AppError> {
    let title = validate::text("title", &input.title, TITLE_MAX)?;
    let scenario = input.scenario.clone().unwrap_or_default();
    if scenario.len() > SCENARIO_MAX {
        return Err(AppError::invalid(
            "scenario",
            format!("scenario must be at most {} KB.", SCENARIO_MAX / 1024),
        ));
    }
    let turn_order = input
        .turn_order
        .clone()
        .unwrap_or_else(|| "round_robin".into());
    if !TURN_ORDERS.contains(&turn_order.as_str()) {
        return Err(AppError::invalid(
            "turn_order",
            "turn_order must be round_robin, shuffled, natural or manual.",
        ));
    }
    if !(1..=MAX_TURNS).contains(&input.max_turns) {
        return Err(AppError::invalid(
            "max_turns",
            format!("max_turns must be between 1 and {MAX_TURNS}."),
        ));
    }
    let min_turns = input.min_turns.unwrap_or(0);
    if !(0..=input.max_turns).contains(&min_turns) {
        return Err(AppError::invalid(
            "min_turns",
            "min_turns must be between 0 and max_turns.",
        ));
    }
    let stops = input
        .stop_patterns
        .clone()
        .unwrap_or_else(|| vec![DEFAULT_STOP.to_string()]);
    if stops.len() > PATTERNS_MAX
        || stops
            .iter()
            .any(|p| p.is_empty() || p.chars().count() > PATTERN_MAX)
    {
        return Err(AppError::invalid(
            "stop_patterns",
            format!("stop_patterns holds at most {PATTERNS_MAX} non-empty strings of up to {PATTERN_MAX} characters."),
        ));
    }
    if input.token_budget.is_some_and(|t| t < 1) {
        return Err(AppError::invalid(
            "token_budget",
            "token_budget must be a positive number of tokens.",
        ));
    }
    Ok(Rules {
        title,
        scenario,
        turn_order,
        max_turns: input.max_turns,
        min_turns,
        stop_patterns: serde_json::to_string(&stops).map_err(|_| AppError::Internal)?,
        token_budget: input.token_budget,
    })
}

fn insert_room(
    conn: &mut SqliteConnection,
    user_id: i64,
    r: Rules,
    forked_from: Option<i64>,
) -> Result<Backroom, AppError> {
    let ts = now();
    let conv: i64 = diesel::insert_into(conversations::table)
        .values((
            NewConversationRow {
                user_id,
                title: r.title.clone(),
                model_id: None,
                temperature: None,
                max_tokens: None,
                pinned: false,
                created_at: ts,
                updated_at: ts,
                agent_id: None,
            },
            conversations::kind.eq("backroom"),
        ))
        .returning(conversations::id)
        .get_result(conn)?;
    Ok(diesel::insert_into(backrooms::table)
        .values(NewBackroomRow {
            user_id,
            conversation_id: conv,
            title: r.title,
            scenario: r.scenario,
            turn_order: r.turn_order,
            max_turns: r.max_turns,
            min_turns: r.min_turns,
            stop_patterns: r.stop_patterns,
            token_budget: r.token_budget,
            state: BackroomState::Draft,
            forked_from,
            created_at: ts,
            updated_at: ts,
        })
        .returning(Backroom::as_returning())
        .get_result(conn)?)
}

/// A draft backroom; its participants are snapshots of the agents.
pub fn create(
    conn: &mut SqliteConnection,
    user_id: i64,
    input: &NewBackroom,
) -> Result<BackroomView, AppError> {
    let r = check(input)?;
    if !crate::model::backroom::PARTICIPANTS.contains(&input.participants.len()) {
        return Err(AppError::invalid(
            "participants",
            "A backroom needs 2 to 8 participants.",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if !input.participants.iter().all(|id| seen.insert(*id)) {
        return Err(AppError::invalid(
            "participants",
            "Each agent can take part once.",
        ));
    }
    conn.immediate_transaction(|conn| create_in(conn, user_id, input, r))
}

/// [`create`] inside the caller's transaction.
fn create_in(
    conn: &mut SqliteConnection,
    user_id: i64,
    input: &NewBackroom,
    r: Rules,
) -> Result<BackroomView, AppError> {
    {
        let mut found = Vec::new();
        for id in &input.participants {
            found.push(agents::visible(conn, user_id, *id).map_err(|_| {
                AppError::invalid(
                    "participants",
                    format!("Agent {id} is not one of your agents."),
                )
            })?);
        }
        let b = insert_room(conn, user_id, r, None)?;
        for (i, a) in found.iter().enumerate() {
            diesel::insert_into(backroom_participants::table)
                .values(NewParticipant {
                    backroom_id: b.id,
                    position: i as i32,
                    agent_id: Some(a.id),
                    name: a.name.clone(),
                    avatar: a.avatar.clone(),
                    avatar_image: a.avatar_image.clone(),
                    color: a.color.clone(),
                    system_prompt: a.system_prompt.clone(),
                    model_id: a.model_id,
                    temperature: a.temperature,
                    max_tokens: a.max_tokens,
                    talkativeness: a.talkativeness,
                })
                .execute(conn)?;
        }
        view(conn, b)
    }
}

/// Deleting a backroom deletes its transcript (its conversation).
pub fn delete(conn: &mut SqliteConnection, user_id: i64, id: i64) -> Result<(), AppError> {
    let b = owned(conn, user_id, id)?;
    diesel::delete(conversations::table.find(b.conversation_id)).execute(conn)?;
    super::avatars::collect_garbage(conn)?;
    Ok(())
}

fn set_state(
    conn: &mut SqliteConnection,
    id: i64,
    state: BackroomState,
    reason: Option<String>,
) -> Result<Backroom, AppError> {
    Ok(diesel::update(backrooms::table.find(id))
        .set((
            backrooms::state.eq(state.as_str()),
            backrooms::state_reason.eq(reason),
            backrooms::updated_at.eq(now()),
        ))
        .returning(Backroom::as_returning())
        .get_result(conn)?)
}

/// A control button: moves the run as [`BackroomState::after`] allows, in
/// one transaction (two viewers pressing at once cannot both win).
pub fn transition(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
    control: Control,
) -> Result<Backroom, AppError> {
    conn.immediate_transaction(|conn| {
        let b = owned(conn, user_id, id)?;
        let Some(to) = b.state.after(control) else {
            let from: Vec<&str> = control.allowed_from().iter().map(|s| s.as_str()).collect();
            return Err(AppError::conflict(format!(
                "The backroom is {}; that can only be done when it is {}.",
                b.state.as_str(),
                from.join(" or ")
            )));
        };
        let reason = (to == BackroomState::Stopped).then(|| "stopped by a viewer".to_string());
        set_state(conn, id, to, reason)
    })
}

/// Manual order: who speaks next (a participant id, or the agent's id).
pub fn pick(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
    who: i64,
) -> Result<Backroom, AppError> {
    let b = owned(conn, user_id, id)?;
    let seat = participants(conn, b.id)?
        .into_iter()
        .find(|p| p.id == who || p.agent_id == Some(who))
        .ok_or_else(|| AppError::invalid("agent_id", "That agent is not in this backroom."))?;
    Ok(diesel::update(backrooms::table.find(id))
        .set(backrooms::next_participant.eq(Some(seat.id)))
        .returning(Backroom::as_returning())
        .get_result(conn)?)
}

/// A viewer's message, as a named human turn every agent will see.
pub fn interject(
    conn: &mut SqliteConnection,
    user_id: i64,
    id: i64,
    speaker: &str,
    content: &str,
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
    let b = owned(conn, user_id, id)?;
    if matches!(b.state, BackroomState::Finished | BackroomState::Stopped) {
        return Err(AppError::conflict("This run has ended; fork it to go on."));
    }
    let ts = now();
    Ok(diesel::insert_into(messages::table)
        .values(NewTurn {
            conversation_id: b.conversation_id,
            role: "user",
            content: text,
            status: MessageStatus::Complete,
            model_sdk_id: None,
            participant_id: None,
            speaker,
            kind: rules::kind_of(text),
            created_at: ts,
            updated_at: ts,
        })
        .returning(Message::as_returning())
        .get_result(conn)?)
}

/// An agent turn that counts towards `max_turns` (failed and cut-off
/// turns are retried instead).
fn counts(m: &Message) -> bool {
    m.role == "assistant" && !m.status.failed() && m.status != MessageStatus::Streaming
}

/// A turn the agents hear: human turns and agents' turns that got through.
fn heard(m: &Message) -> bool {
    !m.content.is_empty() && (m.role == "user" || counts(m))
}

/// What the engine does next.
pub enum Step {
    /// The run is over (max turns, the budget...): say why.
    Finish(String),
    /// Manual order and nobody picked yet.
    Wait,
    Speak(Box<Turn>),
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
        .find(|m| m.role == "assistant")
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
    match b.turn_order.as_str() {
        "shuffled" => rules::shuffled(&seat_views, agent_turns, b.id),
        "natural" => rules::natural(&seat_views, spoken.last(), &mut rand::thread_rng()),
        "manual" => b.next_participant,
        _ => rules::round_robin(&seat_views, agent_turns),
    }
}

/// Decides the next turn and, when someone speaks, stores their empty turn
/// and answers everything the engine needs to generate it.
pub fn next_step(conn: &mut SqliteConnection, id: i64) -> Result<Step, AppError> {
    conn.immediate_transaction(|conn| {
        let b = load(conn, id)?;
        let seats = participants(conn, id)?;
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
        let spoken: Vec<Spoken> = history
            .iter()
            .filter(|m| heard(m))
            .map(|m| Spoken {
                participant: m.participant_id,
                speaker: m.speaker.as_deref().unwrap_or(""),
                content: &m.content,
            })
            .collect();
        let prompt = rules::prompt_for(
            seat.id,
            &seat.name,
            &seat.system_prompt,
            &b.scenario,
            &spoken,
            rules::CONTEXT_CHARS,
        );
        let (model, provider) = chats::resolve_model(conn, seat.model_id, None, None)
            .or_else(|_| chats::resolve_model(conn, None, None, None))?;
        let ts = now();
        let turn: Message = diesel::insert_into(messages::table)
            .values(NewTurn {
                conversation_id: b.conversation_id,
                role: "assistant",
                content: "",
                status: MessageStatus::Streaming,
                model_sdk_id: Some(&model.model_sdk_id),
                participant_id: Some(seat.id),
                speaker: &seat.name,
                kind: "message",
                created_at: ts,
                updated_at: ts,
            })
            .returning(Message::as_returning())
            .get_result(conn)?;
        diesel::update(backrooms::table.find(id))
            .set((
                backrooms::next_participant.eq(None::<i64>),
                backrooms::updated_at.eq(ts),
            ))
            .execute(conn)?;
        Ok(Step::Speak(Box::new(Turn {
            conversation_id: b.conversation_id,
            user_message_id: None,
            assistant_message_id: turn.id,
            provider: chats::target(&provider),
            upstream_model: upstream_id(&model.model_sdk_id).to_string(),
            history: prompt,
            temperature: Some(seat.temperature),
            max_tokens: seat.max_tokens.map(|n| n as u32),
        })))
    })
}

/// How a turn left the run.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    Continue,
    Finished(String),
    /// A provider error: paused, the error shown on the turn.
    Failed(String),
    Stopped,
}

/// Books a finished turn: its kind, the tokens it used, and whether it ends
/// the run (stop pattern after `min_turns`, `max_turns`, the budget).
pub fn after_turn(conn: &mut SqliteConnection, id: i64, turn_id: i64) -> Result<After, AppError> {
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
        let b: Backroom = diesel::update(backrooms::table.find(id))
            .set((
                backrooms::tokens_used.eq(b.tokens_used + used),
                backrooms::updated_at.eq(now()),
            ))
            .returning(Backroom::as_returning())
            .get_result(conn)?;
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
        Ok(match ended {
            Some(why) => {
                set_state(conn, id, BackroomState::Finished, Some(why.clone()))?;
                After::Finished(why)
            }
            None => After::Continue,
        })
    })
}

/// Pauses the run because it cannot go on, saying why.
pub fn pause_for(conn: &mut SqliteConnection, id: i64, why: &str) -> Result<Backroom, AppError> {
    set_state(conn, id, BackroomState::Paused, Some(why.to_string()))
}

/// Ends the run as finished (the engine decided so before a turn).
pub fn finish(conn: &mut SqliteConnection, id: i64, why: &str) -> Result<Backroom, AppError> {
    set_state(conn, id, BackroomState::Finished, Some(why.to_string()))
}

/// At boot: a run that was going lost its task; it comes back paused with
/// every finished turn intact.
pub fn mark_interrupted(conn: &mut SqliteConnection) -> Result<usize, AppError> {
    Ok(
        diesel::update(backrooms::table.filter(backrooms::state.eq("running")))
            .set((
                backrooms::state.eq("paused"),
                backrooms::state_reason.eq("the server restarted"),
            ))
            .execute(conn)?,
    )
}

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
                turn_order: src.turn_order.clone(),
                max_turns: src.max_turns,
                min_turns: src.min_turns,
                stop_patterns: src.stop_patterns.clone(),
                token_budget: src.token_budget,
            },
            Some(src.id),
        )?;
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
        for m in history.iter().take(upto as usize) {
            // Cut-off turns come along as what they said.
            let status = if m.status == MessageStatus::Streaming {
                MessageStatus::Interrupted
            } else {
                m.status
            };
            used += i64::from(m.prompt_tokens.unwrap_or(0) + m.completion_tokens.unwrap_or(0));
            diesel::insert_into(messages::table)
                .values((
                    NewTurn {
                        conversation_id: b.conversation_id,
                        role: &m.role,
                        content: &m.content,
                        status,
                        model_sdk_id: m.model_sdk_id.as_deref(),
                        participant_id: m.participant_id.and_then(|p| seat_map.get(&p).copied()),
                        speaker: m.speaker.as_deref().unwrap_or(""),
                        kind: &m.kind,
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
                .execute(conn)?;
        }
        let b: Backroom = diesel::update(backrooms::table.find(b.id))
            .set(backrooms::tokens_used.eq(used))
            .returning(Backroom::as_returning())
            .get_result(conn)?;
        view(conn, b)
    })
}

/// Imports a UniversalBackrooms template: one new agent per line (with that
/// line's system prompt) and a draft backroom with them.
pub fn import_template(
    conn: &mut SqliteConnection,
    caller: &Caller,
    title: &str,
    jsonl: &str,
) -> Result<BackroomView, AppError> {
    use crate::model::agent::AgentInput;
    let (people, scenario) = super::backroom_export::read_template(jsonl)?;
    let title = validate::text("title", title, TITLE_MAX)?;
    const FACES: &[(&str, &str)] = &[
        ("🧭", "#16a34a"),
        ("🖥️", "#65a30d"),
        ("🐙", "#7c3aed"),
        ("🦉", "#a16207"),
        ("✨", "#db2777"),
        ("🤖", "#6366f1"),
        ("🧠", "#0ea5e9"),
        ("🔥", "#dc2626"),
    ];
    conn.immediate_transaction(|conn| {
        let mut ids = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let (avatar, color) = FACES[i % FACES.len()];
            let name = p.name.clone().unwrap_or_else(|| {
                format!("{} {}", title.chars().take(60).collect::<String>(), i + 1)
            });
            let a = agents::create(
                conn,
                caller,
                &AgentInput {
                    name,
                    system_prompt: Some(p.system_prompt.clone()),
                    avatar: Some(avatar.into()),
                    color: Some(color.into()),
                    description: Some(format!("Imported with the template “{title}”.")),
                    ..Default::default()
                },
            )
            .map_err(|e| match e.field() {
                Some(_) => {
                    AppError::invalid("template", format!("Line {}: {}", i + 1, e.message()))
                }
                None => e,
            })?;
            ids.push(a.id);
        }
        let input = NewBackroom {
            title: title.clone(),
            scenario: Some(clip(&scenario, SCENARIO_MAX).to_string()),
            participants: ids,
            turn_order: Some("round_robin".into()),
            max_turns: 20,
            ..Default::default()
        };
        let rules = check(&input)?;
        create_in(conn, caller.id, &input, rules)
    })
}

/// At most `max` bytes of `s`, cut on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agent::AgentInput;
    use crate::model::Role;
    use crate::server::auth::caller::Caller;
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use diesel_migrations::MigrationHarness;

    /// Every (state, control) pair: the allowed ones move the run where the
    /// product says, every other one answers 409 and changes nothing.
    #[test]
    fn every_control_in_every_state() -> Result<(), Box<dyn std::error::Error>> {
        let conn = &mut SqliteConnection::establish(":memory:")?;
        conn.batch_execute("PRAGMA foreign_keys = ON;")?;
        conn.run_pending_migrations(crate::server::db::MIGRATIONS)
            .map_err(|e| e.to_string())?;
        let user = crate::server::services::users::create(conn, "ada", "not a real hash")?;
        let caller = Caller {
            id: user.id,
            name: user.username.clone(),
            role: Role::User,
        };
        let agent = |conn: &mut SqliteConnection, name: &str| {
            let input = AgentInput {
                name: name.into(),
                ..Default::default()
            };
            crate::server::services::agents::create(conn, &caller, &input).map(|a| a.id)
        };
        let participants = vec![agent(conn, "Ada")?, agent(conn, "Bob")?];
        let room = create(
            conn,
            user.id,
            &NewBackroom {
                title: "States".into(),
                participants,
                max_turns: 4,
                ..Default::default()
            },
        )?;
        use BackroomState::*;
        let allowed = [
            (Draft, Control::Start, Running),
            (Draft, Control::Stop, Stopped),
            (Running, Control::Pause, Paused),
            (Running, Control::Stop, Stopped),
            (Paused, Control::Resume, Running),
            (Paused, Control::Stop, Stopped),
        ];
        for &from in BackroomState::ALL {
            for &control in Control::ALL {
                set_state(conn, room.id, from, None)?;
                let result = transition(conn, user.id, room.id, control);
                let now = owned(conn, user.id, room.id)?.state;
                match allowed.iter().find(|(f, c, _)| *f == from && *c == control) {
                    Some((_, _, to)) => {
                        assert!(result.is_ok(), "{from:?} + {control:?}: {result:?}");
                        assert_eq!(now, *to, "{from:?} + {control:?}");
                    }
                    None => {
                        let err = result.err().ok_or("a refused control succeeded")?;
                        assert_eq!(err.status_code(), 409, "{from:?} + {control:?}");
                        assert_eq!(now, from, "{from:?} + {control:?} changed it");
                    }
                }
            }
        }
        // Someone else's backroom is not found, whatever the control.
        let err = transition(conn, user.id + 1, room.id, Control::Stop).err();
        assert_eq!(err.map(|e| e.status_code()), Some(404));
        Ok(())
    }
}
