//! The audit log: every admin action, with who did it, to whom and when.
//! Names are copied into the row so it reads the same after a deletion.

use crate::error::AppError;
use crate::model::community::{AuditAction, AuditEntry, AuditPage};
use crate::server::db::Conn;
use crate::server::db::{now, schema::audit_log};
use diesel::prelude::*;

pub const PAGE: i64 = 100;

/// Who acted and on whom: `(id, name)` pairs.
pub struct Record<'a> {
    pub actor: (i64, &'a str),
    pub action: AuditAction,
    pub target: Option<(i64, &'a str)>,
    pub detail: &'a str,
}

pub fn write(conn: &mut Conn, r: Record<'_>) -> Result<(), AppError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::actor_id.eq(r.actor.0),
            audit_log::actor_name.eq(r.actor.1),
            audit_log::action.eq(r.action.as_str()),
            audit_log::target_id.eq(r.target.map(|t| t.0)),
            audit_log::target_name.eq(r.target.map(|t| t.1)),
            audit_log::detail.eq(r.detail),
            audit_log::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Newest first, `PAGE` at a time; `before` is an entry id.
pub fn page(conn: &mut Conn, before: Option<i64>) -> Result<AuditPage, AppError> {
    let mut q = audit_log::table
        .order(audit_log::id.desc())
        .limit(PAGE + 1)
        .select((
            audit_log::id,
            audit_log::actor_name,
            audit_log::action,
            audit_log::target_name,
            audit_log::detail,
            audit_log::created_at,
        ))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(audit_log::id.lt(b));
    }
    let rows = q.load::<(i64, String, String, Option<String>, String, i64)>(conn)?;
    let more = rows.len() as i64 > PAGE;
    let entries: Vec<AuditEntry> = rows
        .into_iter()
        .take(PAGE as usize)
        .filter_map(|(id, actor, action, target, detail, created_at)| {
            Some(AuditEntry {
                id,
                actor,
                action: AuditAction::parse(&action)?,
                target,
                detail,
                created_at,
            })
        })
        .collect();
    Ok(AuditPage {
        older: more.then(|| entries.last().map(|e| e.id)).flatten(),
        entries,
    })
}
