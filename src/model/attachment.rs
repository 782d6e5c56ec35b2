//! Attachments: a picture for models that see them, or a document whose
//! text goes into the prompt.

use serde::{Deserialize, Serialize};

super::vocabulary::vocabulary! {
    /// What an attachment is to the model: pixels or text.
    pub enum AttachmentKind {
        Image => "image",
        Document => "document",
    }
}

/// An attachment as the API answers it (`POST /api/attachments`, and in
/// each message's `attachments`). The bytes are at `GET /api/attachments/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: i64,
    pub kind: AttachmentKind,
    /// The file's name as uploaded.
    pub name: String,
    /// The type read from the content (a picture's after scaling).
    pub mime: String,
    /// Size as stored.
    pub bytes: i64,
    /// A picture's size in pixels, as stored (at most 2048 on a side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
    /// A PDF's page count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<i32>,
    /// Unix seconds.
    pub created_at: i64,
}

/// An excerpt a reply was given, as it cites it (`[n]`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceView {
    /// The number the reply cites it by.
    pub n: i32,
    pub attachment_id: i64,
    /// The file's name.
    pub name: String,
    /// The PDF page the excerpt is from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<i32>,
}
