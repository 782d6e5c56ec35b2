//! Attachments: checked by their content, stored once per content
//! (SHA-256, in `blobs`), owned by the uploader (anyone else gets 404),
//! linked to the messages they went out with, counted in a per-account
//! storage quota, and removed when nothing refers to them any more.

pub mod document;
pub mod knowledge;
pub mod picture;
pub mod retrieval;

use crate::error::AppError;
use crate::model::attachment::{AttachmentKind, AttachmentView, SourceView};
use crate::server::db::now;
use crate::server::db::rows::{Attachment, NewAttachment};
use crate::server::db::schema::{
    agent_knowledge, attachments, blobs, message_attachments, message_sources,
};
use crate::server::db::Conn;
use crate::server::llm::chat::ImagePart;
use diesel::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const MB: usize = 1024 * 1024;
/// A picture's largest upload, before scaling.
pub const IMAGE_MAX: usize = 10 * MB;
/// A document's largest upload.
pub const DOCUMENT_MAX: usize = 20 * MB;
/// Files on one message.
pub const PER_MESSAGE: usize = 10;
/// What one account may keep, all files together (as stored).
pub const QUOTA_BYTES: i64 = 500 * MB as i64;
/// The largest request body of an upload: a document plus the multipart
/// framing; anything bigger is refused before it is read.
pub const UPLOAD_LIMIT: usize = DOCUMENT_MAX + 64 * 1024;
/// An unsent upload is kept this long (seconds), then removed.
const UNSENT_GRACE: i64 = 24 * 3600;
const NAME_MAX: usize = 200;

/// A checked upload, ready to store.
pub struct Prepared {
    kind: AttachmentKind,
    name: String,
    mime: &'static str,
    bytes: Vec<u8>,
    width: Option<i32>,
    height: Option<i32>,
    pages: Option<i32>,
    text: Option<String>,
}

impl Prepared {
    pub fn kind(&self) -> AttachmentKind {
        self.kind
    }
}

fn too_large(what: &str, max: usize) -> AppError {
    AppError::PayloadTooLarge {
        message: format!("{what} is larger than {} MB.", max / MB),
    }
}

/// The name as shown: the last part of a path, without control
/// characters, at most 200 characters; `file` when nothing is left.
fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX)
        .collect();
    match clean.trim() {
        "" => "file".into(),
        t => t.to_string(),
    }
}

/// Reads what the bytes are and makes them fit to send: pictures scaled
/// and stripped of metadata, documents turned into text. CPU work: call
/// it off the async runtime.
pub fn prepare(name: &str, bytes: &[u8]) -> Result<Prepared, AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "The file is empty."));
    }
    if bytes.len() > DOCUMENT_MAX {
        return Err(too_large("A file", DOCUMENT_MAX));
    }
    let name = clean_name(name);
    if let Some(format) = picture::sniff(bytes) {
        if bytes.len() > IMAGE_MAX {
            return Err(too_large("A picture", IMAGE_MAX));
        }
        let p = picture::normalize(bytes, format)?;
        return Ok(Prepared {
            kind: AttachmentKind::Image,
            name,
            mime: p.mime,
            width: Some(p.width as i32),
            height: Some(p.height as i32),
            pages: None,
            text: None,
            bytes: p.bytes,
        });
    }
    match document::read(&name, bytes)? {
        Some(d) => Ok(Prepared {
            kind: AttachmentKind::Document,
            name,
            mime: d.mime,
            width: None,
            height: None,
            pages: d.pages,
            text: Some(d.text),
            bytes: bytes.to_vec(),
        }),
        None => Err(AppError::invalid(
            "file",
            "Attach a picture (PNG, JPEG, WebP or GIF) or a document (PDF, text, Markdown, \
             code, CSV, JSON or HTML); this file is none of them.",
        )),
    }
}

/// What the account's files take, as stored.
pub fn used_bytes(conn: &mut Conn, user: i64) -> Result<i64, AppError> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    Ok(attachments::table
        .filter(attachments::user_id.eq(user))
        .select(sql::<BigInt>("CAST(COALESCE(SUM(bytes), 0) AS BIGINT)"))
        .first(conn)?)
}

/// Stores a prepared upload as the user's, within their quota.
pub fn store(conn: &mut Conn, user: i64, file: &Prepared) -> Result<AttachmentView, AppError> {
    conn.immediate_transaction(|conn| {
        // Uploads never sent go after a day: each upload clears them, so
        // they stop counting against anyone's quota.
        collect_garbage(conn)?;
        store_in(conn, user, file)
    })
}

/// [`store`] inside the caller's transaction (an import's).
pub fn store_in(conn: &mut Conn, user: i64, file: &Prepared) -> Result<AttachmentView, AppError> {
    let sha = hex::encode(Sha256::digest(&file.bytes));
    let used = used_bytes(conn, user)?;
    if used + file.bytes.len() as i64 > QUOTA_BYTES {
        return Err(AppError::PayloadTooLarge {
            message: format!(
                "Your files take {} of your {} MB; delete some to attach this one.",
                (used as usize).div_ceil(MB),
                QUOTA_BYTES as usize / MB
            ),
        });
    }
    crate::each_backend!(conn, |c| diesel::insert_into(blobs::table)
        .values((blobs::sha256.eq(&sha), blobs::data.eq(&file.bytes)))
        .on_conflict_do_nothing()
        .execute(c))?;
    let row = diesel::insert_into(attachments::table)
        .values(NewAttachment {
            user_id: user,
            kind: file.kind,
            name: &file.name,
            mime: file.mime,
            bytes: file.bytes.len() as i64,
            sha256: &sha,
            width: file.width,
            height: file.height,
            pages: file.pages,
            text: file.text.as_deref(),
            created_at: now(),
        })
        .returning(crate::server::db::all::<Attachment>())
        .get_result::<Attachment>(conn)?;
    if let Some(text) = &file.text {
        retrieval::index(conn, row.id, text, file.pages.is_some())?;
    }
    Ok(row.view())
}

fn not_found() -> AppError {
    AppError::not_found("No such attachment.")
}

/// The user's attachment (404 for anyone else's).
pub fn owned(conn: &mut Conn, user: i64, id: i64) -> Result<Attachment, AppError> {
    attachments::table
        .find(id)
        .filter(attachments::user_id.eq(user))
        .select(Attachment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// The attachment and its bytes, for its owner.
pub fn read(conn: &mut Conn, user: i64, id: i64) -> Result<(Attachment, Vec<u8>), AppError> {
    owned(conn, user, id)?;
    bytes_of(conn, id)
}

/// The attachment and its bytes, whoever owns it: callers check access.
pub(crate) fn bytes_of(conn: &mut Conn, id: i64) -> Result<(Attachment, Vec<u8>), AppError> {
    let a: Attachment = attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    let data = blobs::table
        .find(&a.sha256)
        .select(blobs::data)
        .first(conn)?;
    Ok((a, data))
}

/// Deletes the user's attachment; a message it went out with keeps its
/// text. The bytes go once no attachment has them.
pub fn delete(conn: &mut Conn, user: i64, id: i64) -> Result<(), AppError> {
    conn.immediate_transaction(|conn| {
        let a = owned(conn, user, id)?;
        diesel::delete(attachments::table.find(a.id)).execute(conn)?;
        drop_unused_blobs(conn)?;
        Ok(())
    })
}

/// Links the user's uploads to the message they go out with, in order:
/// each one theirs, at most [`PER_MESSAGE`], none twice.
pub fn attach(
    conn: &mut Conn,
    user: i64,
    message_id: i64,
    ids: &[i64],
) -> Result<Vec<Attachment>, AppError> {
    let found = checked(conn, user, ids)?;
    for (position, a) in found.iter().enumerate() {
        diesel::insert_into(message_attachments::table)
            .values((
                message_attachments::message_id.eq(message_id),
                message_attachments::attachment_id.eq(a.id),
                message_attachments::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    diesel::update(attachments::table.filter(attachments::id.eq_any(ids)))
        .set(attachments::sent.eq(true))
        .execute(conn)?;
    Ok(found)
}

/// Upload ids as a form carries them: comma-separated (blank is none).
pub fn ids_of(list: &str) -> Result<Vec<i64>, AppError> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| AppError::invalid("attachments", "Not a list of file ids."))
        })
        .collect()
}

/// The user's attachments `ids`, in that order: 400 on a repeat or too
/// many, 404 on one that is not theirs.
pub fn checked(conn: &mut Conn, user: i64, ids: &[i64]) -> Result<Vec<Attachment>, AppError> {
    if ids.len() > PER_MESSAGE {
        return Err(AppError::invalid(
            "attachments",
            format!("A message takes at most {PER_MESSAGE} files."),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if !ids.iter().all(|id| seen.insert(*id)) {
        return Err(AppError::invalid(
            "attachments",
            "The same file is attached twice.",
        ));
    }
    ids.iter().map(|id| owned(conn, user, *id)).collect()
}

/// Each message's attachments, in order, for the answers that list them.
pub fn of_messages(
    conn: &mut Conn,
    message_ids: &[i64],
) -> Result<HashMap<i64, Vec<AttachmentView>>, AppError> {
    let rows: Vec<(i64, Attachment)> = message_attachments::table
        .inner_join(attachments::table)
        .filter(message_attachments::message_id.eq_any(message_ids))
        .order((
            message_attachments::message_id,
            message_attachments::position,
        ))
        .select((message_attachments::message_id, Attachment::as_select()))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<AttachmentView>> = HashMap::new();
    for (message, a) in rows {
        out.entry(message).or_default().push(a.view());
    }
    Ok(out)
}

/// The excerpts each reply was given, numbered as it cites them.
pub fn sources_of(
    conn: &mut Conn,
    message_ids: &[i64],
) -> Result<HashMap<i64, Vec<SourceView>>, AppError> {
    let rows: Vec<(i64, i32, i64, String, Option<i32>)> = message_sources::table
        .inner_join(attachments::table)
        .filter(message_sources::message_id.eq_any(message_ids))
        .order((message_sources::message_id, message_sources::n))
        .select((
            message_sources::message_id,
            message_sources::n,
            attachments::id,
            attachments::name,
            message_sources::page,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<SourceView>> = HashMap::new();
    for (message, n, attachment_id, name, page) in rows {
        out.entry(message).or_default().push(SourceView {
            n,
            attachment_id,
            name,
            page,
        });
    }
    Ok(out)
}

/// What a message's attachments add to the prompt.
#[derive(Default)]
pub struct Carried {
    pub images: Vec<ImagePart>,
    /// `(attachment id, file name, text)` of each document.
    pub documents: Vec<(i64, String, String)>,
}

/// The attachments of the history's messages, with their bytes and text.
pub fn carried(conn: &mut Conn, message_ids: &[i64]) -> Result<HashMap<i64, Carried>, AppError> {
    type Row = (
        i64,
        i64,
        AttachmentKind,
        String,
        String,
        Option<String>,
        Vec<u8>,
    );
    let rows: Vec<Row> = message_attachments::table
        .inner_join(attachments::table.inner_join(blobs::table))
        .filter(message_attachments::message_id.eq_any(message_ids))
        .order((
            message_attachments::message_id,
            message_attachments::position,
        ))
        .select((
            message_attachments::message_id,
            attachments::id,
            attachments::kind,
            attachments::name,
            attachments::mime,
            attachments::text,
            blobs::data,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Carried> = HashMap::new();
    for (message, id, kind, name, mime, text, data) in rows {
        let entry = out.entry(message).or_default();
        match kind {
            AttachmentKind::Image => entry.images.push(ImagePart {
                mime,
                data: data.into(),
            }),
            AttachmentKind::Document => entry.documents.push((id, name, text.unwrap_or_default())),
        }
    }
    Ok(out)
}

/// Removes what nothing refers to any more: sent attachments whose
/// messages are gone (with their thread), unsent uploads older than a day,
/// and the bytes of both.
pub fn collect_garbage(conn: &mut Conn) -> Result<usize, AppError> {
    let linked = message_attachments::table.select(message_attachments::attachment_id);
    let shelved = agent_knowledge::table.select(agent_knowledge::attachment_id);
    let gone = diesel::delete(
        attachments::table
            .filter(attachments::id.ne_all(linked))
            .filter(attachments::id.ne_all(shelved))
            .filter(
                attachments::sent
                    .eq(true)
                    .or(attachments::created_at.lt(now() - UNSENT_GRACE)),
            ),
    )
    .execute(conn)?;
    drop_unused_blobs(conn)?;
    Ok(gone)
}

fn drop_unused_blobs(conn: &mut Conn) -> Result<usize, AppError> {
    let used = attachments::table.select(attachments::sha256);
    Ok(diesel::delete(blobs::table.filter(blobs::sha256.ne_all(used))).execute(conn)?)
}
