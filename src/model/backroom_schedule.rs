//! A backroom that runs again on a schedule, each time as a new fork of it
//! from its first turn.

use serde::{Deserialize, Serialize};

/// How often a backroom runs again (`PUT /api/backrooms/{id}/schedule`).
/// Times are UTC.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScheduleInput {
    /// `daily`, `weekly` or `cron`.
    pub every: String,
    /// For `daily` and `weekly`: the time of day, `HH:MM` (UTC).
    #[serde(default)]
    pub at: Option<String>,
    /// For `weekly`: the day, `mon` to `sun` (or its whole name).
    #[serde(default)]
    pub weekday: Option<String>,
    /// For `cron`: five fields, minute hour day-of-month month day-of-week
    /// (UTC), e.g. `30 8 * * 1-5`; runs at most every 15 minutes.
    #[serde(default)]
    pub cron: Option<String>,
}

/// A backroom's schedule as it is now. Times are Unix seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Schedule {
    /// The five-field cron expression it runs on (UTC).
    pub cron: String,
    /// The same in words.
    pub description: String,
    /// When it runs next.
    pub next_at: i64,
    /// When it last came due.
    pub last_at: Option<i64>,
    /// The fork it last started (`null` once deleted).
    pub last_run: Option<i64>,
    /// Why the last time it came due started nothing (over a quota, the
    /// previous run still going).
    pub last_error: Option<String>,
    /// How many runs it has started.
    pub runs: i64,
}
