//! Uploaded avatar images: checked by their bytes (never by name or the
//! declared type), kept in SQLite under a random id, removed once no agent
//! uses them.

use crate::error::AppError;
use crate::server::db::rows::NewAvatar;
use crate::server::db::Conn;
use crate::server::db::{now, schema::agents, schema::avatars, schema::backroom_participants};
use diesel::prelude::*;

pub const MAX_BYTES: usize = 512 * 1024;

/// The image type the bytes really are, if it is one we accept (the
/// attachments' check: PNG, JPEG, WebP or GIF).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    super::attachments::picture::sniff(bytes).map(|f| f.to_mime_type())
}

/// Checks and stores an image; answers its id.
pub fn store(conn: &mut Conn, bytes: &[u8]) -> Result<String, AppError> {
    if bytes.len() > MAX_BYTES {
        return Err(too_big());
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("avatar", "The image file is empty."));
    }
    let content_type = sniff(bytes).ok_or_else(|| {
        AppError::invalid(
            "avatar",
            "The avatar must be a PNG, JPEG, WebP or GIF image.",
        )
    })?;
    let id = hex::encode(rand::random::<[u8; 16]>());
    diesel::insert_into(avatars::table)
        .values(NewAvatar {
            id: &id,
            content_type,
            data: bytes,
            created_at: now(),
        })
        .execute(conn)?;
    Ok(id)
}

pub fn too_big() -> AppError {
    AppError::PayloadTooLarge {
        message: format!("The avatar image is larger than {} KB.", MAX_BYTES / 1024),
    }
}

/// The image's type and bytes.
pub fn get(conn: &mut Conn, id: &str) -> Result<(String, Vec<u8>), AppError> {
    avatars::table
        .find(id)
        .select((avatars::content_type, avatars::data))
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such image."))
}

/// Removes images no agent (nor a backroom's snapshot of one) points at.
pub fn collect_garbage(conn: &mut Conn) -> Result<usize, AppError> {
    let by_agents = agents::table
        .filter(agents::avatar_image.is_not_null())
        .select(agents::avatar_image.assume_not_null());
    let by_rooms = backroom_participants::table
        .filter(backroom_participants::avatar_image.is_not_null())
        .select(backroom_participants::avatar_image.assume_not_null());
    Ok(diesel::delete(
        avatars::table
            .filter(avatars::id.ne_all(by_agents))
            .filter(avatars::id.ne_all(by_rooms)),
    )
    .execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a.."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(sniff(b""), None);
    }
}
