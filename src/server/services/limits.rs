//! Limits: defaults for everyone (a settings row) and each account's
//! overrides (its own row, holding only what it overrides).

use crate::error::AppError;
use crate::model::usage::{AccountLimits, Limits, LimitsOverride};
use crate::server::db::Conn;
use crate::server::db::{now, schema::user_limits};
use crate::server::services::settings;
use diesel::prelude::*;

const DEFAULTS: &str = "limits";
/// Highest value of a count limit, and of the monthly cost (USD).
pub const COUNT_MAX: i64 = 1_000_000_000_000;
pub const COST_MAX: f64 = 1_000_000.0;

fn check_count(field: &str, v: Option<i64>, min: i64) -> Result<(), AppError> {
    match v {
        Some(n) if !(min..=COUNT_MAX).contains(&n) => Err(AppError::invalid(
            field,
            format!("{field} must be {min} or more (or null for no limit)."),
        )),
        _ => Ok(()),
    }
}

pub fn validate(l: &Limits) -> Result<(), AppError> {
    check_count("tokens_per_day", l.tokens_per_day, 0)?;
    check_count("tokens_per_month", l.tokens_per_month, 0)?;
    check_count("concurrent", l.concurrent, 1)?;
    check_count("requests_per_minute", l.requests_per_minute, 1)?;
    if let Some(c) = l.cost_per_month {
        if !(c.is_finite() && (0.0..=COST_MAX).contains(&c)) {
            return Err(AppError::invalid(
                "cost_per_month",
                format!("cost_per_month must be 0 to {COST_MAX} USD (or null for no limit)."),
            ));
        }
    }
    Ok(())
}

pub fn defaults(conn: &mut Conn) -> Result<Limits, AppError> {
    Ok(settings::get(conn, DEFAULTS)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

pub fn set_defaults(conn: &mut Conn, l: &Limits) -> Result<Limits, AppError> {
    validate(l)?;
    let text = serde_json::to_string(l).map_err(|_| AppError::Internal)?;
    settings::put(conn, DEFAULTS, &text)?;
    defaults(conn)
}

pub fn overrides(conn: &mut Conn, user: i64) -> Result<LimitsOverride, AppError> {
    Ok(user_limits::table
        .find(user)
        .select(user_limits::limits)
        .first::<String>(conn)
        .optional()?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// The overrides of each of `users` (absent: none), in one query.
pub fn overrides_of(
    conn: &mut Conn,
    users: &[i64],
) -> Result<std::collections::HashMap<i64, LimitsOverride>, AppError> {
    Ok(user_limits::table
        .filter(user_limits::user_id.eq_any(users))
        .select((user_limits::user_id, user_limits::limits))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .filter_map(|(id, v)| Some((id, serde_json::from_str(&v).ok()?)))
        .collect())
}

/// What applies to `user`: the defaults under its overrides.
pub fn effective(conn: &mut Conn, user: i64) -> Result<Limits, AppError> {
    let d = defaults(conn)?;
    Ok(overrides(conn, user)?.apply_to(&d))
}

pub fn account(conn: &mut Conn, user: i64) -> Result<AccountLimits, AppError> {
    let overrides = overrides(conn, user)?;
    let effective = overrides.apply_to(&defaults(conn)?);
    Ok(AccountLimits {
        overrides,
        effective,
    })
}

/// Replaces the account's overrides (an empty object follows the defaults
/// again).
pub fn set_overrides(
    conn: &mut Conn,
    user: i64,
    o: &LimitsOverride,
) -> Result<AccountLimits, AppError> {
    validate(&o.apply_to(&Limits::default()))?;
    let text = serde_json::to_string(o).map_err(|_| AppError::Internal)?;
    crate::each_backend!(conn, |c| diesel::insert_into(user_limits::table)
        .values((
            user_limits::user_id.eq(user),
            user_limits::limits.eq(&text),
            user_limits::updated_at.eq(now()),
        ))
        .on_conflict(user_limits::user_id)
        .do_update()
        .set((
            user_limits::limits.eq(&text),
            user_limits::updated_at.eq(now()),
        ))
        .execute(c))?;
    account(conn, user)
}
