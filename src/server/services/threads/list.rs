//! The list of threads: its filter and its keyset pagination.

use super::limits::{PAGE_DEFAULT, PAGE_MAX};
use crate::error::AppError;
use crate::model::chat::{ThreadPage, ThreadSummary};
use crate::server::db::rows::Thread;
use crate::server::db::schema::threads;
use crate::server::db::Conn;
use diesel::prelude::*;

fn summary(c: &Thread, tags: Vec<String>) -> ThreadSummary {
    ThreadSummary {
        id: c.id,
        title: c.title.clone(),
        model_id: c.model_id,
        updated_at: c.updated_at,
        pinned: c.pinned,
        folder_id: c.folder_id,
        archived: c.archived,
        tags,
    }
}

/// Which threads a list shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// `None`: any folder; `Some(None)`: outside every folder.
    pub folder: Option<Option<i64>>,
    pub tag: Option<String>,
    /// Archived threads instead of the others.
    pub archived: bool,
}

/// Where the next page starts: `{pinned}.{updated_at}.{id}` of the last row.
fn parse_cursor(cursor: &str) -> Option<(bool, i64, i64)> {
    let mut parts = cursor.split('.');
    let pinned = match parts.next()? {
        "1" => true,
        "0" => false,
        _ => return None,
    };
    let ts = parts.next()?.parse().ok()?;
    let id = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((pinned, ts, id))
}

/// Pinned first, then newest first; `before` is the `next_cursor` of the
/// previous page.
pub fn list(
    conn: &mut Conn,
    user_id: i64,
    limit: Option<i64>,
    before: Option<&str>,
    filter: &Filter,
) -> Result<ThreadPage, AppError> {
    use crate::server::db::schema::thread_tags;
    let limit = limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(AppError::invalid(
            "limit",
            format!("limit must be between 1 and {PAGE_MAX}."),
        ));
    }
    let mut query = threads::table
        .filter(threads::user_id.eq(user_id))
        .filter(threads::kind.eq("chat"))
        .filter(threads::archived.eq(filter.archived))
        .into_boxed();
    match filter.folder {
        None => {}
        Some(None) => query = query.filter(threads::folder_id.is_null()),
        Some(Some(f)) => query = query.filter(threads::folder_id.eq(f)),
    }
    if let Some(tag) = &filter.tag {
        query = query.filter(
            threads::id.eq_any(
                thread_tags::table
                    .filter(thread_tags::tag.eq(tag.trim().to_lowercase()))
                    .select(thread_tags::thread_id),
            ),
        );
    }
    if let Some(cursor) = before {
        let (pinned, ts, id) = parse_cursor(cursor)
            .ok_or_else(|| AppError::invalid("before", "before must be a next_cursor value."))?;
        let same_group = threads::updated_at
            .lt(ts)
            .or(threads::updated_at.eq(ts).and(threads::id.lt(id)));
        query = if pinned {
            query.filter(
                threads::pinned
                    .eq(false)
                    .or(threads::pinned.eq(true).and(same_group)),
            )
        } else {
            query.filter(threads::pinned.eq(false).and(same_group))
        };
    }
    let rows: Vec<Thread> = query
        .order((
            threads::pinned.desc(),
            threads::updated_at.desc(),
            threads::id.desc(),
        ))
        .limit(limit + 1)
        .select(Thread::as_select())
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
    let mut tags = crate::server::services::tags::of(conn, &ids)?;
    let items: Vec<ThreadSummary> = rows
        .iter()
        .map(|c| summary(c, tags.remove(&c.id).unwrap_or_default()))
        .collect();
    let next_cursor = more
        .then(|| {
            items
                .last()
                .map(|c| format!("{}.{}.{}", u8::from(c.pinned), c.updated_at, c.id))
        })
        .flatten();
    Ok(ThreadPage { items, next_cursor })
}
