//! The run's state changes: a viewer's controls and pick, the engine's
//! pause and finish, and the pause a restart leaves behind.

use super::read::owned;
use crate::error::AppError;
use crate::model::backroom::{BackroomState, Control};
use crate::server::db::now;
use crate::server::db::rows::Backroom;
use crate::server::db::schema::backrooms;
use crate::server::db::Conn;

use diesel::prelude::*;

pub(super) fn set_state(
    conn: &mut Conn,
    id: i64,
    state: BackroomState,
    reason: Option<String>,
) -> Result<Backroom, AppError> {
    Ok(diesel::update(backrooms::table.find(id))
        .set((
            backrooms::state.eq(state.as_str()),
            backrooms::state_reason.eq(reason),
            backrooms::updated_at.eq(now()),
        ))
        .returning(crate::server::db::all::<Backroom>())
        .get_result::<Backroom>(conn)?)
}

/// A control button: moves the run as [`BackroomState::after`] allows, in
/// one transaction (two viewers pressing at once cannot both win).
pub fn transition(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    control: Control,
) -> Result<Backroom, AppError> {
    conn.immediate_transaction(|conn| {
        let b = owned(conn, user_id, id)?;
        let Some(to) = b.state.after(control) else {
            let from: Vec<&str> = control.allowed_from().iter().map(|s| s.as_str()).collect();
            return Err(AppError::conflict(format!(
                "The backroom is {}; that can only be done when it is {}.",
                b.state.as_str(),
                from.join(" or ")
            )));
        };
        let reason = (to == BackroomState::Stopped).then(|| "stopped by a viewer".to_string());
        set_state(conn, id, to, reason)
    })
}

/// Manual order: who speaks next (a participant id, or the agent's id).
pub fn pick(conn: &mut Conn, user_id: i64, id: i64, who: i64) -> Result<Backroom, AppError> {
    let b = owned(conn, user_id, id)?;
    let seat = super::cast::present(conn, b.id)?
        .into_iter()
        .find(|p| p.id == who || p.agent_id == Some(who))
        .ok_or_else(|| AppError::invalid("agent_id", "That agent is not in this backroom."))?;
    Ok(diesel::update(backrooms::table.find(id))
        .set(backrooms::next_participant.eq(Some(seat.id)))
        .returning(crate::server::db::all::<Backroom>())
        .get_result::<Backroom>(conn)?)
}

/// Pauses the run because it cannot go on, saying why.
pub fn pause_for(conn: &mut Conn, id: i64, why: &str) -> Result<Backroom, AppError> {
    set_state(conn, id, BackroomState::Paused, Some(why.to_string()))
}

/// Ends the run as finished (the engine decided so before a turn).
pub fn finish(conn: &mut Conn, id: i64, why: &str) -> Result<Backroom, AppError> {
    set_state(conn, id, BackroomState::Finished, Some(why.to_string()))
}

/// At boot: a run that was going lost its task; it comes back paused with
/// every finished turn intact.
pub fn mark_interrupted(conn: &mut Conn) -> Result<usize, AppError> {
    Ok(
        diesel::update(backrooms::table.filter(backrooms::state.eq("running")))
            .set((
                backrooms::state.eq("paused"),
                backrooms::state_reason.eq("the server restarted"),
            ))
            .execute(conn)?,
    )
}

#[cfg(test)]
mod tests {
    use super::super::creation::create;
    use super::*;
    use crate::model::agent::AgentInput;
    use crate::model::backroom::NewBackroom;
    use crate::model::Role;
    use crate::server::auth::caller::Caller;
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use diesel_migrations::MigrationHarness;

    /// Every (state, control) pair: the allowed ones move the run where the
    /// product says, every other one answers 409 and changes nothing.
    #[test]
    fn every_control_in_every_state() -> Result<(), Box<dyn std::error::Error>> {
        let conn = &mut Conn::establish(":memory:")?;
        conn.batch_execute("PRAGMA foreign_keys = ON;")?;
        conn.run_pending_migrations(crate::server::db::MIGRATIONS)
            .map_err(|e| e.to_string())?;
        let user = crate::server::services::users::create(conn, "ada", "not a real hash", None)?;
        let caller = Caller {
            id: user.id,
            name: user.username.clone(),
            role: Role::User,
        };
        let agent = |conn: &mut Conn, name: &str| {
            let input = AgentInput {
                name: name.into(),
                ..Default::default()
            };
            crate::server::services::agents::create(conn, &caller, &input).map(|a| a.id)
        };
        let participants = vec![agent(conn, "Ada")?, agent(conn, "Bob")?];
        let room = create(
            conn,
            user.id,
            &NewBackroom {
                title: "States".into(),
                participants,
                max_turns: 4,
                ..Default::default()
            },
        )?;
        use BackroomState::*;
        let allowed = [
            (Draft, Control::Start, Running),
            (Draft, Control::Stop, Stopped),
            (Running, Control::Pause, Paused),
            (Running, Control::Stop, Stopped),
            (Paused, Control::Resume, Running),
            (Paused, Control::Stop, Stopped),
        ];
        for &from in BackroomState::ALL {
            for &control in Control::ALL {
                set_state(conn, room.id, from, None)?;
                let result = transition(conn, user.id, room.id, control);
                let now = owned(conn, user.id, room.id)?.state;
                match allowed.iter().find(|(f, c, _)| *f == from && *c == control) {
                    Some((_, _, to)) => {
                        assert!(result.is_ok(), "{from:?} + {control:?}: {result:?}");
                        assert_eq!(now, *to, "{from:?} + {control:?}");
                    }
                    None => {
                        let err = result.err().ok_or("a refused control succeeded")?;
                        assert_eq!(err.status_code(), 409, "{from:?} + {control:?}");
                        assert_eq!(now, from, "{from:?} + {control:?} changed it");
                    }
                }
            }
        }
        // Someone else's backroom is not found, whatever the control.
        let err = transition(conn, user.id + 1, room.id, Control::Stop).err();
        assert_eq!(err.map(|e| e.status_code()), Some(404));
        Ok(())
    }
}
