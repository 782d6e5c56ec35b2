//! Admission of replies and backroom turns against the account's limits.
//! An admission is one write transaction (serialised like every other
//! writer, across replicas on PostgreSQL): it reads the usage ledger and the
//! account's holds (`reply_holds`) and adds one, so parallel sends on any
//! replicas cannot all slip through: 20 sends with room for one start
//! exactly one. A reply being written holds one token (and one billionth
//! of a dollar) of the budget until its real usage is in the ledger; its
//! hold then stays a minute for the per-minute count.

use crate::error::AppError;
use crate::model::usage::{LimitKind, LimitUse, Limits, MyLimits};
use crate::server::db::schema::reply_holds as holds;
use crate::server::db::{now, Conn, Db};
use crate::server::services::{accounts::month_start, limits, usage};
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::Mutex;

const MINUTE: i64 = 60;
/// Retry-After while every allowed reply is still being written.
const CONCURRENT_RETRY: u64 = 5;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The admissions of this replica's replies being written.
pub struct Quotas {
    replica: i64,
    held: Mutex<HashMap<i64, Permit>>,
}

/// One admitted reply; dropping it frees its place.
pub struct Permit {
    db: Db,
    hold: i64,
    refunded: bool,
}

impl Permit {
    /// Nothing was started after all: the minute's count gets it back too,
    /// before the caller goes on (its next admission must not count it).
    pub async fn refund(mut self) {
        self.refunded = true;
        let hold = self.hold;
        let freed = self
            .db
            .run(move |c| {
                c.immediate_transaction(|c| {
                    diesel::delete(holds::table.find(hold)).execute(c)?;
                    Ok(())
                })
            })
            .await;
        if let Err(e) = freed {
            tracing::warn!("a quota place could not be given back: {e}");
        }
    }

    fn spawn(&self, f: impl FnOnce(&mut Conn) -> Result<(), AppError> + Send + 'static) {
        let db = self.db.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    // Under the write lock, as admissions are: one that
                    // already read the ledger (before this reply's tokens
                    // were written) still counts this reply as in flight.
                    if let Err(e) = db.run(move |c| c.immediate_transaction(f)).await {
                        tracing::warn!("a quota place could not be freed: {e}");
                    }
                });
            }
            Err(_) => tracing::warn!("a quota place outlived the runtime"),
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if self.refunded {
            return;
        }
        let hold = self.hold;
        self.spawn(move |c| {
            diesel::update(holds::table.find(hold))
                .set(holds::released.eq(true))
                .execute(c)?;
            Ok(())
        });
    }
}

/// Seconds until `at`, at least 1.
fn until(at: i64, t: i64) -> u64 {
    (at - t).max(1) as u64
}

fn in_words(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min", secs.div_ceil(60)),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

fn refuse(message: String, retry_after: u64) -> AppError {
    AppError::TooManyRequests {
        message,
        retry_after,
    }
}

/// Where the day and month of `t` end (Unix seconds, UTC).
fn next_midnight(t: i64) -> i64 {
    (t.div_euclid(usage::DAY) + 1) * usage::DAY
}

fn next_month(t: i64) -> i64 {
    // 32 days past the first is always in the next month.
    month_start(month_start(t) + 32 * usage::DAY)
}

struct Used {
    tokens_today: i64,
    tokens_month: i64,
    cost_month: i64,
}

fn used(c: &mut Conn, user: i64, t: i64) -> Result<(Limits, Used), AppError> {
    let limits = limits::effective(c, user)?;
    // The ledger is read only for the limits that count it.
    let (tokens_today, _) = match limits.tokens_per_day {
        Some(_) => usage::since(c, user, t.div_euclid(usage::DAY))?,
        None => (0, 0),
    };
    let (tokens_month, cost_month) = match (limits.tokens_per_month, limits.cost_per_month) {
        (None, None) => (0, 0),
        _ => usage::since(c, user, month_start(t).div_euclid(usage::DAY))?,
    };
    Ok((
        limits,
        Used {
            tokens_today,
            tokens_month,
            cost_month,
        },
    ))
}

/// The account's replies in flight, and when each of the last minute's
/// started (oldest first).
fn flying(c: &mut Conn, user: i64, t: i64) -> Result<(i64, Vec<i64>), AppError> {
    let in_flight: i64 = holds::table
        .filter(holds::user_id.eq(user))
        .filter(holds::released.eq(false))
        .count()
        .get_result(c)?;
    let recent: Vec<i64> = holds::table
        .filter(holds::user_id.eq(user))
        .filter(holds::started_at.gt(t - MINUTE))
        .select(holds::started_at)
        .order(holds::started_at.asc())
        .load(c)?;
    Ok((in_flight, recent))
}

/// One admission, inside the write transaction: the hold's id.
fn admit_in(c: &mut Conn, user: i64, me: i64) -> Result<i64, AppError> {
    let t = now();
    let (l, u) = used(c, user, t)?;
    diesel::delete(
        holds::table
            .filter(holds::user_id.eq(user))
            .filter(holds::released.eq(true))
            .filter(holds::started_at.le(t - MINUTE)),
    )
    .execute(c)?;
    let (flying, recent) = flying(c, user, t)?;
    if let Some(max) = l.concurrent {
        if flying >= max {
            return Err(refuse(
                format!("You already have {flying} replies being written, the most at once. Wait for one to finish."),
                CONCURRENT_RETRY,
            ));
        }
    }
    if let Some(max) = l.requests_per_minute {
        if recent.len() as i64 >= max {
            let wait = until(recent.first().copied().unwrap_or(t) + MINUTE, t);
            return Err(refuse(
                format!("You started {max} replies in the last minute, the most allowed. Try again in {}.", in_words(wait)),
                wait,
            ));
        }
    }
    if let Some(max) = l.tokens_per_day {
        if u.tokens_today + flying >= max {
            let wait = until(next_midnight(t), t);
            return Err(refuse(
                format!(
                    "Daily token limit reached: {} of {}. It resets at 00:00 UTC, in {}.",
                    u.tokens_today,
                    max,
                    in_words(wait)
                ),
                wait,
            ));
        }
    }
    let month_end = next_month(t);
    if let Some(max) = l.tokens_per_month {
        if u.tokens_month + flying >= max {
            return Err(refuse(
                format!(
                    "Monthly token limit reached: {} of {}. It resets on {} at 00:00 UTC.",
                    u.tokens_month,
                    max,
                    crate::text::format::date(month_end)
                ),
                until(month_end, t),
            ));
        }
    }
    if let Some(max) = l.cost_per_month {
        if (u.cost_month + flying) as f64 >= max * 1e9 {
            return Err(refuse(
                format!(
                    "Monthly cost limit reached: ${:.2} of ${:.2}. It resets on {} at 00:00 UTC.",
                    u.cost_month as f64 / 1e9,
                    max,
                    crate::text::format::date(month_end)
                ),
                until(month_end, t),
            ));
        }
    }
    Ok(diesel::insert_into(holds::table)
        .values((
            holds::user_id.eq(user),
            holds::replica.eq(me),
            holds::started_at.eq(t),
        ))
        .returning(holds::id)
        .get_result(c)?)
}

impl Quotas {
    pub fn new(replica: i64) -> Quotas {
        Quotas {
            replica,
            held: Mutex::default(),
        }
    }

    /// Admits one more reply or turn of `user`, or says which limit stops
    /// it and when it frees (429 with Retry-After).
    pub async fn admit(&self, db: &Db, user: i64) -> Result<Permit, AppError> {
        let me = self.replica;
        let hold = db
            .run(move |c| c.immediate_transaction(|c| admit_in(c, user, me)))
            .await?;
        Ok(Permit {
            db: db.clone(),
            hold,
            refunded: false,
        })
    }

    /// Keeps `permit` until reply `message_id` ends ([`Quotas::release`]).
    pub fn hold(&self, message_id: i64, permit: Permit) {
        lock(&self.held).insert(message_id, permit);
    }

    /// Reply `message_id` ended (its tokens are in the ledger).
    pub fn release(&self, message_id: i64) {
        let permit = lock(&self.held).remove(&message_id);
        drop(permit);
    }

    /// The limits that apply to `user`, what is used and when each resets.
    pub async fn status(&self, db: &Db, user: i64) -> Result<MyLimits, AppError> {
        let t = now();
        let ((l, u), (flying, recent)) = db
            .run(move |c| Ok((used(c, user, t)?, flying(c, user, t)?)))
            .await?;
        let recent = recent.len() as f64;
        let month_end = Some(next_month(t));
        let mut out = Vec::new();
        let mut add = |kind, limit: Option<f64>, used: f64, resets_at| {
            if let Some(limit) = limit {
                out.push(LimitUse {
                    kind,
                    limit,
                    used,
                    resets_at,
                });
            }
        };
        let f = |v: Option<i64>| v.map(|n| n as f64);
        add(
            LimitKind::TokensPerDay,
            f(l.tokens_per_day),
            u.tokens_today as f64,
            Some(next_midnight(t)),
        );
        add(
            LimitKind::TokensPerMonth,
            f(l.tokens_per_month),
            u.tokens_month as f64,
            month_end,
        );
        add(
            LimitKind::CostPerMonth,
            l.cost_per_month,
            u.cost_month as f64 / 1e9,
            month_end,
        );
        add(LimitKind::Concurrent, f(l.concurrent), flying as f64, None);
        add(
            LimitKind::RequestsPerMinute,
            f(l.requests_per_minute),
            recent,
            Some(t + MINUTE),
        );
        Ok(MyLimits { limits: out })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_month_ends_on_the_first_of_the_next() {
        // 2026-12-02 → 2027-01-01
        assert_eq!(super::next_month(1_796_239_958), 1_798_761_600);
        assert_eq!(super::next_midnight(1_796_239_958), 1_796_256_000);
    }
}
