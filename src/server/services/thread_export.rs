//! One thread as a file: Markdown (title, model, date; each message headed
//! by its speaker, code blocks intact) or JSON (everything stored).

use crate::model::chat::ThreadView;

/// `2026-11-22 15:04 UTC` from unix seconds.
fn when(secs: i64) -> String {
    let rem = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02} UTC",
        crate::text::format::date(secs),
        rem / 3600,
        rem % 3600 / 60
    )
}

pub fn markdown(c: &ThreadView) -> String {
    let title = if c.title.is_empty() {
        "New chat"
    } else {
        &c.title
    };
    let models: Vec<&str> = {
        let mut ms: Vec<&str> = c
            .messages
            .iter()
            .filter_map(|m| m.model_sdk_id.as_deref())
            .collect();
        ms.dedup();
        ms
    };
    let mut out = format!("# {title}\n\n");
    if let Some(a) = &c.agent {
        out.push_str(&format!("Agent: {}  \n", a.name));
    }
    if !models.is_empty() {
        out.push_str(&format!("Model: {}  \n", models.join(", ")));
    }
    out.push_str(&format!("Date: {}\n", when(c.created_at)));
    for m in &c.messages {
        let who = match (m.role.as_str(), &c.agent) {
            ("user", _) => "You".to_string(),
            ("system", _) => "System".to_string(),
            (_, Some(a)) => a.name.clone(),
            _ => "Assistant".to_string(),
        };
        let note = match (m.status.as_str(), &m.error) {
            ("complete", _) => String::new(),
            ("error", Some(e)) => format!(" (failed: {e})"),
            (s, _) => format!(" ({s})"),
        };
        out.push_str(&format!("\n## {who}{note}\n\n{}\n", m.content.trim_end()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(super::when(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::when(1_795_359_840), "2026-11-22 15:04 UTC");
        assert_eq!(super::when(951_782_400), "2000-02-29 00:00 UTC");
    }
}
