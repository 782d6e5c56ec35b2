//! OpenAI-compatible chat streaming through async-openai (OpenAI,
//! OpenRouter, Ollama, Gemini's compatible endpoint, Mistral, Groq,
//! DeepSeek, llama.cpp, vLLM, LM Studio). Requests and chunks use our own
//! lenient types (async-openai's "bring your own types"), so what real
//! servers send (missing fields, unknown finish reasons, empty deltas, a
//! last chunk without choices) is read instead of rejected.

use super::chat::{ChatEvent, ChatProvider, ChatRequest, ChatStream, LlmError, ProviderTarget};
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::Client;
use futures::future::BoxFuture;
use futures::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};

pub struct OpenAiCompatible {
    client: Client<OpenAIConfig>,
    key: Option<String>,
}

impl OpenAiCompatible {
    pub fn new(target: ProviderTarget, http: reqwest::Client) -> Self {
        let mut config = OpenAIConfig::new().with_api_base(target.base());
        // Keyless local servers (Ollama, llama.cpp) ignore the header.
        config = config.with_api_key(target.api_key.clone().unwrap_or_default());
        OpenAiCompatible {
            client: Client::with_config(config).with_http_client(http),
            key: target.api_key,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Chunk {
    choices: Vec<Choice>,
    usage: Option<Usage>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Choice {
    delta: Delta,
    finish_reason: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Delta {
    content: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Usage {
    prompt_tokens: u32,
    completion_tokens: u32,
}

fn body(request: &ChatRequest) -> Value {
    let messages: Vec<Value> = request
        .messages
        .iter()
        .map(|m| {
            if m.images.is_empty() {
                return json!({"role": m.role.as_str(), "content": m.content});
            }
            // OpenAI's parts: the text, then each picture as a data URL.
            let mut parts = vec![json!({"type": "text", "text": m.content})];
            parts.extend(m.images.iter().map(|i| {
                json!({"type": "image_url",
                       "image_url": {"url": format!("data:{};base64,{}", i.mime, i.base64())}})
            }));
            json!({"role": m.role.as_str(), "content": parts})
        })
        .collect();
    let mut body = json!({
        "model": request.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    if let Some(t) = request.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(n) = request.max_tokens {
        // `max_tokens` is what every compatible server understands.
        body["max_tokens"] = json!(n);
    }
    if let Some(p) = request.top_p {
        body["top_p"] = json!(p);
    }
    if !request.stop.is_empty() {
        body["stop"] = json!(request.stop);
    }
    body
}

fn map_error(e: OpenAIError) -> LlmError {
    if let Some(refused) = super::guard::explain(&e) {
        return LlmError::Connect(refused);
    }
    match e {
        OpenAIError::ApiError(resp) => LlmError::from_status(
            resp.status_code.as_u16(),
            resp.api_error.message.clone(),
            None,
        ),
        OpenAIError::Reqwest(e) if e.is_timeout() => LlmError::Timeout(e.to_string()),
        OpenAIError::Reqwest(e) if e.is_connect() => LlmError::Connect(e.to_string()),
        OpenAIError::Reqwest(e) => LlmError::Connect(e.to_string()),
        // An error body in another shape than OpenAI's: its sentence.
        OpenAIError::JSONDeserialize(_, content) => {
            LlmError::Malformed(super::provider_message(&content))
        }
        // A dropped connection surfaces as the event stream's transport error.
        OpenAIError::StreamError(e) if e.to_string().contains("Transport") => LlmError::Cut,
        OpenAIError::StreamError(e) => LlmError::Malformed(e.to_string()),
        other => LlmError::Malformed(other.to_string()),
    }
}

fn events(chunk: Chunk) -> Vec<ChatEvent> {
    let mut out = Vec::new();
    for choice in chunk.choices {
        if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
            out.push(ChatEvent::Delta(text));
        }
        if let Some(reason) = choice.finish_reason {
            out.push(ChatEvent::Finish(Some(reason)));
        }
    }
    if let Some(u) = chunk.usage {
        out.push(ChatEvent::Usage {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
        });
    }
    out
}

impl ChatProvider for OpenAiCompatible {
    fn stream(&self, request: ChatRequest) -> BoxFuture<'static, Result<ChatStream, LlmError>> {
        let client = self.client.clone();
        let key = self.key.clone();
        Box::pin(async move {
            let stream = client
                .chat()
                .create_stream_byot::<Value, Chunk>(body(&request))
                .await
                .map_err(|e| map_error(e).redacted(key.as_deref()))?;
            let mapped = stream.flat_map(move |item| {
                let out: Vec<Result<ChatEvent, LlmError>> = match item {
                    Ok(chunk) => events(chunk).into_iter().map(Ok).collect(),
                    Err(e) => vec![Err(map_error(e).redacted(key.as_deref()))],
                };
                futures::stream::iter(out)
            });
            Ok(mapped.boxed())
        })
    }
}
