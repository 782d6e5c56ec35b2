//! Folders of threads: owner-only. Deleting one moves its threads back out
//! (the foreign key sets their `folder_id` to NULL); nothing is lost.

use super::validate;
use crate::error::AppError;
use crate::model::folder::{FolderInput, FolderView};
use crate::server::db::Conn;
use crate::server::db::{now, schema::folders, schema::threads};
use diesel::prelude::*;

pub const NAME_MAX: usize = 60;
/// More than anyone sorts by hand; keeps the sidebar bounded.
pub const COUNT_MAX: i64 = 200;

/// Someone else's folder answers exactly like a missing one.
pub fn owned(conn: &mut Conn, user_id: i64, id: i64) -> Result<String, AppError> {
    folders::table
        .find(id)
        .filter(folders::user_id.eq(user_id))
        .select(folders::name)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("No such folder."))
}

/// By name, with how many threads each holds.
pub fn list(conn: &mut Conn, user_id: i64) -> Result<Vec<FolderView>, AppError> {
    let rows: Vec<(i64, String, i64)> = folders::table
        .filter(folders::user_id.eq(user_id))
        .order((folders::name.asc(), folders::id.asc()))
        .select((folders::id, folders::name, folders::created_at))
        .load(conn)?;
    let counts: Vec<(Option<i64>, i64)> = threads::table
        .filter(threads::user_id.eq(user_id))
        .filter(threads::folder_id.is_not_null())
        .group_by(threads::folder_id)
        .select((threads::folder_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, created_at)| FolderView {
            id,
            threads: counts
                .iter()
                .find(|(f, _)| *f == Some(id))
                .map_or(0, |(_, n)| *n),
            name,
            created_at,
        })
        .collect())
}

fn name_taken(conn: &mut Conn, user_id: i64, name: &str, except: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        folders::table
            .filter(folders::user_id.eq(user_id))
            .filter(folders::name.eq(name))
            .filter(folders::id.ne(except)),
    ))
    .get_result(conn)
}

fn checked_name(
    conn: &mut Conn,
    user_id: i64,
    input: &FolderInput,
    except: i64,
) -> Result<String, AppError> {
    let name = validate::text("name", &input.name, NAME_MAX)?;
    if name_taken(conn, user_id, &name, except)? {
        return Err(AppError::invalid(
            "name",
            format!("You already have a folder named \u{201c}{name}\u{201d}."),
        ));
    }
    Ok(name)
}

pub fn create(conn: &mut Conn, user_id: i64, input: &FolderInput) -> Result<FolderView, AppError> {
    conn.immediate_transaction(|conn| insert(conn, user_id, input))
}

fn insert(conn: &mut Conn, user_id: i64, input: &FolderInput) -> Result<FolderView, AppError> {
    let name = checked_name(conn, user_id, input, 0)?;
    let count: i64 = folders::table
        .filter(folders::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if count >= COUNT_MAX {
        return Err(AppError::conflict(format!(
            "You can have at most {COUNT_MAX} folders."
        )));
    }
    let ts = now();
    let (id, created_at) = diesel::insert_into(folders::table)
        .values((
            folders::user_id.eq(user_id),
            folders::name.eq(&name),
            folders::created_at.eq(ts),
            folders::updated_at.eq(ts),
        ))
        .returning((folders::id, folders::created_at))
        .get_result::<(i64, i64)>(conn)?;
    Ok(FolderView {
        id,
        name,
        threads: 0,
        created_at,
    })
}

pub fn rename(
    conn: &mut Conn,
    user_id: i64,
    id: i64,
    input: &FolderInput,
) -> Result<FolderView, AppError> {
    owned(conn, user_id, id)?;
    let name = checked_name(conn, user_id, input, id)?;
    diesel::update(folders::table.find(id))
        .set((folders::name.eq(name), folders::updated_at.eq(now())))
        .execute(conn)?;
    list(conn, user_id)?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| AppError::not_found("No such folder."))
}

/// The folder goes; its threads stay, outside any folder.
pub fn delete(conn: &mut Conn, user_id: i64, id: i64) -> Result<(), AppError> {
    owned(conn, user_id, id)?;
    diesel::delete(folders::table.find(id)).execute(conn)?;
    Ok(())
}
