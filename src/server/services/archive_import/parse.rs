//! Reading an uploaded archive: the size it may have, then its JSON.

use crate::error::AppError;
use crate::model::archive::Archive;

/// The largest archive `POST /api/import` takes, in bytes.
/// Uploaded files travel in it (base64), so it is far larger than text
/// alone would need.
pub const MAX_BYTES: usize = 200 * 1024 * 1024;

/// Reads an uploaded archive: size first, then JSON with a clear message.
pub fn parse(bytes: &[u8]) -> Result<Archive, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(AppError::PayloadTooLarge {
            message: format!(
                "An account export can be at most {} MB.",
                MAX_BYTES / 1024 / 1024
            ),
        });
    }
    serde_json::from_slice(bytes).map_err(|e| {
        AppError::invalid(
            "file",
            format!("This is not a Backrooms account export (JSON error: {e})."),
        )
    })
}
