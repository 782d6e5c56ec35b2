//! Full-text search over the caller's own chat messages, backroom turns,
//! notes and titles, best matches first: SQLite FTS5 (kept in step by
//! triggers) or PostgreSQL `tsvector` columns with GIN indexes, with the
//! same contract (every word, the last as a prefix, accents folded,
//! matches marked in a snippet).

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

/// The words of `q` (letters and digits; everything else, operators and
/// quotes included, only separates them, so the user's text never becomes
/// query syntax), each between `quote`s, joined by `joiner`, the last
/// followed by `last`.
fn query_of(q: &str, quote: char, joiner: &str, last: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("{quote}{w}{quote}"))
        .collect();
    (!words.is_empty()).then(|| format!("{}{last}", words.join(joiner)))
}

/// The words of `q` as an FTS5 query: every word must appear, the last may
/// be the start of a word.
pub fn fts_query(q: &str) -> Option<String> {
    query_of(q, '"', " ", "*")
}

/// The words of `q` as a PostgreSQL `tsquery` (`'a' & 'b':*`), the same
/// contract as [`fts_query`].
pub fn ts_query(q: &str) -> Option<String> {
    query_of(q, '\'', " & ", ":*")
}

/// A `tsquery` matching any of the words of `q`, none as a prefix
/// (`'a' | 'b'`).
pub fn ts_any(q: &str) -> Option<String> {
    query_of(q, '\'', " | ", "")
}

/// The marks around a match in PostgreSQL's snippets (`$1`, `$2`).
const PG_MARKS: &str = "'StartSel=\"' || $1 || '\", StopSel=\"' || $2 || '\"'";

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

/// PostgreSQL's snippet of `column`: a short text whole (as FTS5 gives
/// it, punctuation and all), a long one as the 16 words around the best
/// match.
fn pg_snippet(column: &str) -> String {
    format!(
        "CASE WHEN length({column}) <= 160 \
            THEN ts_headline('simple', {column}, q.q, 'HighlightAll=true, ' || {PG_MARKS}) \
            ELSE ts_headline('simple', {column}, q.q, \
                'MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…, ' || {PG_MARKS}) \
         END"
    )
}

/// PostgreSQL's titles, with the same parameters.
fn pg_titles_sql() -> String {
    format!(
        "SELECT c.id AS thread_id, b.id AS backroom_id, NULL::BIGINT AS note_id, \
            NULL::BIGINT AS message_id, COALESCE(b.title, c.title) AS title, NULL::TEXT AS role, \
            ts_headline('simple', c.title, q.q, 'HighlightAll=true, ' || {PG_MARKS}) AS snippet, \
            c.created_at AS created_at \
         FROM conversations c \
         CROSS JOIN (SELECT to_tsquery('simple', public.unaccent($3)) AS q) q \
         LEFT JOIN backrooms b ON b.conversation_id = c.id \
         WHERE c.search_title @@ q.q AND c.user_id = $4 AND c.kind IN ('chat', 'backroom') \
         ORDER BY ts_rank(c.search_title, q.q) DESC, c.id DESC LIMIT $5"
    )
}

/// PostgreSQL's notes, with the same parameters.
fn pg_notes_sql() -> String {
    format!(
        "SELECT NULL::BIGINT AS thread_id, NULL::BIGINT AS backroom_id, n.id AS note_id, \
            NULL::BIGINT AS message_id, n.title AS title, NULL::TEXT AS role, \
            CASE WHEN n.search_body @@ q.q \
                THEN {} \
                ELSE ts_headline('simple', n.title, q.q, 'HighlightAll=true, ' || {PG_MARKS}) \
            END AS snippet, \
            n.updated_at AS created_at \
         FROM notes n \
         CROSS JOIN (SELECT to_tsquery('simple', public.unaccent($3)) AS q) q \
         WHERE (n.search_title || n.search_body) @@ q.q AND n.user_id = $4 \
         ORDER BY ts_rank(n.search_title || n.search_body, q.q) DESC, n.id DESC LIMIT $5",
        pg_snippet("n.body")
    )
}

/// PostgreSQL's messages: (open, close, query, floor, user, limit, offset).
fn pg_messages_sql() -> String {
    format!(
        "SELECT m.conversation_id AS thread_id, b.id AS backroom_id, NULL::BIGINT AS note_id, \
            m.id AS message_id, COALESCE(b.title, c.title) AS title, m.role AS role, \
            {} AS snippet, \
            m.created_at AS created_at \
         FROM messages m \
         CROSS JOIN (SELECT to_tsquery('simple', public.unaccent($3)) AS q) q \
         JOIN conversations c ON c.id = m.conversation_id \
         LEFT JOIN backrooms b ON b.conversation_id = c.id \
         WHERE m.search_content @@ q.q AND m.id >= $4 \
               AND c.user_id = $5 AND c.kind IN ('chat', 'backroom') AND m.on_path \
         ORDER BY ts_rank(m.search_content, q.q) DESC, m.id DESC LIMIT $6 OFFSET $7",
        pg_snippet("m.content")
    )
}

/// PostgreSQL's floor: (query, user, window).
const PG_FLOOR_SQL: &str = "SELECT m.id AS id FROM messages m \
     JOIN conversations c ON c.id = m.conversation_id \
     WHERE m.search_content @@ to_tsquery('simple', public.unaccent($1)) \
           AND c.user_id = $2 AND c.kind IN ('chat', 'backroom') AND m.on_path \
     ORDER BY m.id DESC LIMIT 1 OFFSET $3";

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
    let sqlite = conn.is_sqlite();
    let query = if sqlite { fts_query(q) } else { ts_query(q) };
    let Some(fts) = query else {
        return Err(AppError::invalid("q", "Type something to search for."));
    };
    let (open, close) = (HIT_START.to_string(), HIT_END.to_string());
    let mut items: Vec<SearchHit> = Vec::new();
    if offset == 0 {
        // Titles of chats and backrooms, then notes (the title or the
        // body, whichever matched best).
        let sqls = if sqlite {
            [TITLES_SQL.to_string(), NOTES_SQL.to_string()]
        } else {
            [pg_titles_sql(), pg_notes_sql()]
        };
        for sql in sqls {
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
    let floor = diesel::sql_query(if sqlite {
        "SELECT messages_fts.rowid AS id \
         FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid \
         JOIN conversations c ON c.id = m.conversation_id \
         WHERE messages_fts MATCH ? AND c.user_id = ? AND c.kind IN ('chat', 'backroom') \
               AND m.on_path \
         ORDER BY messages_fts.rowid DESC LIMIT 1 OFFSET ?"
    } else {
        PG_FLOOR_SQL
    })
    .bind::<Text, _>(&fts)
    .bind::<BigInt, _>(user_id)
    .bind::<BigInt, _>(WINDOW - 1)
    .get_result::<Id>(conn)
    .optional()?
    .map_or(0, |r| r.id);
    let messages_sql = if sqlite {
        "SELECT m.conversation_id AS thread_id, b.id AS backroom_id, NULL AS note_id, \
                m.id AS message_id, COALESCE(b.title, c.title) AS title, \
                m.role AS role, snippet(messages_fts, 0, ?, ?, '…', 16) AS snippet, \
                m.created_at AS created_at \
         FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid \
         JOIN conversations c ON c.id = m.conversation_id \
         LEFT JOIN backrooms b ON b.conversation_id = c.id \
         WHERE messages_fts MATCH ? AND messages_fts.rowid >= ? \
               AND c.user_id = ? AND c.kind IN ('chat', 'backroom') AND m.on_path \
         ORDER BY bm25(messages_fts), m.id DESC LIMIT ? OFFSET ?"
            .to_string()
    } else {
        pg_messages_sql()
    };
    let rows: Vec<Row> = diesel::sql_query(messages_sql)
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
        assert_eq!(
            super::ts_query("rust borrow"),
            Some("'rust' & 'borrow':*".into())
        );
        assert_eq!(super::ts_any("a' | b:*"), Some("'a' | 'b'".into()));
        assert_eq!(super::ts_query("  --  "), None);
    }
}
