//! Talking to LLM providers. `upstream` lists a provider's models (test
//! connection, import); the chat adapters join it here.

pub mod anthropic;
pub mod chat;
pub mod guard;
pub mod openai;
pub mod sse;
pub mod upstream;

use crate::model::provider::ApiFormat;
use chat::{ChatProvider, ProviderTarget};

/// The adapter for a provider's wire format (the adapters use `chat`'s
/// types; only this module knows them all).
pub fn provider_for(target: ProviderTarget, http: reqwest::Client) -> Box<dyn ChatProvider> {
    match target.format {
        ApiFormat::Openai => Box::new(openai::OpenAiCompatible::new(target, http)),
        ApiFormat::Anthropic => Box::new(anthropic::Anthropic::new(target, http)),
    }
}

/// Removes an API key from text that may echo it (provider error messages
/// sometimes quote the key they refused).
pub fn redact(text: &str, key: Option<&str>) -> String {
    match key {
        Some(k) if k.len() >= 4 => text.replace(k, "[redacted]"),
        _ => text.to_string(),
    }
}

/// The sentence in a provider's error body: `{"error":{"message"}}`
/// (OpenAI, Anthropic), `{"error":"..."}` (Ollama), `{"message"}`,
/// `{"detail"}` (FastAPI servers, as text or a list of `{"msg"}`), else the
/// start of the body as text; never the JSON itself.
pub fn provider_message(body: &str) -> String {
    let found = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .map(|json| {
            let error = json.get("error");
            let text = error
                .and_then(|e| e.get("message"))
                .or(error.filter(|e| e.is_string()))
                .or_else(|| json.get("message"))
                .or_else(|| json.get("detail").filter(|d| d.is_string()))
                .or_else(|| json.pointer("/detail/0/msg"))
                .and_then(|m| m.as_str())
                .map(str::to_string);
            // JSON without a sentence says nothing a person can use.
            text.unwrap_or_default()
        });
    let text = match found {
        Some(text) => text,
        None => body.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    let short: String = text.trim().chars().take(300).collect();
    if short.is_empty() {
        "no reason given".to_string()
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn provider_messages_are_sentences_not_json() {
        use super::provider_message as m;
        assert_eq!(
            m(r#"{"error":{"message":"Bad key","type":"x"}}"#),
            "Bad key"
        );
        assert_eq!(m(r#"{"error":"model not found"}"#), "model not found");
        assert_eq!(m(r#"{"detail":"Not authenticated"}"#), "Not authenticated");
        assert_eq!(
            m(r#"{"detail":[{"msg":"field required"}]}"#),
            "field required"
        );
        assert_eq!(m(r#"{"code":7}"#), "no reason given");
        assert_eq!(
            m("<html>\n  Bad   Gateway\n</html>"),
            "<html> Bad Gateway </html>"
        );
    }

    #[test]
    fn redact_hides_the_key() {
        assert_eq!(
            super::redact("Incorrect API key provided: sk-abc123", Some("sk-abc123")),
            "Incorrect API key provided: [redacted]"
        );
        assert_eq!(super::redact("fine", None), "fine");
    }
}
