//! A run's figures from its stored turns: per participant its tokens, cost
//! at its model's prices, median time to the first token and tokens per
//! second; per agent turn its length.

use super::read::{owned, participants, turns};
use crate::error::AppError;
use crate::model::backroom_analytics::{RunAnalytics, SeatStats, TurnStats};
use crate::model::chat::Role;
use crate::server::db::rows::{Message, Participant};
use crate::server::db::Conn;
use crate::server::services::usage::cost_nanos;

/// The figures of the caller's backroom `id`.
pub fn analytics(conn: &mut Conn, user_id: i64, id: i64) -> Result<RunAnalytics, AppError> {
    let b = owned(conn, user_id, id)?;
    let seats = participants(conn, b.id)?;
    let history = turns(conn, &b)?;
    let prices: Vec<_> = seats
        .iter()
        .map(|s| super::guards::prices(conn, user_id, s).unwrap_or((None, None)))
        .collect();
    let per_turn = turn_stats(&history);
    let seat_stats: Vec<SeatStats> = seats
        .iter()
        .zip(prices)
        .map(|(seat, (input, output))| seat_stats(seat, &history, input, output))
        .collect();
    Ok(RunAnalytics {
        backroom_id: b.id,
        title: b.title,
        tokens: seat_stats
            .iter()
            .map(|s| s.prompt_tokens + s.completion_tokens)
            .sum(),
        cost_usd: seat_stats.iter().map(|s| s.cost_usd).sum(),
        seats: seat_stats,
        turns: per_turn,
    })
}

/// An agent's turn: written by a seat (not a viewer, not the room).
fn by_agent(m: &Message) -> Option<i64> {
    (m.role == Role::Assistant)
        .then_some(m.participant_id)
        .flatten()
}

fn turn_stats(history: &[Message]) -> Vec<TurnStats> {
    history
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            Some(TurnStats {
                number: i as i64 + 1,
                participant_id: by_agent(m)?,
                speaker: m.speaker.clone().unwrap_or_default(),
                completion_tokens: m.completion_tokens.map(i64::from),
                words: m.content.split_whitespace().count() as i64,
                ttft_ms: m.ttft_ms.map(i64::from),
                total_ms: m.total_ms.map(i64::from),
            })
        })
        .collect()
}

fn seat_stats(
    seat: &Participant,
    history: &[Message],
    input: Option<f64>,
    output: Option<f64>,
) -> SeatStats {
    let mine: Vec<&Message> = history
        .iter()
        .filter(|m| by_agent(m) == Some(seat.id))
        .collect();
    let prompt: i64 = mine
        .iter()
        .map(|m| i64::from(m.prompt_tokens.unwrap_or(0)))
        .sum();
    let completion: i64 = mine
        .iter()
        .map(|m| i64::from(m.completion_tokens.unwrap_or(0)))
        .sum();
    let mut ttfts: Vec<i64> = mine
        .iter()
        .filter_map(|m| m.ttft_ms.map(i64::from))
        .collect();
    ttfts.sort_unstable();
    // Tokens over the time spent writing them, from the turns that say both.
    let (written, ms) = mine
        .iter()
        .filter_map(|m| {
            let tokens = i64::from(m.completion_tokens?);
            let ms = i64::from(m.total_ms?) - i64::from(m.ttft_ms.unwrap_or(0));
            Some((tokens, ms.max(0)))
        })
        .fold((0, 0), |(t, d), (tokens, ms)| (t + tokens, d + ms));
    SeatStats {
        participant_id: seat.id,
        name: seat.name.clone(),
        color: seat.color.clone(),
        turns: mine.len() as i64,
        prompt_tokens: prompt,
        completion_tokens: completion,
        cost_usd: cost_nanos(prompt, completion, input, output) as f64 / 1e9,
        ttft_ms: median(&ttfts),
        tokens_per_second: (ms > 0).then(|| written as f64 * 1000.0 / ms as f64),
    }
}

/// The middle of sorted `v` (the lower of the two middles when even).
fn median(v: &[i64]) -> Option<i64> {
    (!v.is_empty()).then(|| v[(v.len() - 1) / 2])
}
