//! Notes: owner-only CRUD. Another user's note answers like a missing one.

use crate::error::AppError;
use crate::model::note::{NoteInput, NoteView};
use crate::server::db::Conn;
use crate::server::db::{now, schema::notes};
use diesel::prelude::*;

pub const TITLE_MAX: usize = 200;
/// In bytes of UTF-8.
pub const BODY_MAX: usize = 100 * 1024;
/// The sidebar and the API list at most this many (newest first).
pub const LIST_MAX: i64 = 500;

type Row = (i64, String, String, i64, i64);

fn view((id, title, body, created_at, updated_at): Row) -> NoteView {
    NoteView {
        id,
        title,
        body,
        created_at,
        updated_at,
    }
}

const COLUMNS: (
    notes::id,
    notes::title,
    notes::body,
    notes::created_at,
    notes::updated_at,
) = (
    notes::id,
    notes::title,
    notes::body,
    notes::created_at,
    notes::updated_at,
);

fn check(input: &NoteInput) -> Result<(), AppError> {
    if let Some(t) = &input.title {
        if t.chars().count() > TITLE_MAX || t.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "title",
                format!("title must be one line of at most {TITLE_MAX} characters."),
            ));
        }
    }
    if input.body.as_ref().is_some_and(|b| b.len() > BODY_MAX) {
        return Err(AppError::invalid(
            "body",
            format!("body must be at most {} KB.", BODY_MAX / 1024),
        ));
    }
    Ok(())
}

pub fn list(conn: &mut Conn, user_id: i64) -> Result<Vec<NoteView>, AppError> {
    Ok(notes::table
        .filter(notes::user_id.eq(user_id))
        .order((notes::updated_at.desc(), notes::id.desc()))
        .limit(LIST_MAX)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(view)
        .collect())
}

pub fn get(conn: &mut Conn, user_id: i64, id: i64) -> Result<NoteView, AppError> {
    notes::table
        .find(id)
        .filter(notes::user_id.eq(user_id))
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .map(view)
        .ok_or_else(|| AppError::not_found("No such note."))
}

pub fn create(conn: &mut Conn, user_id: i64, input: &NoteInput) -> Result<NoteView, AppError> {
    check(input)?;
    let ts = now();
    Ok(view(
        diesel::insert_into(notes::table)
            .values((
                notes::user_id.eq(user_id),
                notes::title.eq(input.title.as_deref().unwrap_or("").trim()),
                notes::body.eq(input.body.as_deref().unwrap_or("")),
                notes::created_at.eq(ts),
                notes::updated_at.eq(ts),
            ))
            .returning(COLUMNS)
            .get_result::<Row>(conn)?,
    ))
}

pub fn update(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    input: &NoteInput,
) -> Result<NoteView, AppError> {
    check(input)?;
    let current = get(conn, user_id, id)?;
    let title = input
        .title
        .as_deref()
        .map_or(current.title, |t| t.trim().to_string());
    let body = input.body.clone().unwrap_or(current.body);
    Ok(view(
        diesel::update(notes::table.find(id))
            .set((
                notes::title.eq(title),
                notes::body.eq(body),
                notes::updated_at.eq(now()),
            ))
            .returning(COLUMNS)
            .get_result::<Row>(conn)?,
    ))
}

pub fn delete(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    get(conn, user_id, id)?;
    diesel::delete(notes::table.find(id)).execute(conn)?;
    Ok(())
}
