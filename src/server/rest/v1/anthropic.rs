//! Anthropic's wire format: `POST /v1/messages`, streamed as Anthropic's
//! event sequence (`message_start`, `content_block_start`,
//! `content_block_delta`..., `content_block_stop`, `message_delta` with
//! the usage, `message_stop`) or whole, for any model the caller may use
//! whatever its provider speaks. `x-api-key` carries the token as well as
//! `Authorization: Bearer`.

use super::{
    answer_id, error_in, keep_of, message, parse, role, upstream, whole, with_thread, Content,
    Shape,
};
use crate::error::AppError;
use crate::model::chat::Role;
use crate::server::actions::completions::{self, Ask};
use crate::server::auth::caller::Caller;
use crate::server::llm::chat::{ChatEvent, ChatStream};
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};

fn fail(e: AppError) -> Response {
    error_in(&e, Shape::Anthropic)
}

#[derive(Deserialize)]
struct Request {
    model: String,
    max_tokens: u32,
    messages: Vec<InMessage>,
    #[serde(default)]
    system: Option<Content>,
    #[serde(default)]
    temperature: Option<f32>,
    #[serde(default)]
    top_p: Option<f32>,
    #[serde(default)]
    stop_sequences: Option<Vec<String>>,
    #[serde(default)]
    stream: bool,
}

#[derive(Deserialize)]
struct InMessage {
    role: String,
    content: Content,
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
        messages.push(message(role, m.content.text(&format!("{field}.content"))?));
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

pub async fn messages(
    State(state): State<AppState>,
    caller: Result<Caller, AppError>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (ask, streamed) = match parse::<Request>(&body).and_then(ask_of) {
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
