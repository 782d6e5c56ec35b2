//! Invitation links: made by an admin, each good for 1-100 accounts until
//! it expires or is revoked. Used inside the account's own transaction.

use crate::error::AppError;
use crate::model::community::{Invite, InviteState, NewInvite};
use crate::server::db::Conn;
use crate::server::db::{now, schema::invites, schema::users};
use diesel::prelude::*;

pub const USES_MAX: i64 = 100;
pub const DAYS_MAX: i64 = 365;
/// Listed newest first, at most this many.
pub const LIST_MAX: i64 = 200;

#[derive(Queryable, Selectable)]
#[diesel(table_name = invites)]
struct Row {
    id: i64,
    token: String,
    max_uses: i32,
    uses: i32,
    expires_at: Option<i64>,
    revoked: bool,
    created_at: i64,
}

fn state_of(row: &Row, at: i64) -> InviteState {
    if row.revoked {
        InviteState::Revoked
    } else if row.uses >= row.max_uses {
        InviteState::UsedUp
    } else if row.expires_at.is_some_and(|e| e <= at) {
        InviteState::Expired
    } else {
        InviteState::Usable
    }
}

fn view(row: Row, by: Option<String>, at: i64) -> Invite {
    Invite {
        state: state_of(&row, at),
        id: row.id,
        link: format!("/register?invite={}", row.token),
        token: row.token,
        max_uses: row.max_uses,
        uses: row.uses,
        expires_at: row.expires_at,
        created_by: by,
        created_at: row.created_at,
    }
}

/// 1-100 uses (1 when left out), expiry 1-365 days (never when left out).
pub fn create(conn: &mut Conn, by: i64, input: &NewInvite) -> Result<Invite, AppError> {
    let uses = input.max_uses.unwrap_or(1);
    if !(1..=USES_MAX).contains(&uses) {
        return Err(AppError::invalid(
            "max_uses",
            format!("An invitation is good for 1 to {USES_MAX} accounts."),
        ));
    }
    if let Some(days) = input.expires_in_days {
        if !(1..=DAYS_MAX).contains(&days) {
            return Err(AppError::invalid(
                "expires_in_days",
                format!("An invitation expires after 1 to {DAYS_MAX} days."),
            ));
        }
    }
    let ts = now();
    let id = diesel::insert_into(invites::table)
        .values((
            invites::token.eq(hex::encode(rand::random::<[u8; 16]>())),
            invites::created_by.eq(by),
            invites::max_uses.eq(uses as i32),
            invites::expires_at.eq(input.expires_in_days.map(|d| ts + d * 86_400)),
            invites::created_at.eq(ts),
        ))
        .returning(invites::id)
        .get_result::<i64>(conn)?;
    get(conn, id)
}

pub fn get(conn: &mut Conn, id: i64) -> Result<Invite, AppError> {
    let (row, by) = invites::table
        .left_join(users::table.on(users::id.nullable().eq(invites::created_by)))
        .filter(invites::id.eq(id))
        .select((Row::as_select(), users::username.nullable()))
        .first::<(Row, Option<String>)>(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such invitation."))?;
    Ok(view(row, by, now()))
}

pub fn list(conn: &mut Conn) -> Result<Vec<Invite>, AppError> {
    let at = now();
    Ok(invites::table
        .left_join(users::table.on(users::id.nullable().eq(invites::created_by)))
        .order(invites::id.desc())
        .limit(LIST_MAX)
        .select((Row::as_select(), users::username.nullable()))
        .load::<(Row, Option<String>)>(conn)?
        .into_iter()
        .map(|(row, by)| view(row, by, at))
        .collect())
}

/// Revoking twice is fine; the row stays, listed as revoked.
pub fn revoke(conn: &mut Conn, id: i64) -> Result<Invite, AppError> {
    let n = diesel::update(invites::table.find(id))
        .set(invites::revoked.eq(true))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::not_found("No such invitation."));
    }
    get(conn, id)
}

/// Spends one use of `token`, or says why it cannot. Call it inside the
/// transaction that creates the account.
pub fn spend(conn: &mut Conn, token: &str) -> Result<(), AppError> {
    let row = invites::table
        .filter(invites::token.eq(token))
        .select(Row::as_select())
        .first::<Row>(conn)
        .optional()?;
    let invalid = |why: &str| AppError::forbidden(format!("{why} Ask an admin for a new one."));
    let Some(row) = row else {
        return Err(invalid("This invitation link is not valid."));
    };
    match state_of(&row, now()) {
        InviteState::Usable => {}
        InviteState::UsedUp => return Err(invalid("This invitation has been used up.")),
        InviteState::Expired => return Err(invalid("This invitation has expired.")),
        InviteState::Revoked => return Err(invalid("This invitation was revoked.")),
    }
    diesel::update(invites::table.find(row.id))
        .set(invites::uses.eq(invites::uses + 1))
        .execute(conn)?;
    Ok(())
}
