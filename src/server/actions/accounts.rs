//! The admin's account actions: list, change (role, disable, a new
//! password), end sessions, delete. Each is written to the audit log in
//! the same call; a disabled or deleted account's replies and backrooms
//! stop at once.

use crate::error::AppError;
use crate::model::community::{AccountChange, AccountPage, AuditAction};
use crate::model::Role;
use crate::server::auth::caller::Caller;
use crate::server::auth::password;
use crate::server::db::rows::User;
use crate::server::db::schema::{backrooms, messages, threads};
use crate::server::db::Conn;
use crate::server::engine;
use crate::server::engine::rooms::{self, Signal};
use crate::server::services::{accounts, audit, backrooms as rooms_service, users};
use crate::server::state::AppState;
use diesel::prelude::*;

pub async fn list(
    state: &AppState,
    caller: &Caller,
    q: String,
    offset: i64,
) -> Result<AccountPage, AppError> {
    caller.ensure_admin()?;
    state.db.run(move |c| accounts::list(c, &q, offset)).await
}

/// Writes `action` by `caller` on `whom` to the audit log.
pub(super) fn record(
    conn: &mut Conn,
    caller: &Caller,
    action: AuditAction,
    whom: &User,
    detail: &str,
) -> Result<(), AppError> {
    audit::write(
        conn,
        audit::Record {
            actor: (caller.id, &caller.name),
            action,
            target: Some((whom.id, &whom.username)),
            detail,
        },
    )
}

/// Applies each field present, in the order role, disabled, password; the
/// first refusal stops the rest (what came before it stays done).
pub async fn change(
    state: &AppState,
    caller: &Caller,
    id: i64,
    change: AccountChange,
) -> Result<(), AppError> {
    caller.ensure_admin()?;
    let hash = match change.new_password.as_deref() {
        Some(pw) => {
            users::validate_password("new_password", pw)?;
            Some(password::hash(pw.to_string()).await?)
        }
        None => None,
    };
    let who = caller.clone();
    let halt = state
        .db
        .run(move |c| {
            let before = accounts::get(c, id)?;
            if let Some(role) = change.role.filter(|r| *r != before.role()) {
                let user = accounts::set_role(c, id, role)?;
                let action = match role {
                    Role::Admin => AuditAction::Promote,
                    Role::User => AuditAction::Demote,
                };
                record(c, &who, action, &user, "")?;
            }
            let mut halt = false;
            if let Some(disabled) = change.disabled.filter(|d| *d != before.disabled) {
                let user = accounts::set_disabled(c, id, disabled)?;
                let action = if disabled {
                    halt = true;
                    AuditAction::Disable
                } else {
                    AuditAction::Enable
                };
                record(c, &who, action, &user, "")?;
            }
            if let Some(hash) = hash {
                let user = accounts::reset_password(c, id, &hash)?;
                record(c, &who, AuditAction::SetPassword, &user, "")?;
            }
            Ok(halt)
        })
        .await?;
    if halt {
        halt_work(state, id, "the account was disabled").await?;
    }
    Ok(())
}

/// Signs the account out everywhere.
pub async fn end_sessions(state: &AppState, caller: &Caller, id: i64) -> Result<usize, AppError> {
    caller.ensure_admin()?;
    let who = caller.clone();
    state
        .db
        .run(move |c| {
            let user = accounts::get(c, id)?;
            let n = accounts::end_sessions(c, id)?;
            record(
                c,
                &who,
                AuditAction::EndSessions,
                &user,
                &format!("{n} sessions"),
            )?;
            Ok(n)
        })
        .await
}

/// The account and everything it owns; `confirm` is its username.
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    id: i64,
    confirm: String,
) -> Result<(), AppError> {
    caller.ensure_admin()?;
    // Checked before anything stops, so a typo halts nothing.
    let user = state.db.run(move |c| accounts::get(c, id)).await?;
    if confirm != user.username {
        return Err(AppError::invalid(
            "confirm",
            "Type the account's username exactly to delete it.",
        ));
    }
    halt_work(state, id, "the account was deleted").await?;
    let who = caller.clone();
    let rooms_of = state
        .db
        .run(move |c| {
            let rooms_of = backrooms::table
                .filter(backrooms::user_id.eq(id))
                .select(backrooms::id)
                .load::<i64>(c)?;
            let user = accounts::delete(c, id, &confirm)?;
            record(
                c,
                &who,
                AuditAction::DeleteAccount,
                &user,
                "with all its data",
            )?;
            Ok(rooms_of)
        })
        .await?;
    for room in rooms_of {
        rooms::announce(state, room, Signal::State);
        state.rooms.forget(room);
    }
    Ok(())
}

/// Stops the account's replies being written and pauses its running
/// backrooms (saying `why`), so nothing more is spent on its behalf.
async fn halt_work(state: &AppState, id: i64, why: &'static str) -> Result<(), AppError> {
    let (replies, running) = state
        .db
        .run(move |c| {
            let replies = messages::table
                .inner_join(threads::table)
                .filter(threads::user_id.eq(id))
                .filter(messages::status.eq("streaming"))
                .select(messages::id)
                .load::<i64>(c)?;
            let running = backrooms::table
                .filter(backrooms::user_id.eq(id))
                .filter(backrooms::state.eq("running"))
                .select(backrooms::id)
                .load::<i64>(c)?;
            for room in &running {
                rooms_service::pause_for(c, *room, why)?;
            }
            Ok((replies, running))
        })
        .await?;
    for room in running {
        rooms::stop(state, room);
        rooms::announce(state, room, Signal::State);
    }
    for reply in replies {
        engine::stop(state, reply);
    }
    Ok(())
}
