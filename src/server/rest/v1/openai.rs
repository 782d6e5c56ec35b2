//! OpenAI's wire format: `GET /v1/models` and `POST /v1/chat/completions`
//! (streamed as `chat.completion.chunk` events ending in `data: [DONE]`,
//! or whole), for any model the caller may use whatever its provider
//! speaks.

use super::{
    answer_id, error_in, keep_of, parse, read, role, upstream, whole, with_thread, Content,
    OpenAiError, Shape,
};
use crate::error::AppError;
use crate::server::actions::completions::{self, Ask};
use crate::server::auth::caller::Caller;
use crate::server::llm::chat::ChatEvent;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

fn fail(e: AppError) -> Response {
    error_in(&e, Shape::OpenAi)
}

// Documentation only, as are the answer types below: the answers are
// built with `json!`.
/// `GET /v1/models`'s answer.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiModelList {
    /// Always `list`.
    #[schema(example = "list")]
    object: String,
    /// The usable models by provider (the caller's own keys last), then
    /// the caller's agents.
    data: Vec<OpenAiModel>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiModel {
    /// What `model` takes: `provider-slug:upstream-id`
    /// (`openai:gpt-4o-mini`), or `agent:<id>` for an agent.
    #[schema(example = "openai:gpt-4o-mini")]
    id: String,
    /// Always `model`.
    #[schema(example = "model")]
    object: String,
    /// Always 0.
    created: i64,
    /// The provider's slug, `your key` for the caller's own key, or the
    /// agent's name.
    owned_by: String,
    /// The model's name, or the agent's description (`null` when empty).
    description: Option<String>,
}

#[utoipa::path(get, path = "/v1/models", tag = "v1",
    summary = "The models and agents you may use (OpenAI's format)",
    security(("token" = []), ("session" = [])),
    responses(
        (status = 200, body = OpenAiModelList),
        (status = 401, body = OpenAiError, description = "`authentication_error`: not signed \
in, or the token is unknown, revoked or expired, or the account is disabled"),
        (status = 403, body = OpenAiError,
            description = "`permission_error`: the account must change its password first"),
        (status = 500, body = OpenAiError, description = "`server_error`"),
    ))]
pub async fn models(State(state): State<AppState>, caller: Result<Caller, AppError>) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match completions::offered(&state, &caller).await {
        Ok(list) => {
            let data: Vec<Value> = list
                .into_iter()
                .map(|m| {
                    json!({"id": m.id, "object": "model", "created": 0, "owned_by": m.owned_by,
                           "description": m.description})
                })
                .collect();
            Json(json!({"object": "list", "data": data})).into_response()
        }
        Err(e) => fail(e),
    }
}

/// OpenAI's chat completion request; other fields (tools, response_format,
/// ...) are ignored.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = OpenAiChatRequest)]
struct Request {
    /// A model id as `GET /v1/models` lists it (`openai:gpt-4o-mini`), or
    /// `agent:<id>`: the agent's system prompt goes first and its
    /// temperature and length apply unless the request sets them.
    #[schema(example = "openai:gpt-4o-mini")]
    model: String,
    /// 1 to 1000 messages, at most 1,000,000 characters in all.
    messages: Vec<InMessage>,
    /// Answer as server-sent `chat.completion.chunk` events.
    #[serde(default)]
    stream: bool,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
    /// 0 to 2.
    #[serde(default)]
    temperature: Option<f32>,
    /// 0 to 1.
    #[serde(default)]
    top_p: Option<f32>,
    /// At least 1; `max_completion_tokens` wins when both are given.
    #[serde(default)]
    max_tokens: Option<u32>,
    /// At least 1.
    #[serde(default)]
    max_completion_tokens: Option<u32>,
    #[serde(default)]
    stop: Option<Stop>,
    /// Only 1 is supported.
    #[serde(default)]
    n: Option<u32>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = OpenAiStreamOptions)]
struct StreamOptions {
    /// With `stream`: one more chunk before `[DONE]`, with no choices and
    /// the `usage`.
    #[serde(default)]
    include_usage: bool,
}

/// One stop sequence, or up to 4; each at most 256 characters.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = OpenAiStop)]
enum Stop {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = OpenAiInMessage)]
struct InMessage {
    /// `system` (or `developer`), `user` or `assistant`.
    #[schema(example = "user")]
    role: String,
    content: Content,
}

/// A whole answer.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiChatCompletion {
    /// `chatcmpl-` and 24 hex digits.
    #[schema(example = "chatcmpl-0123456789abcdef01234567")]
    id: String,
    /// Always `chat.completion`.
    #[schema(example = "chat.completion")]
    object: String,
    /// Unix seconds.
    created: i64,
    /// The model as asked.
    model: String,
    /// Exactly one.
    choices: Vec<OpenAiChoice>,
    usage: OpenAiUsage,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiChoice {
    /// Always 0.
    index: u32,
    message: OpenAiAssistantMessage,
    /// `stop`, `length` or `content_filter`.
    #[schema(example = "stop")]
    finish_reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiAssistantMessage {
    /// Always `assistant`.
    #[schema(example = "assistant")]
    role: String,
    content: String,
}

/// Tokens as the provider counted them (0 when it did not say).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiUsage {
    prompt_tokens: u32,
    completion_tokens: u32,
    total_tokens: u32,
}

/// The data of one streamed event.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiChatCompletionChunk {
    /// The same for every chunk of one answer.
    id: String,
    /// Always `chat.completion.chunk`.
    #[schema(example = "chat.completion.chunk")]
    object: String,
    /// Unix seconds.
    created: i64,
    model: String,
    /// One choice; none in the usage chunk.
    choices: Vec<OpenAiChunkChoice>,
    /// Only in the usage chunk (`stream_options.include_usage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<OpenAiUsage>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiChunkChoice {
    /// Always 0.
    index: u32,
    delta: OpenAiDelta,
    /// `null` until the last chunk with a choice: `stop`, `length` or
    /// `content_filter`.
    finish_reason: Option<String>,
}

/// The first chunk's is `{"role":"assistant","content":""}`, each next
/// one's `{"content":"..."}`, the last one's `{}`.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct OpenAiDelta {
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<String>,
}

fn ask_of(r: Request) -> Result<(Ask, bool, bool), AppError> {
    if r.n.is_some_and(|n| n != 1) {
        return Err(AppError::invalid(
            "n",
            "n: only one choice (n = 1) is supported.",
        ));
    }
    let mut messages = Vec::with_capacity(r.messages.len());
    for (i, m) in r.messages.into_iter().enumerate() {
        let field = format!("messages[{i}]");
        let role = role(&format!("{field}.role"), &m.role)?;
        messages.push(m.content.message(role, &format!("{field}.content"))?);
    }
    let stop = match r.stop {
        None => Vec::new(),
        Some(Stop::One(s)) => vec![s],
        Some(Stop::Many(v)) if v.len() <= 4 => v,
        Some(Stop::Many(_)) => {
            return Err(AppError::invalid("stop", "stop: at most 4 sequences."));
        }
    };
    let include_usage = r.stream_options.is_some_and(|o| o.include_usage);
    Ok((
        Ask {
            model: r.model,
            system: None,
            messages,
            temperature: r.temperature,
            top_p: r.top_p,
            max_tokens: r.max_completion_tokens.or(r.max_tokens),
            stop,
        },
        r.stream,
        include_usage,
    ))
}

/// `end_turn`, `max_tokens`... in OpenAI's words.
pub fn finish_reason(reason: Option<&str>) -> &'static str {
    match reason {
        Some("length" | "max_tokens") => "length",
        Some("content_filter") => "content_filter",
        _ => "stop",
    }
}

fn usage_json(prompt: u32, completion: u32) -> Value {
    json!({"prompt_tokens": prompt, "completion_tokens": completion,
           "total_tokens": prompt + completion})
}

#[utoipa::path(post, path = "/v1/chat/completions", tag = "v1",
    summary = "Chat completion (OpenAI's format), whole or streamed",
    description = "One exchange with any model you may use, or one of your agents \
(`agent:<id>`), admitted against your limits and counted in your usage; nothing else is \
stored unless `X-Backrooms-Thread` asks for it. Message content is a string or text and \
`image_url` parts (data URLs only; to models that see pictures, else 400). The body may be at most 4 MiB.\n\n\
With `stream: true` the answer is server-sent events whose `data` is a \
`chat.completion.chunk`: the role first, then each piece of text, then the \
`finish_reason`, then the usage chunk when `stream_options.include_usage` asks, and last \
`data: [DONE]`. A provider's fault midway is one \
`data: {\"error\":{\"message\",\"type\":\"server_error\",\"code\":null}}` event, and the \
stream ends without `[DONE]`.",
    security(("token" = []), ("session" = [])),
    params(("X-Backrooms-Thread" = Option<String>, Header, description = "`new` keeps the \
exchange as a new thread (the request's messages, without system prompts, and the reply); a \
thread's id adds the request's last user message and the reply to that thread of yours. \
Absent: nothing is kept.")),
    request_body = Request,
    responses(
        (status = 200, description = "The answer: whole (`application/json`) or, with \
`stream: true`, server-sent events (`text/event-stream`) whose `data` is each a \
`chat.completion.chunk`, then `[DONE]`",
            content(
                (OpenAiChatCompletion = "application/json"),
                (OpenAiChatCompletionChunk = "text/event-stream"),
            ),
            headers(("X-Backrooms-Thread" = i64,
                description = "When the request asked to keep the exchange: the thread's id"))),
        (status = 400, body = OpenAiError, description = "`invalid_request_error`: a bad body \
or field (`code` names it, e.g. `messages[0].content`), a model that is unknown or not yours \
to use, `n` other than 1, more than 4 stop sequences, a part that is not text, or a bad \
`X-Backrooms-Thread`"),
        (status = 401, body = OpenAiError, description = "`authentication_error`: not signed \
in, or the token is unknown, revoked or expired, or the account is disabled"),
        (status = 403, body = OpenAiError, description = "`permission_error`: the account must \
change its password first. (A cookie request from another site is refused 403 before this, \
in the `/api` error shape.)"),
        (status = 404, body = OpenAiError,
            description = "`not_found_error`: `X-Backrooms-Thread` names no thread of yours"),
        (status = 409, body = OpenAiError, description = "`server_error`: the kept thread is \
still writing a reply, or the provider's stored key cannot be decrypted"),
        (status = 413, body = OpenAiError, description = "`invalid_request_error`: the body is over 4 MiB"),
        (status = 429, body = OpenAiError, description = "`rate_limit_exceeded`: too many \
requests or over a usage limit",
            headers(("Retry-After" = u64, description = "Seconds until a retry can succeed"))),
        (status = 500, body = OpenAiError, description = "`server_error`"),
        (status = 502, body = OpenAiError, description = "`server_error`: the provider failed, \
in its own words (key redacted): before its first event, or midway through a whole answer \
(then with the `X-Backrooms-Thread` header when kept)"),
    ))]
pub async fn chat_completions(
    State(state): State<AppState>,
    caller: Result<Caller, AppError>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (ask, streamed, include_usage) = match read(body)
        .and_then(|b| parse::<Request>(&b))
        .and_then(ask_of)
    {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let keep = match keep_of(&headers) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let completion = match completions::complete(&state, &caller, ask, keep).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let thread = completion.thread;
    let id = answer_id("chatcmpl-");
    let created = crate::server::db::now();
    if streamed {
        return with_thread(
            stream_answer(completion, id, created, include_usage),
            thread,
        );
    }
    let model = completion.model;
    let w = match whole(completion.events).await {
        Ok(w) => w,
        Err(e) => return with_thread(fail(e), thread),
    };
    let answer = Json(json!({
        "id": id, "object": "chat.completion", "created": created, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": w.text},
                     "finish_reason": finish_reason(w.finish.as_deref())}],
        "usage": usage_json(w.usage.0, w.usage.1),
    }));
    with_thread(answer.into_response(), thread)
}

/// The parts of every chunk of one answer.
struct Chunks {
    id: String,
    model: String,
    created: i64,
}

impl Chunks {
    fn chunk(&self, delta: Value, finish: Option<&str>) -> String {
        json!({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
               "model": self.model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        .to_string()
    }
}

struct Streaming {
    chunks: Chunks,
    events: crate::server::llm::chat::ChatStream,
    started: bool,
    finish: Option<String>,
    usage: (u32, u32),
    include_usage: bool,
}

/// The events as SSE `data:` lines: the role first, then each delta, the
/// finish reason, the usage when asked for, and `[DONE]`. A provider fault
/// midway is one `{"error"}` chunk, and the stream ends.
fn stream_answer(
    completion: completions::Completion,
    id: String,
    created: i64,
    include_usage: bool,
) -> Response {
    let start = Streaming {
        chunks: Chunks {
            id,
            model: completion.model,
            created,
        },
        events: completion.events,
        started: false,
        finish: None,
        usage: (0, 0),
        include_usage,
    };
    let lines = stream::unfold(Some(start), |st| async move {
        let mut st = st?;
        if !st.started {
            st.started = true;
            let first = st
                .chunks
                .chunk(json!({"role": "assistant", "content": ""}), None);
            return Some((vec![first], Some(st)));
        }
        loop {
            match st.events.next().await {
                Some(Ok(ChatEvent::Delta(d))) => {
                    let line = st.chunks.chunk(json!({"content": d}), None);
                    return Some((vec![line], Some(st)));
                }
                Some(Ok(ChatEvent::Finish(reason))) => st.finish = reason,
                Some(Ok(ChatEvent::Usage {
                    prompt_tokens,
                    completion_tokens,
                })) => st.usage = (prompt_tokens, completion_tokens),
                Some(Err(e)) => {
                    let e = upstream(e);
                    let line = json!({"error": {"message": e.message(), "type": "server_error",
                                                "code": null}});
                    return Some((vec![line.to_string()], None));
                }
                None => {
                    let reason = finish_reason(st.finish.as_deref());
                    let mut end = vec![st.chunks.chunk(json!({}), Some(reason))];
                    if st.include_usage {
                        end.push(
                            json!({"id": st.chunks.id, "object": "chat.completion.chunk",
                                   "created": st.chunks.created, "model": st.chunks.model,
                                   "choices": [], "usage": usage_json(st.usage.0, st.usage.1)})
                            .to_string(),
                        );
                    }
                    end.push("[DONE]".to_string());
                    return Some((end, None));
                }
            }
        }
    });
    let events = lines
        .flat_map(stream::iter)
        .map(|line| Ok::<_, std::convert::Infallible>(Event::default().data(line)));
    Sse::new(events).into_response()
}
