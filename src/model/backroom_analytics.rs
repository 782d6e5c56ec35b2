//! A run's figures: per participant (tokens, cost, time to first token,
//! tokens per second) and per turn (its length), for the analytics page
//! and `GET /api/backrooms/{id}/analytics`.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunAnalytics {
    pub backroom_id: i64,
    pub title: String,
    /// Every seat, in seat order, also those that have not spoken.
    pub seats: Vec<SeatStats>,
    /// The agents' turns in order (viewers' and the room's lines left out).
    pub turns: Vec<TurnStats>,
    pub tokens: i64,
    pub cost_usd: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SeatStats {
    pub participant_id: i64,
    pub name: String,
    pub color: String,
    pub turns: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// At its model's prices (a model without prices costs nothing).
    pub cost_usd: f64,
    /// Median time to the first token over its turns, in milliseconds.
    pub ttft_ms: Option<i64>,
    /// Completion tokens per second of writing (from the first token to
    /// the last), over all its turns.
    pub tokens_per_second: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TurnStats {
    /// The turn's number in the transcript (1-based, as on the room page).
    pub number: i64,
    pub participant_id: i64,
    pub speaker: String,
    pub completion_tokens: Option<i64>,
    pub words: i64,
    pub ttft_ms: Option<i64>,
    pub total_ms: Option<i64>,
}
