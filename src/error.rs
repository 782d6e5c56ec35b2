//! `AppError`: the one error type. Every internal cause (Diesel, r2d2, I/O,
//! a panicked blocking task) is logged here and reaches the client as a clear
//! message with the right status, never as SQL, paths or secrets.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status_code())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({
                "error": self.message(),
                "field": self.field(),
            });
            let mut res = (status, Json(body)).into_response();
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
