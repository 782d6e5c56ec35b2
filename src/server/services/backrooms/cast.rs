//! The cast changing mid-run: an agent enters (a new seat, a snapshot of
//! the agent as at creation, or its old seat back) or a seat leaves, from
//! the next turn on, each with a line in the transcript that everyone
//! hears ("Ada enters the room.").

use super::creation::seat_of;
use super::read::{owned, participants};
use crate::error::AppError;
use crate::model::backroom::{BackroomState, TurnKind, PARTICIPANTS};
use crate::server::db::now;
use crate::server::db::rows::{Backroom, Message, Participant};
use crate::server::db::schema::{backroom_departures, backroom_participants, backrooms};
use crate::server::db::Conn;
use crate::server::services::agents;
use diesel::prelude::*;

/// The seats that have left the room.
pub fn departed(conn: &mut Conn, backroom_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(backroom_departures::table
        .inner_join(backroom_participants::table)
        .filter(backroom_participants::backroom_id.eq(backroom_id))
        .select(backroom_departures::participant_id)
        .load(conn)?)
}

/// The seats in the room now, in speaking order.
pub fn present(conn: &mut Conn, backroom_id: i64) -> Result<Vec<Participant>, AppError> {
    let gone = departed(conn, backroom_id)?;
    let mut seats = participants(conn, backroom_id)?;
    seats.retain(|p| !gone.contains(&p.id));
    Ok(seats)
}

fn open_run(conn: &mut Conn, user_id: i64, id: i64) -> Result<Backroom, AppError> {
    let b = owned(conn, user_id, id)?;
    if matches!(b.state, BackroomState::Finished | BackroomState::Stopped) {
        return Err(AppError::conflict("This run has ended; fork it to go on."));
    }
    Ok(b)
}

fn enters(name: &str) -> String {
    format!("{name} enters the room.")
}

fn leaves(name: &str) -> String {
    format!("{name} leaves the room.")
}

/// Whether `seat` is in the room after the first `upto` turns of
/// `history` (a fork's cut): not if its last cast line by then says it
/// left, nor if it only enters later on.
pub(super) fn present_at(history: &[Message], upto: usize, seat: &Participant) -> bool {
    let lines = |ms: &[Message]| -> Vec<bool> {
        ms.iter()
            .filter(|m| m.kind == TurnKind::Cast && m.participant_id == Some(seat.id))
            .map(|m| m.content == enters(&seat.name))
            .collect()
    };
    let upto = upto.min(history.len());
    match lines(&history[..upto]).last() {
        Some(entered) => *entered,
        // No change by then: it was there from the start unless it first
        // comes in later.
        None => lines(&history[upto..]).first() != Some(&true),
    }
}

/// Marks the new `seat` of a fork as having left the room.
pub(super) fn depart(conn: &mut Conn, seat: i64) -> Result<(), AppError> {
    diesel::insert_into(backroom_departures::table)
        .values((
            backroom_departures::participant_id.eq(seat),
            backroom_departures::left_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The transcript's line for a cast change, said by the seat it is about.
fn line(
    conn: &mut Conn,
    b: &Backroom,
    seat: &Participant,
    text: &str,
) -> Result<Message, AppError> {
    super::turn_taking::said(conn, b, &seat.name, Some(seat.id), text, TurnKind::Cast)
}

/// Agent `agent_id` (one the owner may use) enters the room: it speaks
/// from the next turn on. Answers the transcript's line.
pub fn enter(conn: &mut Conn, user_id: i64, id: i64, agent_id: i64) -> Result<Message, AppError> {
    conn.immediate_transaction(|conn| {
        let b = open_run(conn, user_id, id)?;
        let agent = agents::visible(conn, user_id, agent_id).map_err(|_| {
            AppError::invalid(
                "agent_id",
                format!("Agent {agent_id} is not one of your agents."),
            )
        })?;
        let seats = participants(conn, id)?;
        let gone = departed(conn, id)?;
        let here = seats.iter().filter(|p| !gone.contains(&p.id)).count();
        if here >= *PARTICIPANTS.end() {
            return Err(AppError::invalid(
                "agent_id",
                format!(
                    "A backroom holds at most {} participants.",
                    PARTICIPANTS.end()
                ),
            ));
        }
        let seat = match seats.iter().find(|p| p.agent_id == Some(agent_id)) {
            Some(p) if !gone.contains(&p.id) => {
                return Err(AppError::invalid(
                    "agent_id",
                    format!("{} is already in the room.", p.name),
                ))
            }
            // Back again: the same seat, with its turns.
            Some(p) => {
                diesel::delete(backroom_departures::table.find(p.id)).execute(conn)?;
                p.clone()
            }
            None => {
                let position = seats.iter().map(|p| p.position).max().unwrap_or(-1) + 1;
                diesel::insert_into(backroom_participants::table)
                    .values(seat_of(id, position, &agent))
                    .returning(crate::server::db::all::<Participant>())
                    .get_result::<Participant>(conn)?
            }
        };
        line(conn, &b, &seat, &enters(&seat.name))
    })
}

/// Seat `seat_id` (its id, or its agent's) leaves the room: it takes no
/// more turns; what it said stays. Answers the transcript's line.
pub fn leave(conn: &mut Conn, user_id: i64, id: i64, seat_id: i64) -> Result<Message, AppError> {
    conn.immediate_transaction(|conn| {
        let b = open_run(conn, user_id, id)?;
        let seats = present(conn, id)?;
        let seat = seats
            .iter()
            .find(|p| p.id == seat_id || p.agent_id == Some(seat_id))
            .ok_or_else(|| AppError::not_found("No such participant in the room."))?
            .clone();
        if seats.len() <= *PARTICIPANTS.start() {
            return Err(AppError::conflict(format!(
                "A backroom needs at least {} participants; add one before {} leaves.",
                PARTICIPANTS.start(),
                seat.name
            )));
        }
        // A pick of the seat that left is forgotten.
        diesel::update(backrooms::table.find(id))
            .filter(backrooms::next_participant.eq(seat.id))
            .set(backrooms::next_participant.eq(None::<i64>))
            .execute(conn)?;
        diesel::insert_into(backroom_departures::table)
            .values((
                backroom_departures::participant_id.eq(seat.id),
                backroom_departures::left_at.eq(now()),
            ))
            .execute(conn)?;
        line(conn, &b, &seat, &leaves(&seat.name))
    })
}
