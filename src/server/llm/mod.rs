//! Talking to LLM providers. `upstream` lists a provider's models (test
//! connection, import); the chat adapters join it here.

pub mod anthropic;
pub mod chat;
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
