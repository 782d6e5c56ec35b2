//! The limits a thread keeps, and the checks of its generation settings.

use crate::error::AppError;
use crate::server::services::models::MAX_TOKENS_LIMIT;

pub const TITLE_MAX: usize = 200;
pub const CONTENT_MAX: usize = 100_000;
pub const PAGE_DEFAULT: i64 = 30;
pub const PAGE_MAX: i64 = 100;
/// A thread page shows its latest this many messages; older ones load as
/// the reader scrolls up.
pub const MESSAGES_PAGE: i64 = 50;
/// The most messages one read of a thread can ask for (`?limit=`).
pub const MESSAGES_MAX: i64 = 500;

pub(super) fn check_temperature(t: Option<f32>) -> Result<(), AppError> {
    match t {
        Some(t) if !(0.0..=2.0).contains(&t) || t.is_nan() => Err(AppError::invalid(
            "temperature",
            "temperature must be between 0 and 2.",
        )),
        _ => Ok(()),
    }
}

pub(super) fn check_max_tokens(n: Option<i32>) -> Result<(), AppError> {
    match n {
        Some(n) if !(1..=MAX_TOKENS_LIMIT).contains(&n) => Err(AppError::invalid(
            "max_tokens",
            format!("max_tokens must be between 1 and {MAX_TOKENS_LIMIT}."),
        )),
        _ => Ok(()),
    }
}
