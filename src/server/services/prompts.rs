//! Prompt templates: each user's saved prompts (title and text), owner-only.

use super::validate;
use crate::error::AppError;
use crate::model::prompt::{PromptInput, PromptView};
use crate::server::db::Conn;
use crate::server::db::{now, schema::prompts};
use diesel::prelude::*;

pub const TITLE_MAX: usize = 100;
/// In bytes of UTF-8: a prompt is inserted into a message (100k characters).
pub const BODY_MAX: usize = 20 * 1024;
pub const COUNT_MAX: i64 = 500;

type Row = (i64, String, String, i64);
const COLUMNS: (
    prompts::id,
    prompts::title,
    prompts::body,
    prompts::updated_at,
) = (
    prompts::id,
    prompts::title,
    prompts::body,
    prompts::updated_at,
);

fn view((id, title, body, updated_at): Row) -> PromptView {
    PromptView {
        id,
        title,
        body,
        updated_at,
    }
}

fn check_body(body: &str) -> Result<(), AppError> {
    if body.trim().is_empty() {
        return Err(AppError::invalid("body", "body must not be empty."));
    }
    if body.len() > BODY_MAX {
        return Err(AppError::invalid(
            "body",
            format!("body must be at most {} KB.", BODY_MAX / 1024),
        ));
    }
    Ok(())
}

/// By title.
pub fn list(conn: &mut Conn, user_id: i64) -> Result<Vec<PromptView>, AppError> {
    Ok(prompts::table
        .filter(prompts::user_id.eq(user_id))
        .order((prompts::title.asc(), prompts::id.asc()))
        .limit(COUNT_MAX)
        .select(COLUMNS)
        .load::<Row>(conn)?
        .into_iter()
        .map(view)
        .collect())
}

pub fn get(conn: &mut Conn, user_id: i64, id: i64) -> Result<PromptView, AppError> {
    prompts::table
        .find(id)
        .filter(prompts::user_id.eq(user_id))
        .select(COLUMNS)
        .first::<Row>(conn)
        .optional()?
        .map(view)
        .ok_or_else(|| AppError::not_found("No such prompt."))
}

pub fn create(conn: &mut Conn, user_id: i64, input: &PromptInput) -> Result<PromptView, AppError> {
    let title = validate::text("title", input.title.as_deref().unwrap_or(""), TITLE_MAX)?;
    let body = input.body.as_deref().unwrap_or("");
    check_body(body)?;
    let count: i64 = prompts::table
        .filter(prompts::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if count >= COUNT_MAX {
        return Err(AppError::conflict(format!(
            "You can keep at most {COUNT_MAX} prompts."
        )));
    }
    let ts = now();
    Ok(view(
        diesel::insert_into(prompts::table)
            .values((
                prompts::user_id.eq(user_id),
                prompts::title.eq(title),
                prompts::body.eq(body),
                prompts::created_at.eq(ts),
                prompts::updated_at.eq(ts),
            ))
            .returning(COLUMNS)
            .get_result::<Row>(conn)?,
    ))
}

pub fn update(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    input: &PromptInput,
) -> Result<PromptView, AppError> {
    let current = get(conn, user_id, id)?;
    let title = match input.title.as_deref() {
        Some(t) => validate::text("title", t, TITLE_MAX)?,
        None => current.title,
    };
    let body = input.body.clone().unwrap_or(current.body);
    check_body(&body)?;
    Ok(view(
        diesel::update(prompts::table.find(id))
            .set((
                prompts::title.eq(title),
                prompts::body.eq(body),
                prompts::updated_at.eq(now()),
            ))
            .returning(COLUMNS)
            .get_result::<Row>(conn)?,
    ))
}

pub fn delete(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    get(conn, user_id, id)?;
    diesel::delete(prompts::table.find(id)).execute(conn)?;
    Ok(())
}
