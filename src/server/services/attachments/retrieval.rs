//! Documents too long for a turn: their text is cut into pieces on upload
//! and indexed with SQLite's FTS5 (as messages are for search); a turn
//! then gets the pieces that best match its message (BM25), numbered for
//! citation. No embedding model is needed.

use super::document::PAGE_BREAK;
use crate::error::AppError;
use crate::server::db::schema::{attachment_chunks, message_sources};
use crate::server::db::Conn;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};

/// A piece's largest size in characters.
pub const CHUNK_CHARS: usize = 1000;
/// Pieces a turn gets at most.
pub const EXCERPTS: usize = 8;

/// `(position, page, text)` of each piece of `text`: pages apart (a PDF's
/// pages are split by [`PAGE_BREAK`]), then paragraphs, lines, sentences
/// or words, whichever keeps a piece within [`CHUNK_CHARS`].
pub fn chunks(text: &str, paged: bool) -> Vec<(i32, Option<i32>, String)> {
    let mut out = Vec::new();
    let mut offset = 0usize; // in characters
    for (i, page) in text.split(PAGE_BREAK).enumerate() {
        let page_no = paged.then_some(i as i32 + 1);
        let chars: Vec<char> = page.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let mut end = (start + CHUNK_CHARS).min(chars.len());
            if end < chars.len() {
                let window: String = chars[start..end].iter().collect();
                let cut = ["\n\n", "\n", ". ", " "].iter().find_map(|sep| {
                    window
                        .rfind(sep)
                        .filter(|&at| at > window.len() / 2)
                        .map(|at| window[..at + sep.len()].chars().count())
                });
                if let Some(cut) = cut {
                    end = start + cut;
                }
            }
            let body: String = chars[start..end].iter().collect();
            if !body.trim().is_empty() {
                out.push(((offset + start) as i32, page_no, body.trim().to_string()));
            }
            start = end;
        }
        offset += chars.len() + 1;
    }
    out
}

/// Indexes a document's pieces.
pub fn index(
    conn: &mut Conn,
    attachment_id: i64,
    text: &str,
    paged: bool,
) -> Result<usize, AppError> {
    let rows: Vec<_> = chunks(text, paged)
        .into_iter()
        .map(|(position, page, body)| {
            (
                attachment_chunks::attachment_id.eq(attachment_id),
                attachment_chunks::position.eq(position),
                attachment_chunks::page.eq(page),
                attachment_chunks::body.eq(body),
            )
        })
        .collect();
    let mut n = 0;
    // SQLite takes at most 32766 bound values a statement.
    for batch in rows.chunks(1000) {
        n += crate::each_backend!(conn, |c| diesel::insert_into(attachment_chunks::table)
            .values(batch)
            .execute(c))?;
    }
    Ok(n)
}

/// A piece given to a turn.
#[derive(Clone, Debug, QueryableByName)]
pub struct Excerpt {
    #[diesel(sql_type = BigInt)]
    pub attachment_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Integer)]
    pub position: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    pub page: Option<i32>,
    #[diesel(sql_type = Text)]
    pub body: String,
}

/// The distinct words of `message` of two letters or more, lower-cased,
/// at most 32.
fn words(message: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in message.split(|c: char| !c.is_alphanumeric()) {
        let w = w.to_lowercase();
        if w.chars().count() >= 2 && !words.contains(&w) && words.len() < 32 {
            words.push(w);
        }
    }
    words
}

/// The words of `message` as an FTS5 query matching any of them (BM25
/// then ranks the pieces with the most and rarest first). Quoted, so the
/// user's text is never query syntax.
fn any_word(message: &str) -> Option<String> {
    let words = words(message);
    (!words.is_empty()).then(|| {
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" OR ")
    })
}

/// The pieces of `attachment_ids` that best match `message`, at most
/// [`EXCERPTS`] and `budget` characters together, best first.
pub fn search(
    conn: &mut Conn,
    attachment_ids: &[i64],
    message: &str,
    budget: usize,
) -> Result<Vec<Excerpt>, AppError> {
    let query = if conn.is_sqlite() {
        any_word(message)
    } else {
        crate::server::services::search::ts_any(&words(message).join(" "))
    };
    let Some(query) = query else {
        return Ok(Vec::new());
    };
    if attachment_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are numbers from the database: safe to write into the SQL.
    let ids = attachment_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sql = if conn.is_sqlite() {
        format!(
            "SELECT ch.attachment_id, a.name, ch.position, ch.page, ch.body \
             FROM attachment_chunks_fts f \
             JOIN attachment_chunks ch ON ch.id = f.rowid \
             JOIN attachments a ON a.id = ch.attachment_id \
             WHERE attachment_chunks_fts MATCH ? AND ch.attachment_id IN ({ids}) \
             ORDER BY bm25(attachment_chunks_fts) LIMIT ?"
        )
    } else {
        format!(
            "SELECT ch.attachment_id, a.name, ch.position, ch.page, ch.body \
             FROM attachment_chunks ch \
             CROSS JOIN (SELECT to_tsquery('simple', public.unaccent($1)) AS q) q \
             JOIN attachments a ON a.id = ch.attachment_id \
             WHERE ch.search_body @@ q.q AND ch.attachment_id IN ({ids}) \
             ORDER BY ts_rank(ch.search_body, q.q) DESC, ch.id LIMIT $2"
        )
    };
    let found: Vec<Excerpt> = diesel::sql_query(sql)
        .bind::<Text, _>(&query)
        .bind::<BigInt, _>(EXCERPTS as i64)
        .load(conn)?;
    let mut left = budget;
    Ok(found
        .into_iter()
        .take_while(|e| {
            let len = e.body.chars().count();
            let fits = len <= left;
            left = left.saturating_sub(len);
            fits
        })
        .collect())
}

/// The excerpts as the model reads them, numbered from 1.
pub fn block(excerpts: &[Excerpt]) -> String {
    let mut out = String::from(
        "\n\nExcerpts from the attached files, numbered. Where you use one, cite it as [1], [2], …\n",
    );
    for (i, e) in excerpts.iter().enumerate() {
        let at = match e.page {
            Some(p) => format!("{}, page {p}", e.name),
            None => e.name.clone(),
        };
        out.push_str(&format!("\n[{}] {at}:\n{}\n", i + 1, e.body));
    }
    out
}

/// Records on reply `message_id` which excerpts it was given.
pub fn record(conn: &mut Conn, message_id: i64, excerpts: &[Excerpt]) -> Result<(), AppError> {
    diesel::delete(message_sources::table.filter(message_sources::message_id.eq(message_id)))
        .execute(conn)?;
    for (i, e) in excerpts.iter().enumerate() {
        diesel::insert_into(message_sources::table)
            .values((
                message_sources::message_id.eq(message_id),
                message_sources::n.eq(i as i32 + 1),
                message_sources::attachment_id.eq(e.attachment_id),
                message_sources::position.eq(e.position),
                message_sources::page.eq(e.page),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_within_size_break_at_words_and_know_their_page() {
        let page = "word ".repeat(500);
        let text = format!("{page}{PAGE_BREAK}{page}");
        let pieces = chunks(&text, true);
        assert!(pieces
            .iter()
            .all(|(_, _, b)| b.chars().count() <= CHUNK_CHARS));
        assert!(pieces.iter().all(|(_, _, b)| b.ends_with("word")));
        assert_eq!(pieces.first().unwrap().1, Some(1));
        assert_eq!(pieces.last().unwrap().1, Some(2));
        // Positions point into the text.
        let (pos, _, body) = &pieces[pieces.len() - 1];
        let at: String = text.chars().skip(*pos as usize).take(4).collect();
        assert_eq!(at, &body[..4]);
    }

    #[test]
    fn a_message_becomes_a_quoted_any_word_query() {
        assert_eq!(
            any_word("Where's the \"vault\" OR x?").unwrap(),
            "\"where\" OR \"the\" OR \"vault\" OR \"or\""
        );
        assert_eq!(any_word("?!"), None);
    }
}
