//! Processes sharing one database. Each is a replica with a heartbeat in
//! `replicas`; one not seen for [`DEAD_AFTER`] seconds is dead. What a dead
//! replica was doing is found through what it owns (`reply_owners`,
//! `run_leases`, `reply_holds`) and ended or taken over by the live ones.
//! On SQLite there is only ever one process, but the same rows are kept.

use crate::error::AppError;
use crate::model::backroom::BackroomState;
use crate::model::chat::MessageStatus;
use crate::server::db::schema::{
    backrooms, messages, replicas, reply_holds, reply_owners, run_leases,
};
use crate::server::db::{now, Conn};
use diesel::prelude::*;

/// How often a replica says it is alive, and looks for dead ones (seconds).
pub const HEARTBEAT: u64 = 3;
/// A replica not seen for this long is dead (seconds): with the heartbeat,
/// what it left is taken over within 15 s of its death.
pub const DEAD_AFTER: i64 = 10;
/// A `streaming` reply no replica owns and not written for this long lost
/// its runner before the runner could claim it (seconds).
const UNOWNED_AFTER: i64 = 30;

/// A new replica: its id.
pub fn register(conn: &mut Conn) -> Result<i64, AppError> {
    let t = now();
    Ok(diesel::insert_into(replicas::table)
        .values((replicas::started_at.eq(t), replicas::seen_at.eq(t)))
        .returning(replicas::id)
        .get_result(conn)?)
}

/// The replica is alive. A replica the others took for dead (its row
/// gone) comes back under its own id.
pub fn beat(conn: &mut Conn, me: i64) -> Result<(), AppError> {
    let t = now();
    let n = diesel::update(replicas::table.find(me))
        .set(replicas::seen_at.eq(t))
        .execute(conn)?;
    if n == 0 {
        tracing::warn!(
            replica = me,
            "this replica was taken for dead: registered again"
        );
        crate::each_backend!(conn, |c| diesel::insert_into(replicas::table)
            .values((
                replicas::id.eq(me),
                replicas::started_at.eq(t),
                replicas::seen_at.eq(t),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// A replica stopping on purpose: the others need not wait to know.
pub fn leave(conn: &mut Conn, me: i64) -> Result<(), AppError> {
    diesel::delete(replicas::table.find(me)).execute(conn)?;
    Ok(())
}

/// SQLite at boot: no other process uses the file, so every replica on
/// record is gone.
pub fn forget_others(conn: &mut Conn, me: i64) -> Result<(), AppError> {
    diesel::delete(replicas::table.filter(replicas::id.ne(me))).execute(conn)?;
    Ok(())
}

/// Replica `me` writes reply `message_id` (until `messages::finish`).
pub fn own_reply(conn: &mut Conn, message_id: i64, me: i64) -> Result<(), AppError> {
    crate::each_backend!(conn, |c| diesel::insert_into(reply_owners::table)
        .values((
            reply_owners::message_id.eq(message_id),
            reply_owners::replica.eq(me),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// The replica writing reply `message_id`, if one has claimed it.
pub fn owner_of(conn: &mut Conn, message_id: i64) -> Result<Option<i64>, AppError> {
    Ok(reply_owners::table
        .find(message_id)
        .select(reply_owners::replica)
        .first(conn)
        .optional()?)
}

/// The replicas alive now.
pub fn alive(conn: &mut Conn) -> Result<Vec<i64>, AppError> {
    Ok(replicas::table
        .filter(replicas::seen_at.ge(now() - DEAD_AFTER))
        .select(replicas::id)
        .load(conn)?)
}

/// A reply's columns once its writer is gone.
fn interrupted(
    t: i64,
) -> (
    diesel::dsl::Eq<messages::status, MessageStatus>,
    diesel::dsl::Eq<messages::updated_at, i64>,
) {
    (
        messages::status.eq(MessageStatus::Interrupted),
        messages::updated_at.eq(t),
    )
}

/// What a sweep ended or freed.
#[derive(Debug, Default, PartialEq)]
pub struct Swept {
    /// Replies marked `interrupted`.
    pub replies: usize,
    /// Backroom runs going with no live replica running them: the caller
    /// takes them over.
    pub runs: Vec<i64>,
}

/// Ends what dead replicas left: their replies become `interrupted` (with
/// Retry), their quota places free, their runs are handed back.
pub fn sweep(conn: &mut Conn) -> Result<Swept, AppError> {
    conn.immediate_transaction(|conn| {
        let t = now();
        let live = alive(conn)?;
        let orphaned: Vec<i64> = reply_owners::table
            .filter(reply_owners::replica.ne_all(&live))
            .select(reply_owners::message_id)
            .load(conn)?;
        let mut replies = diesel::update(
            messages::table
                .filter(messages::id.eq_any(&orphaned))
                .filter(messages::status.eq(MessageStatus::Streaming)),
        )
        .set(interrupted(t))
        .execute(conn)?;
        diesel::delete(reply_owners::table.filter(reply_owners::message_id.eq_any(&orphaned)))
            .execute(conn)?;
        replies += diesel::update(
            messages::table
                .filter(messages::status.eq(MessageStatus::Streaming))
                .filter(messages::updated_at.lt(t - UNOWNED_AFTER))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    reply_owners::table.filter(reply_owners::message_id.eq(messages::id)),
                ))),
        )
        .set(interrupted(t))
        .execute(conn)?;
        diesel::delete(run_leases::table.filter(run_leases::replica.ne_all(&live)))
            .execute(conn)?;
        // Running with no lease: its replica died (or it is being launched
        // right now, and claiming the lease decides who runs it).
        let runs: Vec<i64> = backrooms::table
            .filter(backrooms::state.eq(BackroomState::Running))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                run_leases::table.filter(run_leases::backroom_id.eq(backrooms::id)),
            )))
            .select(backrooms::id)
            .load(conn)?;
        // Their turn being written when the replica died may not have been
        // claimed yet: no live replica writes it.
        replies += diesel::update(
            messages::table
                .filter(messages::status.eq(MessageStatus::Streaming))
                .filter(
                    messages::thread_id.eq_any(
                        backrooms::table
                            .filter(backrooms::id.eq_any(&runs))
                            .select(backrooms::thread_id),
                    ),
                )
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    reply_owners::table.filter(reply_owners::message_id.eq(messages::id)),
                ))),
        )
        .set(interrupted(t))
        .execute(conn)?;
        diesel::delete(reply_holds::table.filter(reply_holds::replica.ne_all(&live)))
            .execute(conn)?;
        diesel::delete(replicas::table.filter(replicas::id.ne_all(&live))).execute(conn)?;
        Ok(Swept { replies, runs })
    })
}

/// Replica `me` runs backroom `id`, unless a live replica does already:
/// whether it is `me`'s now.
pub fn claim_run(conn: &mut Conn, id: i64, me: i64) -> Result<bool, AppError> {
    conn.immediate_transaction(|conn| {
        let holder: Option<i64> = run_leases::table
            .find(id)
            .select(run_leases::replica)
            .first(conn)
            .optional()?;
        match holder {
            Some(h) if h == me => return Ok(true),
            Some(h) if alive(conn)?.contains(&h) => return Ok(false),
            Some(_) => {
                diesel::delete(run_leases::table.find(id)).execute(conn)?;
            }
            None => {}
        }
        diesel::insert_into(run_leases::table)
            .values((run_leases::backroom_id.eq(id), run_leases::replica.eq(me)))
            .execute(conn)?;
        Ok(true)
    })
}

/// Replica `me`'s run of backroom `id` ended.
pub fn end_run(conn: &mut Conn, id: i64, me: i64) -> Result<(), AppError> {
    diesel::delete(
        run_leases::table
            .find(id)
            .filter(run_leases::replica.eq(me)),
    )
    .execute(conn)?;
    Ok(())
}
