//! Search results over the user's own chats, backrooms and notes.

use serde::{Deserialize, Serialize};

/// Marks a matched span inside a snippet: `HIT_START`word`HIT_END`. The
/// page turns them into `<mark>` elements; the text itself is never HTML.
pub const HIT_START: char = '\u{E000}';
pub const HIT_END: char = '\u{E001}';

/// What a hit is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum HitKind {
    #[default]
    Chat,
    Backroom,
    Note,
}

/// One match: a message, a thread's title, a backroom's turn or a note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    #[serde(default)]
    pub kind: HitKind,
    /// The chat's (or the backroom's transcript's) thread; `null` for a
    /// note.
    #[serde(rename = "conversation_id")]
    pub thread_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backroom_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note_id: Option<i64>,
    /// `null` when a title (or a note) matched.
    pub message_id: Option<i64>,
    /// The thread's, backroom's or note's title.
    pub title: String,
    /// Who wrote the matched message (`user`, `assistant`); `null` when a
    /// title or a note matched.
    pub role: Option<String>,
    /// The matched text around the hits, as plain text (markdown syntax
    /// taken out); each hit is between U+E000 and U+E001.
    pub snippet: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl SearchHit {
    /// Where the hit opens: the message in its thread, the backroom, the
    /// note.
    pub fn link(&self) -> String {
        match (self.kind, self.thread_id, self.message_id) {
            (HitKind::Note, ..) => format!("/notes/{}", self.note_id.unwrap_or_default()),
            (HitKind::Backroom, ..) => {
                format!("/backrooms/{}", self.backroom_id.unwrap_or_default())
            }
            (HitKind::Chat, Some(t), Some(m)) => format!("/c/{t}?at={m}#m-{m}"),
            (HitKind::Chat, t, None) => crate::model::chat::thread_link(t.unwrap_or_default()),
            (HitKind::Chat, None, Some(_)) => "/".to_string(),
        }
    }

    /// The badge before the snippet: whose words, or what matched.
    pub fn label(&self) -> &'static str {
        match (self.kind, self.role.as_deref()) {
            (HitKind::Note, _) => "Note",
            (HitKind::Backroom, None) => "Backroom",
            (HitKind::Backroom, Some(_)) => "Turn",
            (HitKind::Chat, Some("user")) => "You",
            (HitKind::Chat, Some(_)) => "Reply",
            (HitKind::Chat, None) => "Title",
        }
    }
}

/// A page of matches, best first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
