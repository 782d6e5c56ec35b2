//! Whispers: a viewer's interjection heard only by the seats it names
//! (`@Name` in the text, or `visible_to` in the API), and an agent's turn
//! that opens with `@Name`s. Everyone else's prompt leaves it out; viewers
//! see it marked with who it was for.

use crate::error::AppError;
use crate::server::db::rows::{Backroom, Participant};
use crate::server::db::schema::{backroom_participants, backroom_whispers, messages};
use crate::server::db::Conn;
use diesel::prelude::*;
use std::collections::HashMap;

/// The seats an interjection is for: those `asked` names (participant or
/// agent ids), else those it `@`-mentions; empty: everyone.
pub(super) fn addressees(
    seats: &[Participant],
    content: &str,
    asked: Option<&[i64]>,
) -> Result<Vec<i64>, AppError> {
    if let Some(ids) = asked {
        if ids.len() > 8 {
            return Err(AppError::invalid(
                "visible_to",
                "visible_to names at most the 8 participants a backroom has.",
            ));
        }
        if ids.is_empty() {
            return Err(AppError::invalid(
                "visible_to",
                "visible_to names at least one participant (leave it out for everyone).",
            ));
        }
        let mut to = Vec::new();
        for id in ids {
            let seat = seats
                .iter()
                .find(|p| p.id == *id || p.agent_id == Some(*id))
                .ok_or_else(|| {
                    AppError::invalid("visible_to", format!("{id} is not in this backroom."))
                })?;
            if !to.contains(&seat.id) {
                to.push(seat.id);
            }
        }
        return Ok(to);
    }
    let lower = content.to_lowercase();
    Ok(seats
        .iter()
        .filter(|p| mentions(&lower, &p.name.to_lowercase()))
        .map(|p| p.id)
        .collect())
}

/// `@name` in `text` (both lower-cased), not as the start of a longer
/// name (`@Ada` is not `@Adam`).
fn mentions(text: &str, name: &str) -> bool {
    let needle = format!("@{name}");
    text.match_indices(&needle).any(|(at, _)| {
        !text[at + needle.len()..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    })
}

/// The seats an agent's turn opens with (`@Bob @Cy, ...`): it is a whisper
/// to them. Only `@`-names before anything else count, each the whole
/// name of a seat in the room other than the speaker's own.
fn opening(seats: &[Participant], content: &str, speaker: Option<i64>) -> Vec<i64> {
    let mut to = Vec::new();
    let mut rest = content.trim_start();
    while let Some(after) = rest.strip_prefix('@') {
        let lower = after.to_lowercase();
        let named = seats
            .iter()
            .filter(|p| Some(p.id) != speaker)
            .filter(|p| {
                let name = p.name.to_lowercase();
                lower.starts_with(&name)
                    && !lower[name.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
            })
            .max_by_key(|p| p.name.len());
        let Some(seat) = named else { break };
        if !to.contains(&seat.id) {
            to.push(seat.id);
        }
        // Lower-casing may change lengths: step over the name by characters.
        let skip: usize = after
            .char_indices()
            .nth(seat.name.chars().count())
            .map_or(after.len(), |(i, _)| i);
        rest =
            after[skip..].trim_start_matches(|c: char| c == ',' || c == ':' || c.is_whitespace());
    }
    to
}

/// The seats agent turn `m` whispers to (empty: said to everyone).
pub(super) fn of_agent_turn(
    conn: &mut Conn,
    b: &Backroom,
    m: &crate::server::db::rows::Message,
) -> Result<Vec<i64>, AppError> {
    let seats = super::cast::present(conn, b.id)?;
    Ok(opening(&seats, &m.content, m.participant_id))
}

/// Who finished agent turn `message_id` whispers to, by name, as its end
/// goes out live (it is recorded as the run goes on to the next turn).
pub fn agent_turn_names(conn: &mut Conn, message_id: i64) -> Result<Vec<String>, AppError> {
    let m: crate::server::db::rows::Message = messages::table
        .find(message_id)
        .select(crate::server::db::rows::Message::as_select())
        .first(conn)?;
    let Some(seat) = m.participant_id else {
        return Ok(Vec::new());
    };
    let room: i64 = backroom_participants::table
        .find(seat)
        .select(backroom_participants::backroom_id)
        .first(conn)?;
    let seats = super::cast::present(conn, room)?;
    let to = opening(&seats, &m.content, m.participant_id);
    Ok(seats
        .into_iter()
        .filter(|p| to.contains(&p.id))
        .map(|p| p.name)
        .collect())
}

pub(super) fn record(conn: &mut Conn, message_id: i64, to: &[i64]) -> Result<(), AppError> {
    for p in to {
        diesel::insert_into(backroom_whispers::table)
            .values((
                backroom_whispers::message_id.eq(message_id),
                backroom_whispers::participant_id.eq(p),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The run's whispers: message id -> the seats that hear it.
pub(super) fn of_run(conn: &mut Conn, b: &Backroom) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    let rows: Vec<(i64, i64)> = backroom_whispers::table
        .inner_join(messages::table)
        .filter(messages::thread_id.eq(b.thread_id))
        .select((
            backroom_whispers::message_id,
            backroom_whispers::participant_id,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for (m, p) in rows {
        out.entry(m).or_default().push(p);
    }
    Ok(out)
}

/// Every whisper of the run by message id, with who heard it by name (in
/// seat order): one read for a stage catching up on a whole transcript.
pub fn names_of_run(conn: &mut Conn, b: &Backroom) -> Result<HashMap<i64, Vec<String>>, AppError> {
    let seats = super::read::participants(conn, b.id)?;
    Ok(of_run(conn, b)?
        .into_iter()
        .map(|(m, to)| {
            let names = seats
                .iter()
                .filter(|s| to.contains(&s.id))
                .map(|s| s.name.clone())
                .collect();
            (m, names)
        })
        .collect())
}

/// Who a turn was whispered to, by name (empty: said to everyone).
pub fn names_for(conn: &mut Conn, message_id: i64) -> Result<Vec<String>, AppError> {
    Ok(backroom_whispers::table
        .inner_join(backroom_participants::table)
        .filter(backroom_whispers::message_id.eq(message_id))
        .order(backroom_participants::position.asc())
        .select(backroom_participants::name)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::{mentions, opening};
    use crate::server::db::rows::Participant;

    fn seat(id: i64, name: &str) -> Participant {
        Participant {
            id,
            backroom_id: 1,
            position: id as i32,
            agent_id: None,
            name: name.into(),
            avatar: String::new(),
            avatar_image: None,
            color: String::new(),
            system_prompt: String::new(),
            model_id: None,
            temperature: 1.0,
            max_tokens: None,
            talkativeness: 0.5,
        }
    }

    #[test]
    fn an_agent_whispers_by_opening_with_names() {
        let seats = [
            seat(1, "Ada"),
            seat(2, "Bob"),
            seat(3, "Bob Jr"),
            seat(4, "Élise"),
        ];
        assert_eq!(
            opening(&seats, "@Bob, the key is under the mat.", Some(1)),
            [2]
        );
        assert_eq!(opening(&seats, "  @bob jr @ÉLISE: psst", Some(1)), [3, 4]);
        assert_eq!(opening(&seats, "@Élise,@Bob hi", Some(1)), [4, 2]);
        // A mention later on, a name that is not a seat's, or the speaker's
        // own name is said to everyone.
        assert!(opening(&seats, "I think @Bob is right.", Some(1)).is_empty());
        assert!(opening(&seats, "@Bobby hello", Some(1)).is_empty());
        assert!(opening(&seats, "@Ada hello", Some(1)).is_empty());
    }

    #[test]
    fn a_mention_is_the_whole_name() {
        assert!(mentions("@ada, the exit", "ada"));
        assert!(mentions("psst @ada", "ada"));
        assert!(!mentions("@adam, the exit", "ada"));
        assert!(!mentions("ada, the exit", "ada"));
        assert!(mentions("to @mary ann:", "mary ann"));
    }
}
