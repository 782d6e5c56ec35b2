//! `AppError`: the one error type. Every internal cause (Diesel, r2d2, I/O,
//! a panicked blocking task) is logged here and reaches the client as a clear
//! message with the right status, never as SQL, paths or secrets.

use serde::{Deserialize, Serialize};
use std::fmt;

/// On the wire (REST bodies and server function errors alike) an error is
/// `{"error": message, "field": name|null, "status": code}` (plus
/// `retry_after` for 429), and the HTTP status is `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "ErrorBody", from = "ErrorBody")]
pub enum AppError {
    /// 400: bad input. `field` names the offending input when there is one.
    BadRequest {
        field: Option<String>,
        message: String,
    },
    /// 401: not signed in, or the credentials are wrong.
    Unauthorized { message: String },
    /// 403: signed in but not allowed (or a cross-origin write).
    Forbidden { message: String },
    /// 404: absent, or someone else's.
    NotFound { message: String },
    /// 409: would break a uniqueness rule or a state rule.
    Conflict { message: String },
    /// 413: the request body is too big.
    PayloadTooLarge { message: String },
    /// 415: JSON endpoints need `Content-Type: application/json`.
    UnsupportedMediaType { message: String },
    /// 502: an LLM provider failed; `message` is its own words, key redacted.
    Upstream { message: String },
    /// 429: slow down; `retry_after` in seconds.
    TooManyRequests { message: String, retry_after: u64 },
    /// 500: the cause was logged; the client learns nothing more.
    Internal,
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            field: None,
            message: message.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        AppError::Unauthorized {
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden {
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        AppError::NotFound {
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            message: message.into(),
        }
    }

    /// The text a person reads.
    pub fn message(&self) -> &str {
        match self {
            AppError::BadRequest { message, .. }
            | AppError::Unauthorized { message }
            | AppError::Forbidden { message }
            | AppError::NotFound { message }
            | AppError::Conflict { message }
            | AppError::PayloadTooLarge { message }
            | AppError::UnsupportedMediaType { message }
            | AppError::Upstream { message }
            | AppError::TooManyRequests { message, .. } => message,
            AppError::Internal => "Something went wrong on the server. Please try again.",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::BadRequest { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// HTTP status code as a number, so the shared build needs no `http` crate.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::BadRequest { .. } => 400,
            AppError::Unauthorized { .. } => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::PayloadTooLarge { .. } => 413,
            AppError::UnsupportedMediaType { .. } => 415,
            AppError::TooManyRequests { .. } => 429,
            AppError::Upstream { .. } => 502,
            AppError::Internal => 500,
        }
    }
}

/// What every failed `/api` request answers: the JSON shape of an
/// [`AppError`].
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(title = "Error"))]
pub struct ErrorBody {
    /// A sentence for the person, e.g. "Name is required."
    pub error: String,
    /// The input at fault, when there is one.
    #[serde(default)]
    pub field: Option<String>,
    /// The HTTP status, repeated.
    #[serde(default = "internal_status")]
    pub status: u16,
    /// With 429: seconds until a retry can succeed (also the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

fn internal_status() -> u16 {
    500
}

impl From<AppError> for ErrorBody {
    fn from(e: AppError) -> ErrorBody {
        ErrorBody {
            error: e.message().to_string(),
            field: e.field().map(str::to_string),
            status: e.status_code(),
            retry_after: match e {
                AppError::TooManyRequests { retry_after, .. } => Some(retry_after),
                _ => None,
            },
        }
    }
}

impl From<ErrorBody> for AppError {
    fn from(w: ErrorBody) -> AppError {
        let message = w.error;
        match w.status {
            400 => AppError::BadRequest {
                field: w.field,
                message,
            },
            401 => AppError::Unauthorized { message },
            403 => AppError::Forbidden { message },
            404 => AppError::NotFound { message },
            409 => AppError::Conflict { message },
            413 => AppError::PayloadTooLarge { message },
            415 => AppError::UnsupportedMediaType { message },
            429 => AppError::TooManyRequests {
                message,
                retry_after: w.retry_after.unwrap_or(1),
            },
            502 => AppError::Upstream { message },
            _ => AppError::Internal,
        }
    }
}

/// Server functions return `Result<T, AppError>`: the island gets the same
/// error (message and field) that the REST API answers, with its status.
impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Args(m) | E::MissingArg(m) => {
                AppError::bad_request(format!("The request is missing or has bad values: {m}"))
            }
            // In the browser: the call never reached us.
            E::Request(_) => AppError::Upstream {
                message: "Could not reach the server. Check your connection and try again.".into(),
            },
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!("server function: {other}");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }

    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        server_impls::answer_with_status(self);
        serde_json::to_vec(self).map(Into::into).unwrap_or_default()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AppError {}

#[cfg(feature = "ssr")]
mod server_impls {
    use super::AppError;
    use axum::http::{header, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::Json;

    /// A server function's error answers its own status (404, 403, 400...)
    /// instead of 500. A plain HTML form post (JavaScript off) keeps the
    /// redirect back to its page.
    pub(super) fn answer_with_status(e: &AppError) {
        use leptos::prelude::use_context;
        let plain_form = use_context::<axum::http::request::Parts>().is_some_and(|p| {
            p.headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if plain_form {
            return;
        }
        if let (Some(res), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            StatusCode::from_u16(e.status_code()),
        ) {
            res.set_status(status);
            if let AppError::TooManyRequests { retry_after, .. } = e {
                res.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut res = (status, Json(&self)).into_response();
            if let AppError::TooManyRequests { retry_after, .. } = &self {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            res
        }
    }

    /// Logs the cause (never shown to the client) and answers 500.
    fn internal(what: &str, cause: &dyn std::fmt::Display) -> AppError {
        tracing::error!("{what}: {cause}");
        AppError::Internal
    }

    impl From<diesel::result::Error> for AppError {
        fn from(e: diesel::result::Error) -> Self {
            use diesel::result::{DatabaseErrorKind, Error};
            match e {
                Error::NotFound => AppError::not_found("Not found."),
                Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    AppError::conflict("That already exists.")
                }
                other => internal("database", &other),
            }
        }
    }

    impl From<diesel::r2d2::PoolError> for AppError {
        fn from(e: diesel::r2d2::PoolError) -> Self {
            internal("database pool", &e)
        }
    }

    impl From<std::io::Error> for AppError {
        fn from(e: std::io::Error) -> Self {
            internal("io", &e)
        }
    }

    impl From<tokio::task::JoinError> for AppError {
        fn from(e: tokio::task::JoinError) -> Self {
            internal("blocking task", &e)
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(e: tower_sessions::session::Error) -> Self {
            internal("session", &e)
        }
    }
}
