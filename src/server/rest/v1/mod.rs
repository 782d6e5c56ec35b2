//! `/v1`: the OpenAI- and Anthropic-compatible API, for programs that
//! already speak one of them, behind a personal access token (or the
//! session cookie). The handlers only decode the wire format into one
//! `actions::completions::Ask` and encode the answer back; errors come in
//! the shape each format's clients parse.

pub mod anthropic;
pub mod openai;

use crate::error::AppError;
use crate::model::chat::Role;
use crate::server::llm::chat::{ChatEvent, ChatMessage, ChatStream, ImagePart, LlmError};
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// The `/v1` routes, each documented in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openai::models))
        .routes(routes!(openai::chat_completions).layer(DefaultBodyLimit::max(BODY_MAX)))
        .routes(routes!(anthropic::messages).layer(DefaultBodyLimit::max(BODY_MAX)))
}

/// The largest `/v1` request body (about 1 M characters of messages).
pub const BODY_MAX: usize = 4 * 1024 * 1024;

/// Which clients read the error.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    OpenAi,
    Anthropic,
}

impl Shape {
    pub fn of_path(path: &str) -> Shape {
        if path.starts_with("/v1/messages") {
            Shape::Anthropic
        } else {
            Shape::OpenAi
        }
    }
}

// Documentation only, as are the next three: `error_in` writes the
// errors with `json!`.
/// An error of `/v1/models` and `/v1/chat/completions`, as OpenAI's
/// clients parse it.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct OpenAiError {
    pub error: OpenAiErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct OpenAiErrorDetail {
    /// A sentence for the person.
    pub message: String,
    /// `invalid_request_error` (400, 413), `authentication_error` (401),
    /// `permission_error` (403), `not_found_error` (404),
    /// `rate_limit_exceeded` (429), `server_error` (409, 500, 502).
    #[serde(rename = "type")]
    #[schema(example = "invalid_request_error")]
    pub kind: String,
    /// The input at fault (e.g. `messages[0].content`), when there is one.
    pub code: Option<String>,
}

/// An error of `/v1/messages`, as Anthropic's clients parse it; also the
/// data of a streamed `error` event.
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AnthropicError {
    /// Always `error`.
    #[serde(rename = "type")]
    #[schema(example = "error")]
    pub kind: String,
    pub error: AnthropicErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AnthropicErrorDetail {
    /// `invalid_request_error` (400, 413), `authentication_error` (401),
    /// `permission_error` (403), `not_found_error` (404),
    /// `rate_limit_error` (429), `api_error` (409, 500, 502, and a
    /// provider's fault midway through a stream).
    #[serde(rename = "type")]
    #[schema(example = "invalid_request_error")]
    pub kind: String,
    /// A sentence for the person.
    pub message: String,
}

/// `{"error":{"message","type","code"}}` (OpenAI) or
/// `{"type":"error","error":{"type","message"}}` (Anthropic), with the
/// status (and `Retry-After`) of the error.
pub fn error_in(e: &AppError, shape: Shape) -> Response {
    let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = match (e.status_code(), shape) {
        (400 | 413 | 415, _) => "invalid_request_error",
        (401, _) => "authentication_error",
        (403, _) => "permission_error",
        (404, _) => "not_found_error",
        (429, Shape::OpenAi) => "rate_limit_exceeded",
        (429, Shape::Anthropic) => "rate_limit_error",
        (_, Shape::OpenAi) => "server_error",
        (_, Shape::Anthropic) => "api_error",
    };
    let body = match shape {
        Shape::OpenAi => {
            json!({"error": {"message": e.message(), "type": kind, "code": e.field()}})
        }
        Shape::Anthropic => {
            json!({"type": "error", "error": {"type": kind, "message": e.message()}})
        }
    };
    let mut res = (status, Json(body)).into_response();
    if let AppError::TooManyRequests { retry_after, .. } = e {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
    }
    res
}

/// For the token check, which runs before any handler.
pub fn error_response(e: &AppError, path: &str) -> Response {
    error_in(e, Shape::of_path(path))
}

/// The request's bytes, or the refusal of a body over [`BODY_MAX`] (413)
/// or one that broke off, in the caller's error shape.
pub fn read(body: Result<Bytes, BytesRejection>) -> Result<Bytes, AppError> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge {
            message: format!("A request is at most {} MB.", BODY_MAX / 1024 / 1024),
        },
        _ => AppError::invalid("body", "The request body could not be read."),
    })
}

/// The body as `T`, or a 400 naming what is wrong (never axum's text).
pub fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if body.len() > BODY_MAX {
        return Err(AppError::PayloadTooLarge {
            message: format!("A request is at most {} MB.", BODY_MAX / 1024 / 1024),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            "body".to_string()
        } else {
            path
        };
        AppError::invalid(&field, format!("{field}: {}", e.inner()))
    })
}

/// Message content: a string, or a list of parts: text
/// (`{"type":"text","text"}`) and pictures, in OpenAI's shape
/// (`{"type":"image_url","image_url":{"url":"data:image/png;base64,..."}}`)
/// or Anthropic's (`{"type":"image","source":{"type":"base64",
/// "media_type","data"}}`), for models that see pictures. A picture is sent
/// as data (no URL is fetched); any other part is a 400.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[schema(as = V1Content)]
pub enum Content {
    Text(String),
    Parts(Vec<Part>),
}

/// A part of a message's content: `text`, `image_url` (OpenAI) or
/// `image` (Anthropic).
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = V1ContentPart)]
pub struct Part {
    /// `text`, `image_url` or `image`.
    #[serde(rename = "type")]
    #[schema(example = "text")]
    pub kind: String,
    #[serde(default)]
    pub text: Option<String>,
    /// OpenAI's picture: `{"url": "data:image/png;base64,..."}`.
    #[serde(default)]
    pub image_url: Option<ImageUrl>,
    /// Anthropic's picture: `{"type": "base64", "media_type", "data"}`.
    #[serde(default)]
    pub source: Option<ImageSource>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = V1ImageUrl)]
pub struct ImageUrl {
    pub url: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = V1ImageSource)]
pub struct ImageSource {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub data: Option<String>,
}

/// A picture's base64 bytes, checked to be one of the four formats taken
/// (by its bytes) and at most 10 MB.
fn picture(field: &str, base64: &str) -> Result<ImagePart, AppError> {
    use base64::Engine;
    let refused = || {
        AppError::invalid(
            field,
            format!(
                "{field}: a picture is sent as base64 data of a PNG, JPEG, WebP or GIF image \
                 (image_url: data:image/png;base64,...); no URL is fetched."
            ),
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64.trim())
        .map_err(|_| refused())?;
    if bytes.len() > crate::server::services::attachments::IMAGE_MAX {
        return Err(AppError::PayloadTooLarge {
            message: format!("{field}: a picture is at most 10 MB."),
        });
    }
    let format =
        crate::server::services::attachments::picture::sniff(&bytes).ok_or_else(refused)?;
    Ok(ImagePart {
        mime: format.to_mime_type().to_string(),
        data: bytes.into(),
    })
}

impl Content {
    /// The text and pictures; any other part (a tool result, an audio
    /// clip) is a clear 400, not silently dropped.
    pub fn message(self, role: Role, field: &str) -> Result<ChatMessage, AppError> {
        let mut out = ChatMessage::text(role, String::new());
        match self {
            Content::Text(t) => out.content = t,
            Content::Parts(parts) => {
                for (i, p) in parts.into_iter().enumerate() {
                    let at = format!("{field}[{i}]");
                    match (p.kind.as_str(), p.text, p.image_url, p.source) {
                        ("text", Some(t), _, _) => out.content.push_str(&t),
                        ("image_url", _, Some(image), _) => {
                            let data = image
                                .url
                                .strip_prefix("data:")
                                .and_then(|rest| rest.split_once(";base64,"))
                                .map(|(_, data)| data.to_string())
                                .unwrap_or_default();
                            out.images.push(picture(&at, &data)?);
                        }
                        ("image", _, _, Some(source)) if source.kind == "base64" => {
                            out.images
                                .push(picture(&at, source.data.as_deref().unwrap_or_default())?);
                        }
                        (kind, ..) => {
                            return Err(AppError::invalid(
                                field,
                                format!(
                                    "{field}: only text and picture parts are supported here, not {kind}."
                                ),
                            ))
                        }
                    }
                }
            }
        }
        if role != Role::User && !out.images.is_empty() {
            return Err(AppError::invalid(
                field,
                format!("{field}: only user messages carry pictures."),
            ));
        }
        Ok(out)
    }

    /// The text alone (a system prompt): a picture is a 400.
    pub fn text(self, field: &str) -> Result<String, AppError> {
        let m = self.message(Role::User, field)?;
        if !m.images.is_empty() {
            return Err(AppError::invalid(
                field,
                format!("{field}: only text is supported here."),
            ));
        }
        Ok(m.content)
    }
}

pub fn role(field: &str, name: &str) -> Result<Role, AppError> {
    match name {
        "system" | "developer" => Ok(Role::System),
        "user" => Ok(Role::User),
        "assistant" => Ok(Role::Assistant),
        other => Err(AppError::invalid(
            field,
            format!("{field}: the role {other} is not supported (system, user, assistant)."),
        )),
    }
}

/// `X-Backrooms-Thread: new` (or a thread's id) keeps the exchange as a
/// thread; absent, nothing is kept.
pub const THREAD_HEADER: &str = "x-backrooms-thread";

pub fn keep_of(
    headers: &axum::http::HeaderMap,
) -> Result<Option<crate::server::actions::completions::Keep>, AppError> {
    use crate::server::actions::completions::Keep;
    match headers.get(THREAD_HEADER) {
        None => Ok(None),
        Some(v) => Keep::parse(v.to_str().unwrap_or("")).map(Some),
    }
}

/// Names the thread the exchange was kept in, on the answer.
pub fn with_thread(mut res: Response, thread: Option<i64>) -> Response {
    if let Some(id) = thread {
        res.headers_mut()
            .insert(THREAD_HEADER, HeaderValue::from(id));
    }
    res
}

/// A completion read to its end, for the answers that are not streamed.
pub struct Whole {
    pub text: String,
    pub usage: (u32, u32),
    pub finish: Option<String>,
}

pub(crate) async fn whole(mut events: ChatStream) -> Result<Whole, AppError> {
    use futures::StreamExt;
    let mut out = Whole {
        text: String::new(),
        usage: (0, 0),
        finish: None,
    };
    while let Some(event) = events.next().await {
        match event {
            Ok(ChatEvent::Delta(d)) => out.text.push_str(&d),
            Ok(ChatEvent::Usage {
                prompt_tokens,
                completion_tokens,
            }) => out.usage = (prompt_tokens, completion_tokens),
            Ok(ChatEvent::Finish(reason)) => out.finish = reason,
            Err(e) => return Err(upstream(e)),
        }
    }
    Ok(out)
}

/// A provider's fault, in its own words (key redacted): 502.
pub fn upstream(e: LlmError) -> AppError {
    AppError::Upstream {
        message: e.to_string(),
    }
}

/// `chatcmpl-…` / `msg_…`: an id for one answer.
pub fn answer_id(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(rand::random::<[u8; 12]>()))
}
