//! A user's own sign-in sessions as they see them (browser, address, last
//! seen), and the once-a-minute touch that keeps those facts fresh. A
//! session is named by its row number, never by its secret id.

use crate::error::AppError;
use crate::model::community::SessionView;
use crate::server::db::Conn;
use crate::server::db::{now, schema::sessions, schema::users};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

/// Facts older than this are written again.
pub const TOUCH_EVERY: i64 = 60;
const AGENT_MAX: usize = 300;

/// Notes that `session` of `user` was just used from `agent` at `address`;
/// also the account's last activity. Writes at most once a minute.
pub fn touch(
    conn: &mut Conn,
    user: i64,
    session: &str,
    agent: Option<&str>,
    address: Option<&str>,
) -> Result<(), AppError> {
    let ts = now();
    let agent: Option<String> = agent.map(|a| a.chars().take(AGENT_MAX).collect());
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(session))
            .filter(sessions::user_id.eq(user))
            .filter(
                sessions::last_seen_at
                    .is_null()
                    .or(sessions::last_seen_at.lt(ts - TOUCH_EVERY)),
            ),
    )
    .set((
        sessions::last_seen_at.eq(ts),
        sessions::first_seen_at.eq(diesel::dsl::sql::<Nullable<BigInt>>(
            "COALESCE(first_seen_at, ",
        )
        .bind::<BigInt, _>(ts)
        .sql(")")),
        sessions::user_agent.eq(agent),
        sessions::address.eq(address),
    ))
    .execute(conn)?;
    diesel::update(
        users::table.find(user).filter(
            users::last_active_at
                .is_null()
                .or(users::last_active_at.lt(ts - TOUCH_EVERY)),
        ),
    )
    .set(users::last_active_at.eq(ts))
    .execute(conn)?;
    Ok(())
}

/// "Firefox on Android" from a User-Agent header (woothee knows the
/// browsers and systems; a hand-written matcher would not keep up).
pub fn describe(agent: &str) -> String {
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    match woothee::parser::Parser::new().parse(agent) {
        Some(r) if known(r.name) && known(r.os) => format!("{} on {}", r.name, r.os),
        Some(r) if known(r.name) => r.name.to_string(),
        _ => "Unknown browser".into(),
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Nullable<Text>)]
    user_agent: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    address: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    first_seen_at: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    last_seen_at: Option<i64>,
}

/// The user's live sessions, most recently used first.
pub fn list(
    conn: &mut Conn,
    user: i64,
    current: Option<&str>,
) -> Result<Vec<SessionView>, AppError> {
    let number = crate::server::db::sql::session_number(conn);
    let sql = format!(
        "SELECT {number} AS rowid, id, user_agent, address, first_seen_at, last_seen_at
           FROM sessions WHERE user_id = ? AND expires_at > ?
          ORDER BY COALESCE(last_seen_at, 0) DESC, {number} DESC"
    );
    let rows = diesel::sql_query(crate::server::db::sql::text(conn, &sql))
        .bind::<BigInt, _>(user)
        .bind::<BigInt, _>(now())
        .load::<Row>(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| SessionView {
            id: r.rowid,
            browser: r
                .user_agent
                .as_deref()
                .map(describe)
                .unwrap_or_else(|| "Unknown browser".into()),
            address: r.address,
            first_seen_at: r.first_seen_at,
            last_seen_at: r.last_seen_at,
            current: current == Some(r.id.as_str()),
        })
        .collect())
}

/// Ends one of the user's sessions; another user's is "not found".
pub fn end(conn: &mut Conn, user: i64, id: i64) -> Result<(), AppError> {
    let sql = format!(
        "DELETE FROM sessions WHERE {} = ? AND user_id = ?",
        crate::server::db::sql::session_number(conn)
    );
    let n = diesel::sql_query(crate::server::db::sql::text(conn, &sql))
        .bind::<BigInt, _>(id)
        .bind::<BigInt, _>(user)
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::not_found("No such session."));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn browsers_are_named_with_their_system() {
        let phone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
        assert_eq!(super::describe(phone), "Chrome on Android");
        assert_eq!(super::describe("curl/8.5.0"), "HTTP Library");
        assert_eq!(super::describe("???"), "Unknown browser");
    }
}
