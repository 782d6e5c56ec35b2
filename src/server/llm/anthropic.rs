//! Anthropic's native Messages API over reqwest: `POST {base}/v1/messages`
//! with `x-api-key` and `anthropic-version: 2023-06-01`, the system prompt
//! at the top level, `max_tokens` always sent, streamed as SSE events.

use super::chat::{
    ChatEvent, ChatProvider, ChatRequest, ChatStream, LlmError, ProviderTarget, Role,
};
use super::sse;
use futures::future::BoxFuture;
use futures::StreamExt;
use serde_json::{json, Value};

/// Anthropic requires `max_tokens`; used when neither thread nor agent set one.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

pub struct Anthropic {
    target: ProviderTarget,
    http: reqwest::Client,
}

impl Anthropic {
    pub fn new(target: ProviderTarget, http: reqwest::Client) -> Self {
        Anthropic { target, http }
    }
}

fn body(request: &ChatRequest) -> Value {
    let system: Vec<&str> = request
        .messages
        .iter()
        .filter(|m| m.role == Role::System)
        .map(|m| m.content.as_str())
        .collect();
    let messages: Vec<Value> = request
        .messages
        .iter()
        .filter(|m| m.role != Role::System)
        .map(|m| {
            let role = if m.role == Role::Assistant {
                "assistant"
            } else {
                "user"
            };
            if m.images.is_empty() {
                return json!({"role": role, "content": m.content});
            }
            // Anthropic's blocks: each picture (base64 source), then the text.
            let mut blocks: Vec<Value> = m
                .images
                .iter()
                .map(|i| {
                    json!({"type": "image",
                           "source": {"type": "base64", "media_type": i.mime, "data": i.base64()}})
                })
                .collect();
            blocks.push(json!({"type": "text", "text": m.content}));
            json!({"role": role, "content": blocks})
        })
        .collect();
    let mut body = json!({
        "model": request.model,
        "max_tokens": request.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
        "stream": true,
    });
    if !system.is_empty() {
        body["system"] = json!(system.join("\n\n"));
    }
    if let Some(t) = request.temperature {
        // Anthropic accepts 0-1.
        body["temperature"] = json!(t.clamp(0.0, 1.0));
    }
    if let Some(p) = request.top_p {
        body["top_p"] = json!(p);
    }
    if !request.stop.is_empty() {
        body["stop_sequences"] = json!(request.stop);
    }
    body
}

/// One SSE event into our events; `Ok(None)` for events that carry nothing.
fn read_event(ev: &sse::SseEvent) -> Result<Vec<ChatEvent>, LlmError> {
    let kind = ev.event.as_deref().unwrap_or("");
    if kind == "ping" || ev.data.is_empty() {
        return Ok(Vec::new());
    }
    let v: Value = serde_json::from_str(&ev.data)
        .map_err(|e| LlmError::Malformed(format!("{e} in a {kind} event")))?;
    let kind = v.get("type").and_then(|t| t.as_str()).unwrap_or(kind);
    let mut out = Vec::new();
    match kind {
        "message_start" => {
            if let Some(n) = v
                .pointer("/message/usage/input_tokens")
                .and_then(|n| n.as_u64())
            {
                out.push(ChatEvent::Usage {
                    prompt_tokens: n as u32,
                    completion_tokens: 0,
                });
            }
        }
        "content_block_delta" => {
            if let Some(text) = v.pointer("/delta/text").and_then(|t| t.as_str()) {
                if !text.is_empty() {
                    out.push(ChatEvent::Delta(text.to_string()));
                }
            }
        }
        "message_delta" => {
            if let Some(n) = v.pointer("/usage/output_tokens").and_then(|n| n.as_u64()) {
                out.push(ChatEvent::Usage {
                    prompt_tokens: 0,
                    completion_tokens: n as u32,
                });
            }
            if let Some(reason) = v.pointer("/delta/stop_reason").and_then(|r| r.as_str()) {
                out.push(ChatEvent::Finish(Some(reason.to_string())));
            }
        }
        "error" => {
            let message = v
                .pointer("/error/message")
                .and_then(|m| m.as_str())
                .unwrap_or("unknown error")
                .to_string();
            let status = match v.pointer("/error/type").and_then(|t| t.as_str()) {
                Some("overloaded_error") => 529,
                Some("rate_limit_error") => 429,
                Some("authentication_error") => 401,
                Some("not_found_error") => 404,
                Some("invalid_request_error") => 400,
                _ => 500,
            };
            return Err(LlmError::from_status(status, message, None));
        }
        // message_stop, content_block_start/stop and unknown future events.
        _ => {}
    }
    Ok(out)
}

impl ChatProvider for Anthropic {
    fn stream(&self, request: ChatRequest) -> BoxFuture<'static, Result<ChatStream, LlmError>> {
        let http = self.http.clone();
        let target = self.target.clone();
        Box::pin(async move {
            let key = target.api_key.clone();
            let mut req = http
                .post(format!("{}/v1/messages", target.base()))
                .header("anthropic-version", "2023-06-01")
                .json(&body(&request));
            if let Some(k) = &key {
                req = req.header("x-api-key", k);
            }
            let res = req.send().await.map_err(|e| {
                if let Some(refused) = super::guard::explain(&e) {
                    LlmError::Connect(refused)
                } else if e.is_timeout() {
                    LlmError::Timeout(e.to_string())
                } else {
                    LlmError::Connect(e.to_string())
                }
                .redacted(key.as_deref())
            })?;
            let status = res.status();
            if !status.is_success() {
                let retry_after = res
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse().ok());
                let text = res.text().await.unwrap_or_default();
                return Err(LlmError::from_status(
                    status.as_u16(),
                    super::provider_message(&text),
                    retry_after,
                )
                .redacted(key.as_deref()));
            }
            let stream = sse::events(res.bytes_stream()).flat_map(move |item| {
                let out: Vec<Result<ChatEvent, LlmError>> = match item {
                    Ok(ev) => match read_event(&ev) {
                        Ok(evs) => evs.into_iter().map(Ok).collect(),
                        Err(e) => vec![Err(e.redacted(key.as_deref()))],
                    },
                    Err(e) => vec![Err(e)],
                };
                futures::stream::iter(out)
            });
            Ok(stream.boxed())
        })
    }
}
