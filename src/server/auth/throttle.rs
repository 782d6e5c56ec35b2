//! Slows down password guessing: after a few failures for one username or
//! from one address, further attempts are refused for a growing delay.
//! Kept in the database (`login_failures`), so it holds across replicas and
//! restarts; only failures write.

use crate::error::AppError;
use crate::server::db::schema::login_failures as lf;
use crate::server::db::Conn;
use diesel::prelude::*;
use std::time::Duration;

/// Failures allowed per username before delays start.
const FREE_PER_USER: i32 = 5;
/// Failures allowed per client address (many people can share one).
const FREE_PER_ADDR: i32 = 20;
const MAX_DELAY_MS: i64 = 300_000;
/// An entry with no failure for this long is forgotten (milliseconds).
const FORGET_AFTER_MS: i64 = 15 * 60 * 1000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn user_key(username: &str) -> String {
    format!("u:{}", username.to_lowercase())
}

fn keys(username: &str, addr: Option<&str>) -> [(String, i32); 2] {
    [
        (user_key(username), FREE_PER_USER),
        (format!("a:{}", addr.unwrap_or("-")), FREE_PER_ADDR),
    ]
}

/// `Err(wait)` when this attempt must be refused without checking the
/// password.
pub fn check(
    conn: &mut Conn,
    username: &str,
    addr: Option<&str>,
) -> Result<Result<(), Duration>, AppError> {
    let now = now_ms();
    let names: Vec<String> = keys(username, addr).into_iter().map(|(k, _)| k).collect();
    let until: Option<Option<i64>> = lf::table
        .filter(lf::key.eq_any(&names))
        .select(diesel::dsl::max(lf::blocked_until))
        .first(conn)
        .optional()?;
    Ok(match until.flatten() {
        Some(until) if until > now => Err(Duration::from_millis((until - now) as u64)),
        _ => Ok(()),
    })
}

/// One more failure for the username and the address.
pub fn record_failure(conn: &mut Conn, username: &str, addr: Option<&str>) -> Result<(), AppError> {
    let now = now_ms();
    conn.immediate_transaction(|conn| {
        diesel::delete(lf::table.filter(lf::last_failure.lt(now - FORGET_AFTER_MS)))
            .execute(conn)?;
        for (key, free) in keys(username, addr) {
            let failures: i32 = lf::table
                .find(key.clone())
                .select(lf::failures)
                .first(conn)
                .optional()?
                .unwrap_or(0)
                + 1;
            let blocked_until = (failures >= free).then(|| {
                let over = (failures - free).min(16) as u32;
                now + (1000i64 << over).min(MAX_DELAY_MS)
            });
            let row = (
                lf::key.eq(&key),
                lf::failures.eq(failures),
                lf::last_failure.eq(now),
                lf::blocked_until.eq(blocked_until),
            );
            crate::each_backend!(conn, |c| diesel::insert_into(lf::table)
                .values(row)
                .on_conflict(lf::key)
                .do_update()
                .set(row)
                .execute(c))?;
        }
        Ok(())
    })
}

/// A correct password clears the username's record (not the address's:
/// one good account must not unlock guessing at others).
pub fn record_success(conn: &mut Conn, username: &str) -> Result<(), AppError> {
    diesel::delete(lf::table.find(user_key(username))).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use diesel_migrations::MigrationHarness;

    fn db() -> Result<Conn, Box<dyn std::error::Error>> {
        let mut conn = Conn::establish(":memory:")?;
        conn.batch_execute("PRAGMA foreign_keys = ON;")?;
        conn.run_pending_migrations(crate::server::db::MIGRATIONS)
            .map_err(|e| e.to_string())?;
        Ok(conn)
    }

    #[test]
    fn blocks_after_free_attempts_and_success_clears() -> Result<(), Box<dyn std::error::Error>> {
        let c = &mut db()?;
        for _ in 0..FREE_PER_USER - 1 {
            record_failure(c, "Alice", Some("1.2.3.4"))?;
            assert!(check(c, "alice", Some("1.2.3.4"))?.is_ok());
        }
        record_failure(c, "alice", Some("1.2.3.4"))?;
        let wait = check(c, "ALICE", Some("5.6.7.8"))?
            .err()
            .ok_or("not blocked")?;
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(1));
        // Another user from the same address is not blocked yet.
        assert!(check(c, "bob", Some("1.2.3.4"))?.is_ok());
        record_success(c, "alice")?;
        assert!(check(c, "alice", Some("9.9.9.9"))?.is_ok());
        Ok(())
    }

    #[test]
    fn delays_grow_and_are_capped() -> Result<(), Box<dyn std::error::Error>> {
        let c = &mut db()?;
        for _ in 0..40 {
            record_failure(c, "carol", None)?;
        }
        let wait = check(c, "carol", None)?.err().ok_or("not blocked")?;
        assert!(
            wait > Duration::from_secs(60) && wait <= Duration::from_millis(MAX_DELAY_MS as u64)
        );
        Ok(())
    }
}
