//! OpenAI's wire format: `GET /v1/models` and `POST /v1/chat/completions`
//! (streamed as `chat.completion.chunk` events ending in `data: [DONE]`,
//! or whole), for any model the caller may use whatever its provider
//! speaks.

use super::{
    answer_id, error_in, keep_of, message, parse, role, upstream, whole, with_thread, Content,
    Shape,
};
use crate::error::AppError;
use crate::server::actions::completions::{self, Ask};
use crate::server::auth::caller::Caller;
use crate::server::llm::chat::ChatEvent;
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
    error_in(&e, Shape::OpenAi)
}

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

#[derive(Deserialize)]
struct Request {
    model: String,
    messages: Vec<InMessage>,
    #[serde(default)]
    stream: bool,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
    #[serde(default)]
    temperature: Option<f32>,
    #[serde(default)]
    top_p: Option<f32>,
    #[serde(default)]
    max_tokens: Option<u32>,
    #[serde(default)]
    max_completion_tokens: Option<u32>,
    #[serde(default)]
    stop: Option<Stop>,
    #[serde(default)]
    n: Option<u32>,
}

#[derive(Deserialize)]
struct StreamOptions {
    #[serde(default)]
    include_usage: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Stop {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct InMessage {
    role: String,
    content: Content,
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
        messages.push(message(role, m.content.text(&format!("{field}.content"))?));
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

pub async fn chat_completions(
    State(state): State<AppState>,
    caller: Result<Caller, AppError>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let (ask, streamed, include_usage) = match parse::<Request>(&body).and_then(ask_of) {
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
