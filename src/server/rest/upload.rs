//! Reading one file out of a `multipart/form-data` upload, within a size
//! limit: what the avatar, attachment and account-import uploads share.

use crate::error::AppError;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::Multipart;
use axum::http::StatusCode;

/// The first field `wanted` accepts, as its file name and bytes; over
/// `max` bytes (or over the route's body limit) answers `too_large()`.
/// `None` when the form has no such field.
pub(super) async fn file_field(
    mut form: Multipart,
    wanted: impl Fn(&Field<'_>) -> bool,
    max: usize,
    too_large: impl Fn() -> AppError,
) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let unreadable = |e: MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            AppError::bad_request("The upload could not be read as multipart/form-data.")
        }
    };
    while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
        if !wanted(&field) {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            if bytes.len() + chunk.len() > max {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}
