//! The one interface every provider adapter implements: messages in, a
//! stream of text deltas, usage and a finish reason out, or a typed fault
//! carrying the provider's own message (key redacted).

use crate::model::provider::ApiFormat;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use std::time::Duration;

/// The message roles are the app's own vocabulary (`model::chat::Role`).
pub use crate::model::chat::Role;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
    /// Pictures sent with the text (user messages, to models that see them).
    pub images: Vec<ImagePart>,
}

impl ChatMessage {
    /// A message of text alone.
    pub fn text(role: Role, content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role,
            content: content.into(),
            images: Vec::new(),
        }
    }
}

/// A picture as each wire format sends it: its type and bytes (base64 on
/// the wire). Shared, since a long thread resends its pictures every turn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImagePart {
    pub mime: String,
    pub data: std::sync::Arc<[u8]>,
}

impl ImagePart {
    pub fn base64(&self) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&self.data)
    }
}

#[derive(Clone, Debug, Default)]
pub struct ChatRequest {
    /// The provider's own model id (without our `slug:` prefix).
    pub model: String,
    pub messages: Vec<ChatMessage>,
    pub temperature: Option<f32>,
    /// Nucleus sampling, passed on when a `/v1` client sets it.
    pub top_p: Option<f32>,
    pub max_tokens: Option<u32>,
    pub stop: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatEvent {
    Delta(String),
    Usage {
        prompt_tokens: u32,
        completion_tokens: u32,
    },
    /// The provider said it is done (`stop`, `length`, `end_turn`...).
    Finish(Option<String>),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    #[error("cannot connect to the provider: {0}")]
    Connect(String),
    #[error("the provider did not answer in time: {0}")]
    Timeout(String),
    #[error("the provider refused the API key: {0}")]
    Unauthorized(String),
    #[error("the provider does not know this model: {0}")]
    ModelNotFound(String),
    #[error("the provider is rate limiting{}: {message}", retry_after.map(|s| format!(" (retry after {s} s)")).unwrap_or_default())]
    RateLimited {
        message: String,
        retry_after: Option<u64>,
    },
    #[error("the provider failed ({status}): {message}")]
    Server { status: u16, message: String },
    #[error("the provider refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("the provider sent something unreadable: {0}")]
    Malformed(String),
    #[error("the provider's stream ended before the reply was complete")]
    Cut,
}

impl LlmError {
    /// Sorts an HTTP error status with the provider's message.
    pub fn from_status(status: u16, message: String, retry_after: Option<u64>) -> LlmError {
        match status {
            401 | 403 => LlmError::Unauthorized(message),
            404 => LlmError::ModelNotFound(message),
            429 => LlmError::RateLimited {
                message,
                retry_after,
            },
            500..=599 => LlmError::Server { status, message },
            _ => LlmError::Rejected { status, message },
        }
    }

    /// The same error with any trace of `key` removed.
    pub fn redacted(self, key: Option<&str>) -> LlmError {
        let r = |s: String| super::redact(&s, key);
        match self {
            LlmError::Connect(m) => LlmError::Connect(r(m)),
            LlmError::Timeout(m) => LlmError::Timeout(r(m)),
            LlmError::Unauthorized(m) => LlmError::Unauthorized(r(m)),
            LlmError::ModelNotFound(m) => LlmError::ModelNotFound(r(m)),
            LlmError::RateLimited {
                message,
                retry_after,
            } => LlmError::RateLimited {
                message: r(message),
                retry_after,
            },
            LlmError::Server { status, message } => LlmError::Server {
                status,
                message: r(message),
            },
            LlmError::Rejected { status, message } => LlmError::Rejected {
                status,
                message: r(message),
            },
            LlmError::Malformed(m) => LlmError::Malformed(r(m)),
            LlmError::Cut => LlmError::Cut,
        }
    }
}

pub type ChatStream = BoxStream<'static, Result<ChatEvent, LlmError>>;

#[cfg(test)]
mod tests {
    use super::LlmError;

    #[test]
    fn rate_limits_say_when_to_retry_and_keys_are_redacted() {
        let e = LlmError::from_status(429, "slow down, sk-secret-key".into(), Some(7));
        assert_eq!(
            e.redacted(Some("sk-secret-key")).to_string(),
            "the provider is rate limiting (retry after 7 s): slow down, [redacted]"
        );
        assert!(matches!(
            LlmError::from_status(503, "x".into(), None),
            LlmError::Server { status: 503, .. }
        ));
        assert!(matches!(
            LlmError::from_status(404, "x".into(), None),
            LlmError::ModelNotFound(_)
        ));
    }
}

/// A provider that can stream a chat reply.
pub trait ChatProvider: Send + Sync {
    fn stream(&self, request: ChatRequest) -> BoxFuture<'static, Result<ChatStream, LlmError>>;
}

/// Where and how to reach one configured provider.
#[derive(Clone)]
pub struct ProviderTarget {
    pub format: ApiFormat,
    pub base_url: Option<String>,
    pub api_key: Option<String>,
}

impl std::fmt::Debug for ProviderTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderTarget")
            .field("format", &self.format)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl ProviderTarget {
    pub fn base(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| self.format.default_base_url().to_string())
            .trim_end_matches('/')
            .to_string()
    }
}

/// Connect timeout for every provider call (the idle timeout between chunks
/// is applied by whoever reads the stream).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
