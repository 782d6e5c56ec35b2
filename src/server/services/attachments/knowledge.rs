//! An agent's knowledge shelf: documents of its owner searched, like a
//! thread's long files, in every thread with that agent.

use crate::error::AppError;
use crate::model::attachment::{AttachmentKind, AttachmentView};
use crate::server::db::now;
use crate::server::db::rows::Attachment;
use crate::server::db::schema::{agent_knowledge, agents, attachments};
use crate::server::db::Conn;
use diesel::prelude::*;

/// Files on one agent's shelf.
pub const SHELF_MAX: i64 = 50;

/// The owner's agent (404 for anyone else, a shared agent included).
fn own_agent(conn: &mut Conn, user: i64, agent: i64) -> Result<(), AppError> {
    let found: Option<i64> = agents::table
        .find(agent)
        .filter(agents::user_id.eq(user))
        .select(agents::id)
        .first(conn)
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::not_found("No such agent."))
}

/// The attachment ids on `agent`'s shelf.
pub fn ids(conn: &mut Conn, agent: i64) -> Result<Vec<i64>, AppError> {
    Ok(agent_knowledge::table
        .filter(agent_knowledge::agent_id.eq(agent))
        .select(agent_knowledge::attachment_id)
        .load(conn)?)
}

pub fn list(conn: &mut Conn, user: i64, agent: i64) -> Result<Vec<AttachmentView>, AppError> {
    own_agent(conn, user, agent)?;
    let rows: Vec<Attachment> = agent_knowledge::table
        .inner_join(attachments::table)
        .filter(agent_knowledge::agent_id.eq(agent))
        .order(agent_knowledge::created_at.asc())
        .select(Attachment::as_select())
        .load(conn)?;
    Ok(rows.iter().map(Attachment::view).collect())
}

/// Puts one of the user's documents on their agent's shelf.
pub fn add(
    conn: &mut Conn,
    user: i64,
    agent: i64,
    attachment: i64,
) -> Result<Vec<AttachmentView>, AppError> {
    conn.immediate_transaction(|conn| {
        own_agent(conn, user, agent)?;
        let a = super::owned(conn, user, attachment)?;
        if a.kind != AttachmentKind::Document {
            return Err(AppError::invalid(
                "attachment_id",
                "Only documents go on an agent's shelf: a picture has no text to search.",
            ));
        }
        let count: i64 = agent_knowledge::table
            .filter(agent_knowledge::agent_id.eq(agent))
            .count()
            .get_result(conn)?;
        if count >= SHELF_MAX {
            return Err(AppError::invalid(
                "attachment_id",
                format!("An agent's shelf holds at most {SHELF_MAX} files."),
            ));
        }
        crate::each_backend!(conn, |c| diesel::insert_into(agent_knowledge::table)
            .values((
                agent_knowledge::agent_id.eq(agent),
                agent_knowledge::attachment_id.eq(a.id),
                agent_knowledge::created_at.eq(now()),
            ))
            .on_conflict_do_nothing()
            .execute(c))?;
        // From now on the file goes once neither shelf nor message has it.
        diesel::update(attachments::table.find(a.id))
            .set(attachments::sent.eq(true))
            .execute(conn)?;
        list(conn, user, agent)
    })
}

pub fn remove(conn: &mut Conn, user: i64, agent: i64, attachment: i64) -> Result<(), AppError> {
    conn.immediate_transaction(|conn| {
        own_agent(conn, user, agent)?;
        let n = diesel::delete(
            agent_knowledge::table
                .filter(agent_knowledge::agent_id.eq(agent))
                .filter(agent_knowledge::attachment_id.eq(attachment)),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(AppError::not_found(
                "That file is not on this agent's shelf.",
            ));
        }
        super::collect_garbage(conn)?;
        Ok(())
    })
}
