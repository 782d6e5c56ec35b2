//! A fake LLM provider on port 0 speaking the real wire formats:
//! OpenAI-compatible under `/v1` (model list, streamed chat completions),
//! Anthropic under `/anthropic/v1` (model list, streamed messages), and
//! `/slow/v1` that never answers in time.
//!
//! Chat behaviour is scripted by the model name:
//! - `chunks-N-D`: N deltas `w0 `, `w1 `... D ms apart, then finish + usage;
//! - `clock-N-D`: N deltas D ms apart, each `t` and the microseconds since
//!   the Unix epoch when it was sent (benches measure delivery with it);
//! - `fault-401|404|429|500`: that HTTP error with a JSON body;
//! - `fault-malformed`: a delta, then a broken JSON event;
//! - `fault-cut`: two deltas, then the connection drops;
//! - `fault-hang`: a delta, then silence;
//! - `fault-overloaded` (Anthropic): an `error` event mid-stream;
//! - `xss`: markup and script injection attempts;
//! - `stopper`: `Goodbye ^C^C`; `mention-NAME`: a question to NAME;
//!   `whisper-NAME`: a turn that opens with `@NAME` (a whisper);
//! - `markdown-D`: a heading, a paragraph, a list and an unfinished line
//!   ([`MARKDOWN`]), D ms between deltas;
//! - anything else: `Hello from the fake provider.` in three deltas.
//!
//! Every chat request body is recorded for assertions.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::StreamExt;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const GOOD_KEY: &str = "sk-fake-good-key-1234";

/// In a delta, replaced by the time it is sent (model `clock-N-D`).
const NOW: &str = "@NOW@";

/// The deltas of model `markdown-D`.
pub const MARKDOWN: [&str; 7] = [
    "# Plan",
    "\n\nSome **bold",
    "** words.\n",
    "\n- one\n",
    "- two\n\n",
    "Still go",
    "ing",
];

pub struct FakeProvider {
    pub base: String,
    /// Every chat request body received, oldest first.
    pub requests: Arc<Mutex<Vec<Value>>>,
}

impl FakeProvider {
    pub async fn start() -> FakeProvider {
        let requests: Arc<Mutex<Vec<Value>>> = Arc::default();
        let app = Router::new()
            .route("/v1/models", get(openai_models))
            .route("/v1/chat/completions", post(openai_chat))
            .route("/anthropic/v1/models", get(anthropic_models))
            .route("/anthropic/v1/messages", post(anthropic_chat))
            .route("/slow/v1/models", get(slow))
            // Providers take pictures in the request: tens of MB, not
            // axum's default 2 MB.
            .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
            .with_state(requests.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeProvider {
            base: format!("http://{addr}"),
            requests,
        }
    }

    pub fn last_request(&self) -> Value {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .unwrap_or(Value::Null)
    }

    pub fn openai_base(&self) -> String {
        format!("{}/v1", self.base)
    }

    pub fn anthropic_base(&self) -> String {
        format!("{}/anthropic", self.base)
    }

    pub fn slow_base(&self) -> String {
        format!("{}/slow/v1", self.base)
    }
}

async fn openai_models(headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Bearer {GOOD_KEY}") {
        let key = auth.trim_start_matches("Bearer ");
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {
                "message": format!("Incorrect API key provided: {key}. You can find your API key at https://platform.openai.com."),
                "type": "invalid_request_error", "code": "invalid_api_key"
            }})),
        );
    }
    (
        StatusCode::OK,
        Json(json!({"object": "list", "data": [
            {"id": "gpt-fake-mini", "object": "model", "created": 1, "owned_by": "fake"},
            {"id": "gpt-fake-large", "object": "model", "created": 1, "owned_by": "fake"},
            {"id": "gpt-fake-vision", "object": "model", "created": 1, "owned_by": "fake", "extra": {"x": 1}}
        ]})),
    )
}

async fn anthropic_models(headers: HeaderMap) -> (StatusCode, Json<Value>) {
    let ok = headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(GOOD_KEY)
        && headers.get("anthropic-version").is_some();
    if !ok {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}),
            ),
        );
    }
    (
        StatusCode::OK,
        Json(json!({"data": [
            {"type": "model", "id": "claude-fake-sonnet", "display_name": "Claude Fake Sonnet", "created_at": "2025-01-01T00:00:00Z"}
        ], "has_more": false, "first_id": "claude-fake-sonnet", "last_id": "claude-fake-sonnet"})),
    )
}

async fn slow() -> Json<Value> {
    tokio::time::sleep(Duration::from_secs(30)).await;
    Json(json!({"data": []}))
}

type Recorded = State<Arc<Mutex<Vec<Value>>>>;

/// What the fake "model" says: (deltas, delay between them).
fn script(model: &str) -> (Vec<String>, Duration) {
    if model == "xss" {
        return (
            vec![
                "<script>alert('x')</script>\n\n".into(),
                "Some **bold** and <img src=x onerror=alert(1)>\n\n".into(),
                "[click](javascript:alert(2))".into(),
            ],
            Duration::ZERO,
        );
    }
    if model == "stopper" {
        return (vec!["Goodbye ".into(), "^C^C".into()], Duration::ZERO);
    }
    if let Some(name) = model.strip_prefix("mention-") {
        return (
            vec!["What do you think, ".into(), format!("{name}?")],
            Duration::ZERO,
        );
    }
    if let Some(name) = model.strip_prefix("whisper-") {
        return (
            vec![
                format!("@{name} psst: "),
                "the key is under the mat.".into(),
            ],
            Duration::ZERO,
        );
    }
    if let Some(d) = model.strip_prefix("markdown-") {
        return (
            MARKDOWN.iter().map(|s| s.to_string()).collect(),
            Duration::from_millis(d.parse().unwrap_or(0)),
        );
    }
    if let Some(rest) = model.strip_prefix("clock-") {
        let (n, d) = rest.split_once('-').unwrap_or((rest, "0"));
        return (
            vec![format!("t{NOW} "); n.parse().unwrap_or(3)],
            Duration::from_millis(d.parse().unwrap_or(0)),
        );
    }
    if let Some(rest) = model.strip_prefix("chunks-") {
        let (n, d) = rest.split_once('-').unwrap_or((rest, "0"));
        let n: usize = n.parse().unwrap_or(3);
        let d: u64 = d.parse().unwrap_or(0);
        return (
            (0..n).map(|i| format!("w{i} ")).collect(),
            Duration::from_millis(d),
        );
    }
    (
        vec!["Hello".into(), " from the fake".into(), " provider.".into()],
        Duration::ZERO,
    )
}

enum Part {
    Send(String),
    Wait(Duration),
    Drop,
}

/// A streamed body from parts: waits, sends, and a dropped connection.
fn body(parts: Vec<Part>) -> Body {
    let stream = futures::stream::iter(parts).then(|p| async move {
        match p {
            Part::Send(s) if s.contains(NOW) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_micros();
                Ok(Bytes::from(s.replace(NOW, &now.to_string())))
            }
            Part::Send(s) => Ok(Bytes::from(s)),
            Part::Wait(d) => {
                tokio::time::sleep(d).await;
                Ok(Bytes::new())
            }
            Part::Drop => Err(std::io::Error::other("connection dropped")),
        }
    });
    Body::from_stream(stream)
}

fn sse_response(parts: Vec<Part>) -> Response {
    (
        [
            ("content-type", "text/event-stream"),
            ("cache-control", "no-cache"),
        ],
        body(parts),
    )
        .into_response()
}

fn http_fault(model: &str, anthropic: bool) -> Option<Response> {
    let status = match model {
        "fault-401" => StatusCode::UNAUTHORIZED,
        "fault-404" => StatusCode::NOT_FOUND,
        "fault-429" => StatusCode::TOO_MANY_REQUESTS,
        "fault-500" => StatusCode::INTERNAL_SERVER_ERROR,
        _ => return None,
    };
    let message = match status.as_u16() {
        401 => format!("Incorrect API key provided: {GOOD_KEY}"),
        404 => format!("The model `{model}` does not exist"),
        429 => "Rate limit reached, slow down".to_string(),
        _ => "The server had an error while processing your request".to_string(),
    };
    let body = if anthropic {
        json!({"type": "error", "error": {"type": "api_error", "message": message}})
    } else {
        json!({"error": {"message": message, "type": "server_error", "code": null}})
    };
    Some((status, [("retry-after", "0")], Json(body)).into_response())
}

async fn openai_chat(State(rec): Recorded, Json(req): Json<Value>) -> Response {
    rec.lock().unwrap().push(req.clone());
    let model = req["model"].as_str().unwrap_or("").to_string();
    if let Some(r) = http_fault(&model, false) {
        return r;
    }
    let chunk = |delta: Value, finish: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                   "model": model, "system_fingerprint": null, "x_unknown": {"a": 1},
                   "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]})
        )
    };
    let mut parts = vec![
        Part::Send(": keep-alive\n\n".into()),
        Part::Send(chunk(
            json!({"role": "assistant", "content": ""}),
            Value::Null,
        )),
    ];
    match model.as_str() {
        "fault-malformed" => {
            parts.push(Part::Send(chunk(
                json!({"content": "partial "}),
                Value::Null,
            )));
            parts.push(Part::Send("data: {\"choices\": [broken\n\n".into()));
            return sse_response(parts);
        }
        "fault-cut" => {
            parts.push(Part::Send(chunk(json!({"content": "cut "}), Value::Null)));
            parts.push(Part::Send(chunk(json!({"content": "short"}), Value::Null)));
            parts.push(Part::Wait(Duration::from_millis(50)));
            parts.push(Part::Drop);
            return sse_response(parts);
        }
        "fault-hang" => {
            parts.push(Part::Send(chunk(
                json!({"content": "waiting "}),
                Value::Null,
            )));
            parts.push(Part::Wait(Duration::from_secs(60)));
            return sse_response(parts);
        }
        _ => {}
    }
    let (deltas, delay) = script(&model);
    let n = deltas.len() as u32;
    for d in deltas {
        parts.push(Part::Wait(delay));
        parts.push(Part::Send(chunk(json!({"content": d}), Value::Null)));
    }
    parts.push(Part::Send(chunk(json!({}), json!("stop"))));
    if req["stream_options"]["include_usage"] == true {
        parts.push(Part::Send(format!(
            "data: {}\n\n",
            json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": model,
                   "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": n, "total_tokens": 11 + n}})
        )));
    }
    parts.push(Part::Send("data: [DONE]\n\n".into()));
    sse_response(parts)
}

async fn anthropic_chat(
    State(rec): Recorded,
    headers: HeaderMap,
    Json(req): Json<Value>,
) -> Response {
    rec.lock().unwrap().push(req.clone());
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(GOOD_KEY)
        || headers
            .get("anthropic-version")
            .and_then(|v| v.to_str().ok())
            != Some("2023-06-01")
    {
        return http_fault("fault-401", true).unwrap();
    }
    let model = req["model"].as_str().unwrap_or("").to_string();
    if let Some(r) = http_fault(&model, true) {
        return r;
    }
    let ev = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
    let mut parts = vec![
        Part::Send(ev(
            "message_start",
            json!({"type": "message_start", "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "content": [], "model": model,
            "stop_reason": null, "usage": {"input_tokens": 13, "output_tokens": 1}}}),
        )),
        Part::Send(ev(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": ""}}),
        )),
        Part::Send(ev("ping", json!({"type": "ping"}))),
    ];
    let delta = |t: &str| {
        ev(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
        "delta": {"type": "text_delta", "text": t}}),
        )
    };
    if model == "fault-overloaded" {
        parts.push(Part::Send(delta("half ")));
        parts.push(Part::Send(ev(
            "error",
            json!({"type": "error",
            "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        )));
        return sse_response(parts);
    }
    if model == "fault-cut" {
        parts.push(Part::Send(delta("cut ")));
        parts.push(Part::Wait(Duration::from_millis(50)));
        parts.push(Part::Drop);
        return sse_response(parts);
    }
    let (deltas, delay) = script(&model);
    let n = deltas.len();
    for d in deltas {
        parts.push(Part::Wait(delay));
        parts.push(Part::Send(delta(&d)));
    }
    parts.push(Part::Send(ev(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    )));
    parts.push(Part::Send(ev("message_delta", json!({"type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": n}}))));
    parts.push(Part::Send(ev(
        "message_stop",
        json!({"type": "message_stop"}),
    )));
    sse_response(parts)
}
