//! Talking to LLM providers. `upstream` lists a provider's models (test
//! connection, import); the chat adapters join it here.

pub mod anthropic;
pub mod chat;
pub mod openai;
pub mod sse;
pub mod upstream;

/// Removes an API key from text that may echo it (provider error messages
/// sometimes quote the key they refused).
pub fn redact(text: &str, key: Option<&str>) -> String {
    match key {
        Some(k) if k.len() >= 4 => text.replace(k, "[redacted]"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_the_key() {
        assert_eq!(
            super::redact("Incorrect API key provided: sk-abc123", Some("sk-abc123")),
            "Incorrect API key provided: [redacted]"
        );
        assert_eq!(super::redact("fine", None), "fine");
    }
}
