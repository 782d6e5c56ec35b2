//! Two branches of a run (a fork and what it was forked from, or two
//! forks) side by side from the turn where they split.

use super::read::get;
use crate::error::AppError;
use crate::model::backroom::{BackroomView, Branch, Comparison};
use crate::server::db::Conn;

fn branch(v: BackroomView, shared: usize) -> Branch {
    Branch {
        id: v.id,
        title: v.title,
        state: v.state,
        participants: v.participants,
        turns: v.turns.into_iter().skip(shared).collect(),
    }
}

/// Backrooms `a` and `b` (both the caller's) from the first turn where
/// they differ: who spoke or what was said.
pub fn compare(conn: &mut Conn, user_id: i64, a: i64, b: i64) -> Result<Comparison, AppError> {
    let left = get(conn, user_id, a)?;
    let right = get(conn, user_id, b)?;
    let shared = left
        .turns
        .iter()
        .zip(&right.turns)
        .take_while(|(x, y)| x.speaker == y.speaker && x.human == y.human && x.content == y.content)
        .count();
    Ok(Comparison {
        shared: shared as i64,
        left: branch(left, shared),
        right: branch(right, shared),
    })
}
