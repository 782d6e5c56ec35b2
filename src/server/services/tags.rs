//! Thread tags: short lowercase words, at most `PER_THREAD` a thread.

use crate::error::AppError;
use crate::server::db::schema::{thread_tags, threads};
use crate::server::db::Conn;
use diesel::prelude::*;
use std::collections::HashMap;

pub const TAG_MAX: usize = 40;
pub const PER_THREAD: usize = 20;

/// Trimmed and lowercased, one line without commas or `#`; sorted, no
/// repeats. Empty entries are dropped.
pub fn normalise(tags: &[String]) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for raw in tags {
        let tag = raw.trim().trim_start_matches('#').trim().to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > TAG_MAX
            || tag.chars().any(|c| c.is_control() || c == ',' || c == '#')
        {
            return Err(AppError::invalid(
                "tags",
                format!("A tag is one line of at most {TAG_MAX} characters, without commas or #."),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > PER_THREAD {
        return Err(AppError::invalid(
            "tags",
            format!("A thread can have at most {PER_THREAD} tags."),
        ));
    }
    out.sort();
    Ok(out)
}

/// Replaces the thread's tags (already normalised).
pub fn set(conn: &mut Conn, thread_id: i64, tags: &[String]) -> Result<(), AppError> {
    diesel::delete(thread_tags::table.filter(thread_tags::thread_id.eq(thread_id)))
        .execute(conn)?;
    let rows: Vec<_> = tags
        .iter()
        .map(|t| (thread_tags::thread_id.eq(thread_id), thread_tags::tag.eq(t)))
        .collect();
    crate::each_backend!(conn, |c| diesel::insert_into(thread_tags::table)
        .values(&rows)
        .execute(c))?;
    Ok(())
}

/// The tags of each of these threads, sorted.
pub fn of(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, Vec<String>>, AppError> {
    let rows: Vec<(i64, String)> = thread_tags::table
        .filter(thread_tags::thread_id.eq_any(ids))
        .order((thread_tags::thread_id, thread_tags::tag))
        .select((thread_tags::thread_id, thread_tags::tag))
        .load(conn)?;
    let mut map: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, tag) in rows {
        map.entry(id).or_default().push(tag);
    }
    Ok(map)
}

/// Every tag the user has on a chat thread that is not archived (as the
/// tag's list shows them), with how many threads carry it.
pub fn used(conn: &mut Conn, user_id: i64) -> Result<Vec<(String, i64)>, AppError> {
    Ok(thread_tags::table
        .inner_join(threads::table)
        .filter(threads::user_id.eq(user_id))
        .filter(threads::kind.eq("chat"))
        .filter(threads::archived.eq(false))
        .group_by(thread_tags::tag)
        .order(thread_tags::tag)
        .select((thread_tags::tag, diesel::dsl::count_star()))
        .load(conn)?)
}
