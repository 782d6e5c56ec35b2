//! Reading files out of a `multipart/form-data` upload, within a size
//! limit: what the avatar, attachment, account-import and composer
//! uploads share.

use crate::error::AppError;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::Multipart;
use axum::http::StatusCode;

/// A multipart error as the client should hear it: over the size limit
/// (a field's or the route's body limit) answers `too_large()`.
pub(crate) fn unreadable(e: MultipartError, too_large: impl Fn() -> AppError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        AppError::bad_request("The upload could not be read as multipart/form-data.")
    }
}

/// The bytes of one field, at most `max`.
pub(crate) async fn field_bytes(
    field: &mut Field<'_>,
    max: usize,
    too_large: impl Fn() -> AppError,
) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(e, &too_large))? {
        if bytes.len() + chunk.len() > max {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The first field `wanted` accepts, as its file name and bytes; over
/// `max` bytes (or over the route's body limit) answers `too_large()`.
/// `None` when the form has no such field.
pub(crate) async fn file_field(
    mut form: Multipart,
    wanted: impl Fn(&Field<'_>) -> bool,
    max: usize,
    too_large: impl Fn() -> AppError,
) -> Result<Option<(String, Vec<u8>)>, AppError> {
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| unreadable(e, &too_large))?
    {
        if !wanted(&field) {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_string();
        let bytes = field_bytes(&mut field, max, &too_large).await?;
        return Ok(Some((name, bytes)));
    }
    Ok(None)
}
