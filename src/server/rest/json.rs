//! `ApiJson<T>`: the JSON body extractor for the REST API. It insists on
//! `Content-Type: application/json` and turns every rejection into our error
//! shape (`{"error","field"}`) instead of axum's plain text.

use crate::error::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::UnsupportedMediaType {
                message: "Send the body as JSON with Content-Type: application/json.".into(),
            }),
            Err(JsonRejection::JsonDataError(e)) => Err(AppError::bad_request(format!(
                "The JSON does not have the expected fields: {}",
                e.body_text()
                    .rsplit_once(": ")
                    .map(|(_, why)| why.to_string())
                    .unwrap_or_default()
            ))),
            Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(AppError::bad_request("The body is not valid JSON."))
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::PayloadTooLarge {
                    message: "The request body is too large.".into(),
                })
            }
            Err(_) => Err(AppError::bad_request("The request body could not be read.")),
        }
    }
}

/// For endpoints whose body may be left out: an empty body is `T::default()`;
/// anything else must be JSON, with the same errors as [`ApiJson`].
pub fn optional_body<T>(headers: &axum::http::HeaderMap, body: &[u8]) -> Result<T, AppError>
where
    T: serde::de::DeserializeOwned + Default,
{
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_json {
        return Err(AppError::UnsupportedMediaType {
            message: "Send the body as JSON with Content-Type: application/json.".into(),
        });
    }
    serde_json::from_slice(body).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            AppError::bad_request("The body is not valid JSON.")
        } else {
            AppError::bad_request(format!("The JSON does not have the expected fields: {e}"))
        }
    })
}
