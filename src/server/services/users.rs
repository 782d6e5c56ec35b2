//! Accounts: validation rules and the rows behind them.

use crate::error::AppError;
use crate::model::community::Registration;
use crate::model::Role;
use crate::server::db::rows::{NewUser, User};
use crate::server::db::Conn;
use crate::server::db::{now, schema::sessions, schema::users};
use crate::server::services::{invites, settings};
use diesel::prelude::*;

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 256;

/// 3-32 characters of `[A-Za-z0-9_.-]`.
pub fn validate_username(username: &str) -> Result<(), AppError> {
    let len = username.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(AppError::invalid(
            "username",
            format!("Username must be {USERNAME_MIN} to {USERNAME_MAX} characters long."),
        ));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return Err(AppError::invalid(
            "username",
            "Username may contain only letters, digits, '_', '.' and '-'.",
        ));
    }
    Ok(())
}

/// 8-256 characters (counted as characters, not bytes).
pub fn validate_password(field: &str, password: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&len) {
        return Err(AppError::invalid(
            field,
            format!("Password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long."),
        ));
    }
    Ok(())
}

pub fn find_by_id(conn: &mut Conn, id: i64) -> Result<Option<User>, AppError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Case-insensitive, as the column's collation is.
pub fn find_by_username(conn: &mut Conn, username: &str) -> Result<Option<User>, AppError> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Creates an account in one immediate transaction, so two people racing to
/// be first cannot both become admin and a closed registration stays closed.
pub fn create(
    conn: &mut Conn,
    username: &str,
    password_hash: &str,
    invite: Option<&str>,
) -> Result<User, AppError> {
    conn.immediate_transaction(|conn| {
        let first = !diesel::select(diesel::dsl::exists(users::table.select(users::id)))
            .get_result::<bool>(conn)?;
        if find_by_username(conn, username)?.is_some() {
            return Err(AppError::conflict("That username is taken."));
        }
        if !first {
            admit(conn, invite)?;
        }
        let role = if first { Role::Admin } else { Role::User };
        let ts = now();
        let user = diesel::insert_into(users::table)
            .values(NewUser {
                username,
                password_hash,
                role: role.as_str(),
                created_at: ts,
                updated_at: ts,
            })
            .returning(crate::server::db::all::<User>())
            .get_result::<User>(conn)?;
        super::agents::seed_starters(conn, user.id)?;
        Ok(user)
    })
}

/// May one more account be created? Open lets anyone in (an invitation
/// is not needed, so not spent), invite only those with a usable one,
/// closed nobody.
fn admit(conn: &mut Conn, invite: Option<&str>) -> Result<(), AppError> {
    match (settings::registration(conn)?, invite) {
        (Registration::Closed, _) => Err(AppError::forbidden(
            "Registration is closed. Ask an admin for an account.",
        )),
        (Registration::Invite, None) => Err(AppError::forbidden(
            "Registration is by invitation. Ask an admin for an invitation link.",
        )),
        (Registration::Invite, Some(token)) => invites::spend(conn, token),
        (Registration::Open, _) => Ok(()),
    }
}

/// Stores a new hash and ends every other session of the user; the session
/// `keep` (the one that asked) survives.
pub fn set_password(
    conn: &mut Conn,
    user_id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<User, AppError> {
    conn.immediate_transaction(|conn| {
        let user = diesel::update(users::table.find(user_id))
            .set((
                users::password_hash.eq(password_hash),
                users::must_change_password.eq(false),
                users::updated_at.eq(now()),
            ))
            .returning(crate::server::db::all::<User>())
            .get_result::<User>(conn)?;
        let others = sessions::table.filter(sessions::user_id.eq(user_id));
        match keep_session {
            Some(keep) => diesel::delete(others.filter(sessions::id.ne(keep))).execute(conn)?,
            None => diesel::delete(others).execute(conn)?,
        };
        Ok(user)
    })
}
