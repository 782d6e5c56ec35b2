//! A fake LLM provider on port 0 speaking the real wire formats. Model
//! lists for now: OpenAI-compatible under `/v1`, Anthropic under
//! `/anthropic/v1`, and `/slow/v1` that never answers in time.

use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::time::Duration;

pub const GOOD_KEY: &str = "sk-fake-good-key-1234";

pub struct FakeProvider {
    pub base: String,
}

impl FakeProvider {
    pub async fn start() -> FakeProvider {
        let app = Router::new()
            .route("/v1/models", get(openai_models))
            .route("/anthropic/v1/models", get(anthropic_models))
            .route("/slow/v1/models", get(slow));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeProvider {
            base: format!("http://{addr}"),
        }
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
