//! The admin's side of accounts: the list with what each has used, role
//! and disable switches, a password an admin chooses, and deletion. The
//! last enabled admin can be neither demoted, disabled nor deleted.

use crate::error::AppError;
use crate::model::community::{Account, AccountPage};
use crate::model::Role;
use crate::server::db::rows::User;
use crate::server::db::Conn;
use crate::server::db::{now, schema::sessions, schema::users};
use crate::server::services::users::find_by_id;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

pub const PAGE: i64 = crate::model::community::ACCOUNTS_PAGE;
/// Longest search text.
pub const QUERY_MAX: usize = 64;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Listed {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Bool)]
    disabled: bool,
    #[diesel(sql_type = Bool)]
    must_change_password: bool,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    last_active_at: Option<i64>,
    #[diesel(sql_type = BigInt)]
    threads: i64,
    #[diesel(sql_type = BigInt)]
    tokens: i64,
}

/// Unix seconds of the first of this month, 00:00 UTC.
pub fn month_start(at: i64) -> i64 {
    let day = at.div_euclid(86_400);
    let date = time::OffsetDateTime::from_unix_timestamp(day * 86_400)
        .map(|d| d.date())
        .unwrap_or(time::Date::MIN);
    let first = date.replace_day(1).unwrap_or(date);
    first.midnight().assume_utc().unix_timestamp()
}

/// `%` and `_` match themselves in a search.
fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Accounts whose name contains `q`, in creation order, `PAGE` at a time.
pub fn list(conn: &mut Conn, q: &str, offset: i64) -> Result<AccountPage, AppError> {
    let q = q.trim();
    if q.chars().count() > QUERY_MAX {
        return Err(AppError::invalid(
            "q",
            format!("Search for at most {QUERY_MAX} characters."),
        ));
    }
    if offset < 0 {
        return Err(AppError::invalid(
            "offset",
            "The offset cannot be negative.",
        ));
    }
    let pattern = like_pattern(q);
    let like = crate::server::db::sql::like_nocase(conn, "u.username");
    let total = diesel::sql_query(crate::server::db::sql::text(
        conn,
        &format!("SELECT COUNT(*) AS n FROM users u WHERE {like} ? ESCAPE '\\'"),
    ))
    .bind::<Text, _>(&pattern)
    .get_result::<Count>(conn)?
    .n;
    let sql = format!(
        "SELECT u.id, u.username, u.role, u.disabled, u.must_change_password, u.created_at,
                u.last_active_at,
                (SELECT COUNT(*) FROM conversations c
                  WHERE c.user_id = u.id AND c.kind = 'chat') AS threads,
                (SELECT CAST(COALESCE(SUM(d.prompt_tokens + d.completion_tokens), 0) AS BIGINT)
                   FROM usage_days d WHERE d.user_id = u.id AND d.day >= ?) AS tokens
           FROM users u
          WHERE {like} ? ESCAPE '\\'
          ORDER BY u.id
          LIMIT ? OFFSET ?"
    );
    let rows = diesel::sql_query(crate::server::db::sql::text(conn, &sql))
        .bind::<BigInt, _>(month_start(now()).div_euclid(86_400))
        .bind::<Text, _>(&pattern)
        .bind::<BigInt, _>(PAGE)
        .bind::<BigInt, _>(offset)
        .load::<Listed>(conn)?;
    let mut accounts: Vec<Account> = rows
        .into_iter()
        .map(|r| Account {
            id: r.id,
            role: Role::parse(&r.role).unwrap_or(Role::User),
            username: r.username,
            disabled: r.disabled,
            must_change_password: r.must_change_password,
            created_at: r.created_at,
            last_active_at: r.last_active_at,
            threads: r.threads,
            tokens_this_month: r.tokens,
            limits: Default::default(),
        })
        .collect();
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let mut limits = super::limits::overrides_of(conn, &ids)?;
    for a in &mut accounts {
        a.limits = limits.remove(&a.id).unwrap_or_default();
    }
    Ok(AccountPage {
        accounts,
        total,
        offset,
        next: (offset + PAGE < total).then_some(offset + PAGE),
    })
}

pub fn get(conn: &mut Conn, id: i64) -> Result<User, AppError> {
    find_by_id(conn, id)?.ok_or_else(|| AppError::not_found("No such account."))
}

/// Refuses when `user` is the only enabled admin.
fn keep_an_admin(conn: &mut Conn, user: &User, what: &str) -> Result<(), AppError> {
    if user.role() != Role::Admin || user.disabled {
        return Ok(());
    }
    let others = users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(user.id))
        .count()
        .get_result::<i64>(conn)?;
    if others == 0 {
        return Err(AppError::conflict(format!(
            "The last admin cannot be {what}. Make another account admin first."
        )));
    }
    Ok(())
}

pub fn set_role(conn: &mut Conn, id: i64, role: Role) -> Result<User, AppError> {
    conn.immediate_transaction(|conn| {
        let user = get(conn, id)?;
        if role == Role::User {
            keep_an_admin(conn, &user, "demoted")?;
        }
        Ok(diesel::update(users::table.find(id))
            .set((users::role.eq(role.as_str()), users::updated_at.eq(now())))
            .returning(crate::server::db::all::<User>())
            .get_result::<User>(conn)?)
    })
}

/// Disabling ends every session of the account at once.
pub fn set_disabled(conn: &mut Conn, id: i64, disabled: bool) -> Result<User, AppError> {
    conn.immediate_transaction(|conn| {
        let user = get(conn, id)?;
        if disabled {
            keep_an_admin(conn, &user, "disabled")?;
            end_sessions(conn, id)?;
        }
        Ok(diesel::update(users::table.find(id))
            .set((users::disabled.eq(disabled), users::updated_at.eq(now())))
            .returning(crate::server::db::all::<User>())
            .get_result::<User>(conn)?)
    })
}

/// A password the admin chose: every session ends and the user must pick
/// their own at the next sign-in.
pub fn reset_password(conn: &mut Conn, id: i64, hash: &str) -> Result<User, AppError> {
    conn.immediate_transaction(|conn| {
        get(conn, id)?;
        end_sessions(conn, id)?;
        Ok(diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::must_change_password.eq(true),
                users::updated_at.eq(now()),
            ))
            .returning(crate::server::db::all::<User>())
            .get_result::<User>(conn)?)
    })
}

/// Every session of the account; how many there were.
pub fn end_sessions(conn: &mut Conn, id: i64) -> Result<usize, AppError> {
    Ok(diesel::delete(sessions::table.filter(sessions::user_id.eq(id))).execute(conn)?)
}

/// The account and everything it owns (threads, backrooms, agents, notes,
/// folders, prompts, sessions: the foreign keys cascade). `confirm` must be
/// the username exactly.
pub fn delete(conn: &mut Conn, id: i64, confirm: &str) -> Result<User, AppError> {
    conn.immediate_transaction(|conn| {
        let user = get(conn, id)?;
        if confirm != user.username {
            return Err(AppError::invalid(
                "confirm",
                "Type the account's username exactly to delete it.",
            ));
        }
        keep_an_admin(conn, &user, "deleted")?;
        diesel::delete(users::table.find(id)).execute(conn)?;
        crate::server::services::attachments::collect_garbage(conn)?;
        Ok(user)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_month_starts_on_the_first_at_midnight_utc() {
        // 2026-12-02 19:32:38 UTC
        assert_eq!(super::month_start(1_796_239_958), 1_796_083_200);
        // 2026-12-01 00:00:00 exactly
        assert_eq!(super::month_start(1_796_083_200), 1_796_083_200);
    }

    #[test]
    fn search_wildcards_match_themselves() {
        assert_eq!(super::like_pattern("a_b%"), "%a\\_b\\%%");
    }
}
