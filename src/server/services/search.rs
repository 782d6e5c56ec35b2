//! Full-text search (SQLite FTS5, kept in step by triggers) over the
//! caller's own chat messages, backroom turns, notes and titles, best
//! matches first.

use crate::error::AppError;
use crate::model::search::{HitKind, SearchHit, SearchPage, HIT_END, HIT_START};
use crate::server::db::Conn;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

pub const QUERY_MAX: usize = 200;
pub const PAGE: i64 = 20;
/// Title matches, and note matches, shown above the message matches on
/// the first page.
const TITLES: i64 = 5;
/// A word in more of the user's messages than this is ranked among its
/// newest this many matches only: ranking scores every match, and for a
/// word in most of a million messages that takes most of a second (the
/// newest of so many are what a person is after anyway).
pub const WINDOW: i64 = 2_000;

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<BigInt>)]
    thread_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    backroom_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    note_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    message_id: Option<i64>,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    role: Option<String>,
    #[diesel(sql_type = Text)]
    snippet: String,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

/// The words of `q` as an FTS5 query: every word must appear, the last may
/// be the start of a word. Operators and quotes typed by the user are
/// treated as text, never as query syntax.
pub fn fts_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last {
                    format!("{w}*")
                } else {
                    w.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Chat and backroom titles: (mark open, mark close, query, user, limit).
const TITLES_SQL: &str = "SELECT c.id AS thread_id, b.id AS backroom_id, NULL AS note_id, \
        NULL AS message_id, COALESCE(b.title, c.title) AS title, NULL AS role, \
        highlight(conversations_fts, 0, ?, ?) AS snippet, c.created_at AS created_at \
     FROM conversations_fts JOIN conversations c ON c.id = conversations_fts.rowid \
     LEFT JOIN backrooms b ON b.conversation_id = c.id \
     WHERE conversations_fts MATCH ? AND c.user_id = ? AND c.kind IN ('chat', 'backroom') \
     ORDER BY bm25(conversations_fts) LIMIT ?";

/// Notes, with the same parameters.
const NOTES_SQL: &str = "SELECT NULL AS thread_id, NULL AS backroom_id, n.id AS note_id, \
        NULL AS message_id, n.title AS title, NULL AS role, \
        snippet(notes_fts, -1, ?, ?, '…', 16) AS snippet, n.updated_at AS created_at \
     FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid \
     WHERE notes_fts MATCH ? AND n.user_id = ? \
     ORDER BY bm25(notes_fts) LIMIT ?";

pub fn search(conn: &mut Conn, user_id: i64, q: &str, offset: i64) -> Result<SearchPage, AppError> {
    if q.chars().count() > QUERY_MAX {
        return Err(AppError::invalid(
            "q",
            format!("The search is longer than {QUERY_MAX} characters."),
        ));
    }
    if offset < 0 {
        return Err(AppError::invalid("offset", "offset must not be negative."));
    }
    let Some(fts) = fts_query(q) else {
        return Err(AppError::invalid("q", "Type something to search for."));
    };
    let (open, close) = (HIT_START.to_string(), HIT_END.to_string());
    let mut items: Vec<SearchHit> = Vec::new();
    if offset == 0 {
        // Titles of chats and backrooms, then notes (the title or the
        // body, whichever matched best).
        for sql in [TITLES_SQL, NOTES_SQL] {
            let rows: Vec<Row> = diesel::sql_query(sql)
                .bind::<Text, _>(&open)
                .bind::<Text, _>(&close)
                .bind::<Text, _>(&fts)
                .bind::<BigInt, _>(user_id)
                .bind::<BigInt, _>(TITLES)
                .load(conn)?;
            items.extend(rows.into_iter().map(hit));
        }
    }
    // The oldest of the newest WINDOW matches, when there are more: walking
    // the index newest first stops there, without scoring anything.
    let floor = diesel::sql_query(
        "SELECT messages_fts.rowid AS id \
         FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid \
         JOIN conversations c ON c.id = m.conversation_id \
         WHERE messages_fts MATCH ? AND c.user_id = ? AND c.kind IN ('chat', 'backroom') \
               AND m.on_path \
         ORDER BY messages_fts.rowid DESC LIMIT 1 OFFSET ?",
    )
    .bind::<Text, _>(&fts)
    .bind::<BigInt, _>(user_id)
    .bind::<BigInt, _>(WINDOW - 1)
    .get_result::<Id>(conn)
    .optional()?
    .map_or(0, |r| r.id);
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT m.conversation_id AS thread_id, b.id AS backroom_id, NULL AS note_id, \
                m.id AS message_id, COALESCE(b.title, c.title) AS title, \
                m.role AS role, snippet(messages_fts, 0, ?, ?, '…', 16) AS snippet, \
                m.created_at AS created_at \
         FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid \
         JOIN conversations c ON c.id = m.conversation_id \
         LEFT JOIN backrooms b ON b.conversation_id = c.id \
         WHERE messages_fts MATCH ? AND messages_fts.rowid >= ? \
               AND c.user_id = ? AND c.kind IN ('chat', 'backroom') AND m.on_path \
         ORDER BY bm25(messages_fts), m.id DESC LIMIT ? OFFSET ?",
    )
    .bind::<Text, _>(&open)
    .bind::<Text, _>(&close)
    .bind::<Text, _>(&fts)
    .bind::<BigInt, _>(floor)
    .bind::<BigInt, _>(user_id)
    .bind::<BigInt, _>(PAGE + 1)
    .bind::<BigInt, _>(offset)
    .load(conn)?;
    let more = rows.len() as i64 > PAGE;
    items.extend(rows.into_iter().take(PAGE as usize).map(hit));
    Ok(SearchPage {
        items,
        next_offset: more.then_some(offset + PAGE),
    })
}

fn hit(r: Row) -> SearchHit {
    let kind = match (r.note_id, r.backroom_id) {
        (Some(_), _) => HitKind::Note,
        (None, Some(_)) => HitKind::Backroom,
        (None, None) => HitKind::Chat,
    };
    SearchHit {
        kind,
        thread_id: r.thread_id,
        backroom_id: r.backroom_id,
        note_id: r.note_id,
        message_id: r.message_id,
        title: r.title,
        role: r.role,
        snippet: crate::text::plain::from_markdown(&r.snippet),
        created_at: r.created_at,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_text_never_becomes_query_syntax() {
        assert_eq!(
            super::fts_query("rust borrow"),
            Some("\"rust\" \"borrow\"*".into())
        );
        assert_eq!(
            super::fts_query("a\" OR b*"),
            Some("\"a\" \"OR\" \"b\"*".into())
        );
        assert_eq!(super::fts_query("  --  "), None);
    }
}
