//! Whispers: a viewer's interjection heard only by the seats it names
//! (`@Name` in the text, or `visible_to` in the API). Everyone else's
//! prompt leaves it out; viewers see it marked with who it was for.

use crate::error::AppError;
use crate::server::db::rows::{Backroom, Participant};
use crate::server::db::schema::{backroom_participants, backroom_whispers, messages};
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

pub(super) fn record(
    conn: &mut SqliteConnection,
    message_id: i64,
    to: &[i64],
) -> Result<(), AppError> {
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
pub(super) fn of_run(
    conn: &mut SqliteConnection,
    b: &Backroom,
) -> Result<HashMap<i64, Vec<i64>>, AppError> {
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

/// Who a turn was whispered to, by name (empty: said to everyone).
pub fn names_for(conn: &mut SqliteConnection, message_id: i64) -> Result<Vec<String>, AppError> {
    Ok(backroom_whispers::table
        .inner_join(backroom_participants::table)
        .filter(backroom_whispers::message_id.eq(message_id))
        .order(backroom_participants::position.asc())
        .select(backroom_participants::name)
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_mention_is_the_whole_name() {
        assert!(mentions("@ada, the exit", "ada"));
        assert!(mentions("psst @ada", "ada"));
        assert!(!mentions("@adam, the exit", "ada"));
        assert!(!mentions("ada, the exit", "ada"));
        assert!(mentions("to @mary ann:", "mary ann"));
    }
}
