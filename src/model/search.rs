//! Search results over the user's own threads.

use serde::{Deserialize, Serialize};

/// Marks a matched span inside a snippet: `HIT_START`word`HIT_END`. The
/// page turns them into `<mark>` elements; the text itself is never HTML.
pub const HIT_START: char = '\u{E000}';
pub const HIT_END: char = '\u{E001}';

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    #[serde(rename = "conversation_id")]
    pub thread_id: i64,
    /// `null` when the thread's title matched.
    pub message_id: Option<i64>,
    pub title: String,
    pub role: Option<String>,
    /// The matched text around the hits, hits between `HIT_START`/`HIT_END`.
    pub snippet: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub items: Vec<SearchHit>,
    /// Pass as `offset` for more; `null` at the end.
    pub next_offset: Option<i64>,
}

/// A snippet as (text, is_hit) runs.
pub fn runs(snippet: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut hit = false;
    let mut cur = String::new();
    for c in snippet.chars() {
        if c == HIT_START || c == HIT_END {
            if !cur.is_empty() {
                out.push((std::mem::take(&mut cur), hit));
            }
            hit = c == HIT_START;
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push((cur, hit));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs_split_hits() {
        let s = format!("a {}b{} c", super::HIT_START, super::HIT_END);
        assert_eq!(
            super::runs(&s),
            vec![
                ("a ".into(), false),
                ("b".into(), true),
                (" c".into(), false)
            ]
        );
    }
}
