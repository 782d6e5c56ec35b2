//! Hand-written SQL that the two backends spell differently.

use super::Conn;
use std::borrow::Cow;

/// `sql` with its `?` placeholders as PostgreSQL's `$1, $2, …` on
/// PostgreSQL (SQLite takes `?` as written). A `?` inside a quoted string
/// or identifier is left alone.
pub fn text<'a>(conn: &Conn, sql: &'a str) -> Cow<'a, str> {
    if conn.is_sqlite() {
        return Cow::Borrowed(sql);
    }
    numbered(sql)
}

fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut n = 0;
    for c in sql.chars() {
        match (quote, c) {
            (None, '?') => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// A case-insensitive `LIKE` of `column` (SQLite's `LIKE` ignores ASCII
/// case; PostgreSQL's `ILIKE` ignores case, on the column's plain text
/// since a case-blind collation cannot be matched with patterns).
pub fn like_nocase(conn: &Conn, column: &str) -> String {
    if conn.is_sqlite() {
        format!("{column} LIKE")
    } else {
        format!("{column} COLLATE \"C\" ILIKE")
    }
}

/// PostgreSQL's `NOTIFY` of `payload` on `channel` (nothing on SQLite,
/// where one process is all there is).
pub fn notify(conn: &mut Conn, channel: &str, payload: &str) -> Result<(), crate::error::AppError> {
    use diesel::RunQueryDsl;
    if conn.is_sqlite() {
        return Ok(());
    }
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>(channel)
        .bind::<diesel::sql_types::Text, _>(payload)
        .execute(conn)?;
    Ok(())
}

/// The column that numbers `sessions` rows (SQLite's `rowid`; a `seq`
/// column of their own on PostgreSQL).
pub fn session_number(conn: &Conn) -> &'static str {
    if conn.is_sqlite() {
        "rowid"
    } else {
        "seq"
    }
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c LIKE ? ESCAPE '\\' LIMIT ?"),
            "SELECT a FROM t WHERE b = $1 AND c LIKE $2 ESCAPE '\\' LIMIT $3"
        );
        assert_eq!(
            numbered("SELECT '?', \"a?\" FROM t WHERE x = ?"),
            "SELECT '?', \"a?\" FROM t WHERE x = $1"
        );
        assert_eq!(numbered("SELECT 1"), "SELECT 1");
    }
}
