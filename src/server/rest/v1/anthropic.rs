//! Anthropic's wire format: `POST /v1/messages`, streamed as Anthropic's
//! event sequence (`message_start`, `content_block_start`,
//! `content_block_delta`..., `content_block_stop`, `message_delta` with
//! the usage, `message_stop`) or whole, for any model the caller may use
//! whatever its provider speaks. `x-api-key` carries the token as well as
//! `Authorization: Bearer`.

use super::{
    answer_id, error_in, keep_of, parse, read, role, upstream, whole, with_thread, AnthropicError,
    AnthropicErrorDetail, Content, Shape,
};
use crate::error::AppError;
use crate::model::chat::Role;
use crate::server::actions::completions::{self, Ask};
use crate::server::auth::caller::Caller;
use crate::server::llm::chat::{ChatEvent, ChatStream};
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
    error_in(&e, Shape::Anthropic)
}

/// Anthropic's Messages request; other fields (tools, metadata, ...) are
/// ignored.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = AnthropicMessagesRequest)]
struct Request {
    /// A model id as `GET /v1/models` lists it
    /// (`anthropic:claude-3-5-haiku-latest`), or `agent:<id>`: the agent's
    /// system prompt goes first and its temperature applies unless the
    /// request sets one.
    #[schema(example = "anthropic:claude-3-5-haiku-latest")]
    model: String,
    /// At least 1.
    max_tokens: u32,
    /// 1 to 1000 `user` and `assistant` messages, at most 1,000,000
    /// characters in all; the system prompt goes in `system`.
    messages: Vec<InMessage>,
    #[serde(default)]
    system: Option<Content>,
    /// 0 to 2.
    #[serde(default)]
    temperature: Option<f32>,
    /// 0 to 1.
    #[serde(default)]
    top_p: Option<f32>,
    /// At most 16, each at most 256 characters.
    #[serde(default)]
    stop_sequences: Option<Vec<String>>,
    /// Answer as Anthropic's server-sent events.
    #[serde(default)]
    stream: bool,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = AnthropicInMessage)]
struct InMessage {
    /// `user` or `assistant`.
    #[schema(example = "user")]
    role: String,
    content: Content,
}

// Documentation only, as are the types down to `AnthropicStop`: the
// answers are built with `json!` below.
/// A whole answer, and (empty, `stop_reason` null, usage 0) the message of
/// `message_start`.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct AnthropicMessage {
    /// `msg_` and 24 hex digits.
    #[schema(example = "msg_0123456789abcdef01234567")]
    id: String,
    /// Always `message`.
    #[serde(rename = "type")]
    #[schema(example = "message")]
    kind: String,
    /// Always `assistant`.
    #[schema(example = "assistant")]
    role: String,
    /// The model as asked.
    model: String,
    /// One text block (none in `message_start`).
    content: Vec<AnthropicTextBlock>,
    /// `end_turn`, `max_tokens` or `stop_sequence`; `null` in
    /// `message_start`.
    #[schema(example = "end_turn")]
    stop_reason: Option<String>,
    /// Always `null`.
    stop_sequence: Option<String>,
    usage: AnthropicUsage,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct AnthropicTextBlock {
    /// Always `text`.
    #[serde(rename = "type")]
    #[schema(example = "text")]
    kind: String,
    text: String,
}

/// Tokens as the provider counted them (0 when it did not say).
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct AnthropicUsage {
    input_tokens: u32,
    output_tokens: u32,
}

/// The data of one streamed event; its `type` is also the SSE event's
/// name.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[allow(dead_code)]
enum AnthropicStreamEvent {
    /// First: the message, still empty.
    MessageStart { message: AnthropicMessage },
    /// Second: the one text block, `{"type":"text","text":""}`.
    ContentBlockStart {
        /// Always 0.
        index: u32,
        content_block: AnthropicTextBlock,
    },
    /// Each piece of text.
    ContentBlockDelta {
        /// Always 0.
        index: u32,
        delta: AnthropicTextDelta,
    },
    /// After the last piece.
    ContentBlockStop {
        /// Always 0.
        index: u32,
    },
    /// The stop reason and the usage.
    MessageDelta {
        delta: AnthropicStop,
        usage: AnthropicUsage,
    },
    /// Last.
    MessageStop,
    /// A provider's fault midway (`api_error`); the stream ends.
    Error { error: AnthropicErrorDetail },
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct AnthropicTextDelta {
    /// Always `text_delta`.
    #[serde(rename = "type")]
    #[schema(example = "text_delta")]
    kind: String,
    text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
struct AnthropicStop {
    /// `end_turn`, `max_tokens` or `stop_sequence`.
    #[schema(example = "end_turn")]
    stop_reason: String,
    /// Always `null`.
    stop_sequence: Option<String>,
}

fn ask_of(r: Request) -> Result<(Ask, bool), AppError> {
    let mut messages = Vec::with_capacity(r.messages.len());
    for (i, m) in r.messages.into_iter().enumerate() {
        let field = format!("messages[{i}]");
        let role = role(&format!("{field}.role"), &m.role)?;
        if role == Role::System {
            return Err(AppError::invalid(
                &format!("{field}.role"),
                "The system prompt goes in `system`, not in messages.",
            ));
        }
        messages.push(m.content.message(role, &format!("{field}.content"))?);
    }
    let system = r.system.map(|s| s.text("system")).transpose()?;
    Ok((
        Ask {
            model: r.model,
            system,
            messages,
            temperature: r.temperature,
            top_p: r.top_p,
            max_tokens: Some(r.max_tokens),
            stop: r.stop_sequences.unwrap_or_default(),
        },
        r.stream,
    ))
}

/// `stop`, `length`... in Anthropic's words.
fn stop_reason(reason: Option<&str>) -> &'static str {
    match reason {
        Some("length" | "max_tokens") => "max_tokens",
        Some("stop_sequence") => "stop_sequence",
        _ => "end_turn",
    }
}

#[utoipa::path(post, path = "/v1/messages", tag = "v1",
    summary = "Create a message (Anthropic's format), whole or streamed",
    description = "One exchange with any model you may use, or one of your agents \
(`agent:<id>`), admitted against your limits and counted in your usage; nothing else is \
stored unless `X-Backrooms-Thread` asks for it. Message content is a string or text and \
`image` blocks (base64 source; to models that see pictures, else 400). `x-api-key` carries the token as well as `Authorization: Bearer`. The body may be \
at most 4 MiB.\n\n\
With `stream: true` the answer is Anthropic's server-sent events, each `event: <type>` with \
its JSON `data`: `message_start`, `content_block_start`, `content_block_delta` for each \
piece of text, `content_block_stop`, `message_delta` (stop reason and usage), \
`message_stop`. A provider's fault midway is one `error` event \
(`{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\"}}`), and the stream \
ends.",
    security(("token" = []), ("session" = []), ("api_key" = [])),
    params(("X-Backrooms-Thread" = Option<String>, Header, description = "`new` keeps the \
exchange as a new thread (the request's messages and the reply; not `system`); a thread's id \
adds the request's last user message and the reply to that thread of yours. Absent: nothing \
is kept.")),
    request_body = Request,
    responses(
        (status = 200, description = "The answer: whole (`application/json`) or, with \
`stream: true`, server-sent events (`text/event-stream`) in Anthropic's order: \
`message_start`, `content_block_start`, `content_block_delta`..., `content_block_stop`, \
`message_delta`, `message_stop`",
            content(
                (AnthropicMessage = "application/json"),
                (AnthropicStreamEvent = "text/event-stream"),
            ),
            headers(("X-Backrooms-Thread" = i64,
                description = "When the request asked to keep the exchange: the thread's id"))),
        (status = 400, body = AnthropicError, description = "`invalid_request_error`: a bad \
body or field (the message names it, e.g. `messages[0].content`), a model that is unknown or \
not yours to use, a `system` role in `messages`, a block that is not text, or a bad \
`X-Backrooms-Thread`"),
        (status = 401, body = AnthropicError, description = "`authentication_error`: not \
signed in, or the token is unknown, revoked or expired, or the account is disabled"),
        (status = 403, body = AnthropicError, description = "`permission_error`: the account \
must change its password first. (A cookie request from another site is refused 403 before \
this, in the `/api` error shape.)"),
        (status = 404, body = AnthropicError,
            description = "`not_found_error`: `X-Backrooms-Thread` names no thread of yours"),
        (status = 409, body = AnthropicError, description = "`api_error`: the kept thread is \
still writing a reply, or the provider's stored key cannot be decrypted"),
        (status = 413, body = AnthropicError, description = "`invalid_request_error`: the body is over 4 MiB"),
        (status = 429, body = AnthropicError, description = "`rate_limit_error`: too many \
requests or over a usage limit",
            headers(("Retry-After" = u64, description = "Seconds until a retry can succeed"))),
        (status = 500, body = AnthropicError, description = "`api_error`"),
        (status = 502, body = AnthropicError, description = "`api_error`: the provider failed, \
in its own words (key redacted): before its first event, or midway through a whole answer \
(then with the `X-Backrooms-Thread` header when kept)"),
    ))]
pub async fn messages(
    State(state): State<AppState>,
    caller: Result<Caller, AppError>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (ask, streamed) = match read(body)
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
    let id = answer_id("msg_");
    if streamed {
        return with_thread(
            stream_answer(completion.events, id, completion.model),
            thread,
        );
    }
    let model = completion.model;
    let w = match whole(completion.events).await {
        Ok(w) => w,
        Err(e) => return with_thread(fail(e), thread),
    };
    let answer = Json(json!({
        "id": id, "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": w.text}],
        "stop_reason": stop_reason(w.finish.as_deref()), "stop_sequence": null,
        "usage": {"input_tokens": w.usage.0, "output_tokens": w.usage.1},
    }));
    with_thread(answer.into_response(), thread)
}

struct Streaming {
    events: ChatStream,
    started: bool,
    finish: Option<String>,
    usage: (u32, u32),
    head: Value,
}

fn event(name: &str, data: Value) -> Event {
    Event::default().event(name).data(data.to_string())
}

/// Anthropic's events; a provider fault midway is an `error` event, and
/// the stream ends.
fn stream_answer(events: ChatStream, id: String, model: String) -> Response {
    let head = json!({"id": id, "type": "message", "role": "assistant", "model": model,
                      "content": [], "stop_reason": null, "stop_sequence": null,
                      "usage": {"input_tokens": 0, "output_tokens": 0}});
    let start = Streaming {
        events,
        started: false,
        finish: None,
        usage: (0, 0),
        head,
    };
    let out = stream::unfold(Some(start), |st| async move {
        let mut st = st?;
        if !st.started {
            st.started = true;
            let first = vec![
                event(
                    "message_start",
                    json!({"type": "message_start", "message": st.head}),
                ),
                event(
                    "content_block_start",
                    json!({"type": "content_block_start", "index": 0,
                           "content_block": {"type": "text", "text": ""}}),
                ),
            ];
            return Some((first, Some(st)));
        }
        loop {
            match st.events.next().await {
                Some(Ok(ChatEvent::Delta(d))) => {
                    let delta = event(
                        "content_block_delta",
                        json!({"type": "content_block_delta", "index": 0,
                               "delta": {"type": "text_delta", "text": d}}),
                    );
                    return Some((vec![delta], Some(st)));
                }
                Some(Ok(ChatEvent::Finish(reason))) => st.finish = reason,
                Some(Ok(ChatEvent::Usage {
                    prompt_tokens,
                    completion_tokens,
                })) => st.usage = (prompt_tokens, completion_tokens),
                Some(Err(e)) => {
                    let e = upstream(e);
                    let error = event(
                        "error",
                        json!({"type": "error",
                               "error": {"type": "api_error", "message": e.message()}}),
                    );
                    return Some((vec![error], None));
                }
                None => {
                    let end = vec![
                        event(
                            "content_block_stop",
                            json!({"type": "content_block_stop", "index": 0}),
                        ),
                        event(
                            "message_delta",
                            json!({"type": "message_delta",
                                   "delta": {"stop_reason": stop_reason(st.finish.as_deref()),
                                             "stop_sequence": null},
                                   "usage": {"input_tokens": st.usage.0,
                                             "output_tokens": st.usage.1}}),
                        ),
                        event("message_stop", json!({"type": "message_stop"})),
                    ];
                    return Some((end, None));
                }
            }
        }
    });
    let events = out
        .flat_map(stream::iter)
        .map(Ok::<_, std::convert::Infallible>);
    Sse::new(events).into_response()
}
