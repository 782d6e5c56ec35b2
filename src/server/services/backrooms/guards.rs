//! A run's guards: loop detection, a token cap per seat and a cost cap.
//! Their settings (a backroom without a row has the defaults), what the
//! run has cost, and the checks the engine makes before and after a turn.

use super::read::{owned, participants};
use crate::error::AppError;
use crate::model::backroom::{Guards, GuardsInput};
use crate::model::chat::{MessageStatus, Role};
use crate::server::db::rows::{Backroom, Message, Participant};
use crate::server::db::schema::{backroom_guards, messages};
use crate::server::db::Conn;
use crate::server::services::backroom_loops::{self as loops, DEFAULT_OVERLAP};
use crate::server::services::threads as chats;
use crate::server::services::usage::cost_nanos;
use diesel::prelude::*;

const NANOS: f64 = 1e9;

#[derive(Clone, Debug, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = backroom_guards, treat_none_as_null = true)]
struct Row {
    backroom_id: i64,
    loop_overlap: Option<i32>,
    seat_token_cap: Option<i64>,
    cost_cap_nanos: Option<i64>,
    cost_nanos: i64,
}

fn row(conn: &mut Conn, id: i64) -> Result<Row, AppError> {
    Ok(backroom_guards::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .unwrap_or(Row {
            backroom_id: id,
            loop_overlap: Some(DEFAULT_OVERLAP.into()),
            seat_token_cap: None,
            cost_cap_nanos: None,
            cost_nanos: 0,
        }))
}

fn guards(r: &Row) -> Guards {
    Guards {
        loop_overlap: r.loop_overlap.map(i64::from),
        seat_token_cap: r.seat_token_cap,
        cost_cap_usd: r.cost_cap_nanos.map(|n| n as f64 / NANOS),
        cost_usd: r.cost_nanos as f64 / NANOS,
    }
}

/// The run's guards.
pub fn get(conn: &mut Conn, id: i64) -> Result<Guards, AppError> {
    Ok(guards(&row(conn, id)?))
}

/// Checks the settings: a clear error naming the field when one is off.
fn checked(id: i64, input: &GuardsInput, cost_nanos: i64) -> Result<Row, AppError> {
    let loop_overlap = match input.loop_overlap {
        None => Some(DEFAULT_OVERLAP.into()),
        Some(0) => None,
        Some(p @ 1..=100) => Some(p as i32),
        Some(_) => {
            return Err(AppError::invalid(
                "loop_overlap",
                "loop_overlap is a percentage from 1 to 100, or 0 to turn loop detection off.",
            ))
        }
    };
    if input.seat_token_cap.is_some_and(|t| t < 1) {
        return Err(AppError::invalid(
            "seat_token_cap",
            "seat_token_cap must be a positive number of tokens.",
        ));
    }
    let cost_cap_nanos = match input.cost_cap_usd {
        None => None,
        Some(usd) if usd.is_finite() && usd > 0.0 && usd <= 1e6 => Some((usd * NANOS) as i64),
        Some(_) => {
            return Err(AppError::invalid(
                "cost_cap_usd",
                "cost_cap_usd must be an amount of dollars above 0 (at most 1 000 000).",
            ))
        }
    };
    Ok(Row {
        backroom_id: id,
        loop_overlap,
        seat_token_cap: input.seat_token_cap,
        cost_cap_nanos,
        cost_nanos,
    })
}

/// Refuses settings that are off before anything is written.
pub fn check(input: &GuardsInput) -> Result<(), AppError> {
    checked(0, input, 0).map(|_| ())
}

/// Sets a new run's guards (or a fork's: what it cost starts again).
pub fn init(conn: &mut Conn, id: i64, input: &GuardsInput) -> Result<(), AppError> {
    save(conn, &checked(id, input, 0)?)
}

fn save(conn: &mut Conn, r: &Row) -> Result<(), AppError> {
    crate::each_backend!(conn, |c| diesel::insert_into(backroom_guards::table)
        .values(r)
        .on_conflict(backroom_guards::backroom_id)
        .do_update()
        .set(r)
        .execute(c))?;
    Ok(())
}

/// The settings a run has, to give a fork the same.
pub fn input_of(conn: &mut Conn, id: i64) -> Result<GuardsInput, AppError> {
    let r = row(conn, id)?;
    Ok(GuardsInput {
        loop_overlap: Some(r.loop_overlap.map_or(0, i64::from)),
        seat_token_cap: r.seat_token_cap,
        cost_cap_usd: r.cost_cap_nanos.map(|n| n as f64 / NANOS),
    })
}

/// The owner changes a run's guards (what it cost so far stays).
pub fn set(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    input: &GuardsInput,
) -> Result<Guards, AppError> {
    conn.immediate_transaction(|conn| {
        owned(conn, user_id, id)?;
        let cost = row(conn, id)?.cost_nanos;
        let r = checked(id, input, cost)?;
        save(conn, &r)?;
        Ok(guards(&r))
    })
}

fn dollars(nanos: i64) -> String {
    format!("${:.4}", nanos as f64 / NANOS)
}

/// Tokens a seat has used over the run.
fn seat_tokens(conn: &mut Conn, b: &Backroom, seat: i64) -> Result<i64, AppError> {
    let used: Vec<(Option<i32>, Option<i32>)> = messages::table
        .filter(messages::thread_id.eq(b.thread_id))
        .filter(messages::participant_id.eq(seat))
        .select((messages::prompt_tokens, messages::completion_tokens))
        .load(conn)?;
    Ok(used
        .iter()
        .map(|(p, c)| i64::from(p.unwrap_or(0)) + i64::from(c.unwrap_or(0)))
        .sum())
}

/// The prices (input, output per million tokens) of the model `seat`
/// speaks through, if the owner may still use it.
pub(super) fn prices(
    conn: &mut Conn,
    user_id: i64,
    seat: &Participant,
) -> Option<(Option<f64>, Option<f64>)> {
    chats::resolve_model(conn, user_id, seat.model_id, None, None)
        .ok()
        .map(|(model, _)| (model.input_price, model.output_price))
}

fn over_cost(r: &Row) -> Option<String> {
    let cap = r.cost_cap_nanos?;
    (r.cost_nanos >= cap).then(|| {
        format!(
            "cost cap: the run cost {} of {}",
            dollars(r.cost_nanos),
            dollars(cap)
        )
    })
}

fn over_tokens(
    conn: &mut Conn,
    b: &Backroom,
    r: &Row,
    seat: &Participant,
) -> Result<Option<String>, AppError> {
    let Some(cap) = r.seat_token_cap else {
        return Ok(None);
    };
    let used = seat_tokens(conn, b, seat.id)?;
    Ok((used >= cap).then(|| format!("token cap: {} used {used} of {cap} tokens", seat.name)))
}

/// Before `seat` speaks: why the run must pause instead (the cost cap, or
/// the seat's token cap, already reached).
pub(super) fn before_turn(
    conn: &mut Conn,
    b: &Backroom,
    seat: &Participant,
) -> Result<Option<String>, AppError> {
    let r = row(conn, b.id)?;
    if let Some(why) = over_cost(&r) {
        return Ok(Some(why));
    }
    over_tokens(conn, b, &r, seat)
}

/// The last agent turns that got through, at most [`loops::WINDOW`] + 1,
/// oldest first (only these are compared, not the whole run).
fn recent_turns(conn: &mut Conn, b: &Backroom) -> Result<Vec<Message>, AppError> {
    let mut recent: Vec<Message> = messages::table
        .filter(messages::thread_id.eq(b.thread_id))
        .filter(messages::role.eq(Role::Assistant))
        .filter(messages::status.eq_any([MessageStatus::Complete, MessageStatus::Stopped]))
        .order(messages::id.desc())
        .limit(loops::WINDOW as i64 + 1)
        .select(Message::as_select())
        .load(conn)?;
    recent.reverse();
    Ok(recent)
}

/// After turn `m` (an agent's, finished, the `done`th of the run): books
/// what it cost at its model's prices, and says why the run must pause,
/// if it must: the turn repeats a recent one, or a cap is reached.
pub(super) fn after_turn(
    conn: &mut Conn,
    b: &Backroom,
    m: &Message,
    done: i64,
) -> Result<Option<String>, AppError> {
    let mut r = row(conn, b.id)?;
    let seats = participants(conn, b.id)?;
    let seat = seats.iter().find(|p| Some(p.id) == m.participant_id);
    if let Some(seat) = seat {
        if let Some((input, output)) = prices(conn, b.user_id, seat) {
            let cost = cost_nanos(
                i64::from(m.prompt_tokens.unwrap_or(0)),
                i64::from(m.completion_tokens.unwrap_or(0)),
                input,
                output,
            );
            if cost > 0 {
                r.cost_nanos += cost;
                save(conn, &r)?;
            }
        }
    }
    if let Some(threshold) = r.loop_overlap {
        let recent = recent_turns(conn, b)?;
        let texts: Vec<&str> = recent.iter().map(|t| t.content.as_str()).collect();
        if let Some(rep) = loops::repeats(&texts, threshold.clamp(1, 100) as u8) {
            // The run's turn number of recent[i], and who said it.
            let first = done - recent.len() as i64 + 1;
            let said = |i: usize| {
                let who = recent[i].speaker.as_deref().unwrap_or_default();
                format!("turn {} ({who})", first + i as i64)
            };
            return Ok(Some(format!(
                "looping: {} repeats {}, {}% the same",
                said(rep.newest),
                said(rep.earlier),
                rep.overlap
            )));
        }
    }
    if let Some(why) = over_cost(&r) {
        return Ok(Some(why));
    }
    match seat {
        Some(seat) => over_tokens(conn, b, &r, seat),
        None => Ok(None),
    }
}
