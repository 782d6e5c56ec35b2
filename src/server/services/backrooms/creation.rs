//! Creating backrooms: checking the rules, inserting the room with its
//! transcript, seating snapshots of the agents; and deleting one.

use super::limits::{DEFAULT_STOP, MAX_TURNS, PATTERNS_MAX, PATTERN_MAX, SCENARIO_MAX, TITLE_MAX};
use super::read::{owned, view};
use crate::error::AppError;
use crate::model::backroom::{BackroomState, BackroomView, NewBackroom, TurnOrder};
use crate::server::db::now;
use crate::server::db::rows::{Agent, Backroom, NewBackroomRow, NewParticipant, NewThreadRow};
use crate::server::db::schema::{backroom_participants, backrooms, threads};
use crate::server::db::Conn;
use crate::server::services::{agents, validate};

use diesel::prelude::*;

pub(super) struct Rules {
    pub(super) title: String,
    pub(super) scenario: String,
    pub(super) turn_order: TurnOrder,
    pub(super) max_turns: i32,
    pub(super) min_turns: i32,
    pub(super) stop_patterns: String,
    pub(super) token_budget: Option<i64>,
}

pub(super) fn check(input: &NewBackroom) -> Result<Rules, AppError> {
    let title = validate::text("title", &input.title, TITLE_MAX)?;
    let scenario = input.scenario.clone().unwrap_or_default();
    if scenario.len() > SCENARIO_MAX {
        return Err(AppError::invalid(
            "scenario",
            format!("scenario must be at most {} KB.", SCENARIO_MAX / 1024),
        ));
    }
    let turn_order = match input.turn_order.as_deref() {
        None => TurnOrder::RoundRobin,
        Some(word) => TurnOrder::parse(word).ok_or_else(|| {
            AppError::invalid(
                "turn_order",
                format!("turn_order must be {}.", TurnOrder::words()),
            )
        })?,
    };
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
    if let Some(g) = &input.guards {
        super::guards::check(g)?;
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

pub(super) fn insert_room(
    conn: &mut Conn,
    user_id: i64,
    r: Rules,
    forked_from: Option<i64>,
) -> Result<Backroom, AppError> {
    let ts = now();
    let conv: i64 = diesel::insert_into(threads::table)
        .values((
            NewThreadRow {
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
            threads::kind.eq("backroom"),
        ))
        .returning(threads::id)
        .get_result(conn)?;
    Ok(diesel::insert_into(backrooms::table)
        .values(NewBackroomRow {
            user_id,
            thread_id: conv,
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
        .returning(crate::server::db::all::<Backroom>())
        .get_result::<Backroom>(conn)?)
}

/// A draft backroom; its participants are snapshots of the agents.
pub fn create(
    conn: &mut Conn,
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
pub(super) fn create_in(
    conn: &mut Conn,
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
                .values(seat_of(b.id, i as i32, a))
                .execute(conn)?;
        }
        if let Some(g) = &input.guards {
            super::guards::init(conn, b.id, g)?;
        }
        view(conn, b)
    }
}

/// A seat at `position`: a snapshot of agent `a` as it is now.
pub(super) fn seat_of(backroom_id: i64, position: i32, a: &Agent) -> NewParticipant {
    NewParticipant {
        backroom_id,
        position,
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
    }
}

/// Deleting a backroom deletes its transcript (its thread).
pub fn delete(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    let b = owned(conn, user_id, id)?;
    diesel::delete(threads::table.find(b.thread_id)).execute(conn)?;
    crate::server::services::avatars::collect_garbage(conn)?;
    Ok(())
}
